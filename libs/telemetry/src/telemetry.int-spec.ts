import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { Kafka, logLevel } from 'kafkajs';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
}
interface OtlpExport {
  resourceSpans: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans: { spans?: OtlpSpan[] }[];
  }[];
}

const SPAN_KIND_PRODUCER = 4;
const run = promisify(execFile);

function attribute(attributes: OtlpAttribute[] | undefined, key: string): string | undefined {
  return attributes?.find((a) => a.key === key)?.value.stringValue;
}

/** A stand-in OTLP/HTTP collector: keeps every JSON export POSTed to /v1/traces. */
async function startCollector(): Promise<{ server: Server; url: string; exports: OtlpExport[] }> {
  const exports: OtlpExport[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') {
        const body = Buffer.concat(chunks);
        const json = request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
        exports.push(JSON.parse(json.toString()) as OtlpExport);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, exports };
}

describe('startTelemetry', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;

  beforeAll(async () => {
    collector = await startCollector();
  });

  afterAll(() => {
    collector.server.close();
  });

  it('exports one trace holding the SQL query and the Kafka produce made inside a span', async () => {
    const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',');
    const topic = `test.telemetry.${Date.now()}`;
    const kafka = new Kafka({
      clientId: 'telemetry-int-admin',
      brokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });

    try {
      const { stdout } = await run(
        process.execPath,
        ['--require', require.resolve('tsx/cjs'), join(__dirname, 'testing', 'traced-work.ts')],
        {
          env: {
            ...process.env,
            OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
            OTEL_SDK_DISABLED: 'false',
            TRACE_TOPIC: topic,
          },
          timeout: 60_000,
        },
      );
      const { traceId } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
        traceId: string;
      };

      const resources = collector.exports.flatMap((e) => e.resourceSpans);
      expect(resources.length).toBeGreaterThan(0);
      for (const resource of resources) {
        expect(attribute(resource.resource?.attributes, 'service.name')).toBe('telemetry-int');
        expect(attribute(resource.resource?.attributes, 'service.version')).toBe('0.0.1');
      }
      const spans = resources.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans ?? []));
      const root = spans.find((span) => span.name === 'handle request');
      expect(root?.traceId).toBe(traceId);

      const inTrace = spans.filter((span) => span.traceId === traceId);
      const pgSpan = inTrace.find(
        (span) =>
          attribute(span.attributes, 'db.system') === 'postgresql' ||
          attribute(span.attributes, 'db.system.name') === 'postgresql',
      );
      const kafkaSpan = inTrace.find(
        (span) =>
          span.kind === SPAN_KIND_PRODUCER &&
          attribute(span.attributes, 'messaging.system') === 'kafka',
      );
      expect(pgSpan).toMatchObject({ parentSpanId: root?.spanId });
      expect(kafkaSpan).toMatchObject({ parentSpanId: root?.spanId, name: `send ${topic}` });
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
