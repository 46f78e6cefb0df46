import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { freePort } from './support/free-port';
import { header, readTopic } from './support/kafka-reading';
import { SpanCollector, type CollectedSpan } from './support/span-collector';
import { startStack, type Stack } from './support/stack';
import { expectProblem } from './support/tenant-api';

// OTLP span kinds.
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;
const BACKENDS = ['registry', 'config', 'scheduler'] as const;

let stack: Stack;
const collector = new SpanCollector();
let exitCodes: Record<string, number | null> | undefined;

beforeAll(async () => {
  const endpoint = await collector.start(await freePort());
  stack = await startStack({ otlpEndpoint: endpoint });
}, 180000);

afterAll(async () => {
  exitCodes = exitCodes ?? (await stack?.stop());
  await collector.stop();
});

function admin(path: string, init: RequestInit = {}, key: string | null = stack.adminKey) {
  const headers = new Headers(init.headers);
  if (key !== null) headers.set('authorization', `Bearer ${key}`);
  if (init.body !== undefined && !headers.has('content-type'))
    headers.set('content-type', 'application/json');
  return fetch(`${stack.adminUrl}${path}`, { ...init, headers });
}

/** A problem answer that also says what went wrong: its type, title and detail. */
async function expectDescribedProblem(res: Response, status: number, code: string) {
  const problem = await expectProblem(res, status, code);
  expect(typeof problem.type).toBe('string');
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.detail).toBe('string');
  return problem;
}

describe('system status', () => {
  it('asks registry, config and scheduler over Kafka and reports each one reading its own schema', async () => {
    const res = await admin('/v1/system/status');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      services: Record<string, Record<string, unknown>>;
    };
    expect(body.status).toBe('ok');
    for (const service of BACKENDS) {
      expect(body.services[service]).toMatchObject({
        service,
        status: 'ok',
        database: { ok: true, schema: service },
      });
    }
  });

  it('is one trace from the gateway HTTP span through Kafka to each service handler and its SQL', async () => {
    const res = await admin('/v1/system/status');
    expect(res.status).toBe(200);
    const traceId = res.headers.get('x-trace-id');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    // Batched exports arrive in any order; the gateway's HTTP span ends (and exports) last.
    const complete = (spans: CollectedSpan[]) =>
      spans.some((x) => x.service === 'mcp-gateway' && x.kind === SERVER) &&
      BACKENDS.every(
        (s) =>
          spans.some((x) => x.service === `mcp-${s}` && x.kind === CONSUMER) &&
          spans.some((x) => x.service === `mcp-${s}` && isSql(x)),
      );
    const spans = await collector.waitForTrace(traceId as string, complete);

    const httpRoot = spans.find((s) => s.service === 'mcp-gateway' && s.kind === SERVER);
    expect(httpRoot).toBeDefined();
    expect(httpRoot?.parentSpanId).toBeUndefined();

    const gatewayProducers = spans.filter(
      (s) => s.service === 'mcp-gateway' && s.kind === PRODUCER,
    );
    for (const service of BACKENDS) {
      const consumer = spans.find((s) => s.service === `mcp-${service}` && s.kind === CONSUMER);
      expect(consumer).toBeDefined();
      // The service's handling continues the gateway's produce span, not a new trace.
      expect(gatewayProducers.map((p) => p.spanId)).toContain(consumer?.parentSpanId);
      expect(spans.some((s) => s.service === `mcp-${service}` && isSql(s))).toBe(true);
    }
  });
});

describe('tenants', () => {
  it('creates a tenant and publishes TenantCreated as a binary-mode CloudEvent a plain Kafka client can read', async () => {
    const id = `acme-${randomUUID().slice(0, 8)}`;
    const res = await admin('/v1/tenants', {
      method: 'POST',
      body: JSON.stringify({ id, name: 'Acme Corp' }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id, name: 'Acme Corp' });
    const traceId = res.headers.get('x-trace-id');

    const isTenant = (m: KafkaMessage) => m.key?.toString() === id;
    const message = (await readTopic('mcp.gateway.events', (ms) => ms.some(isTenant))).find(
      isTenant,
    ) as KafkaMessage;
    expect(header(message, 'ce_specversion')).toBe('1.0');
    expect(header(message, 'ce_type')).toBe('mcp.gateway.tenant.created.v1');
    expect(header(message, 'ce_source')).toBe('/mcp/gateway');
    expect(header(message, 'ce_tenant')).toBe(id);
    expect(header(message, 'ce_id')).toMatch(/.+/);
    expect(header(message, 'ce_time')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(header(message, 'content-type')).toBe('application/json');
    expect(JSON.parse(message.value?.toString() ?? '{}')).toMatchObject({ id, name: 'Acme Corp' });
    // The event carries the trace of the request that caused it, through the outbox.
    expect(header(message, 'traceparent')).toContain(traceId as string);

    const list = await admin(`/v1/tenants?limit=200`);
    expect(list.status).toBe(200);
    const page = (await list.json()) as { items: { id: string }[] };
    expect(page.items.map((t) => t.id)).toContain(id);
  });

  it('answers a second create of the same tenant with 409 and keeps the first', async () => {
    const id = `dup-${randomUUID().slice(0, 8)}`;
    const first = await admin('/v1/tenants', {
      method: 'POST',
      body: JSON.stringify({ id, name: 'One' }),
    });
    expect(first.status).toBe(201);
    const second = await admin('/v1/tenants', {
      method: 'POST',
      body: JSON.stringify({ id, name: 'Two' }),
    });
    await expectDescribedProblem(second, 409, 'conflict');
    const page = (await (await admin('/v1/tenants?limit=200')).json()) as {
      items: { id: string; name: string }[];
    };
    expect(page.items.filter((t) => t.id === id)).toEqual([
      expect.objectContaining({ name: 'One' }),
    ]);
  });

  it('rejects bad input with problem+json and stores nothing', async () => {
    const id = `bad-${randomUUID().slice(0, 8)}`;
    await expectDescribedProblem(
      await admin('/v1/tenants', {
        method: 'POST',
        body: JSON.stringify({ id, name: 'x', plan: 'gold' }),
      }),
      400,
      'invalid_input',
    );
    await expectDescribedProblem(
      await admin('/v1/tenants', { method: 'POST', body: '{"id": "broken",' }),
      400,
      'invalid_input',
    );
    await expectDescribedProblem(
      await admin('/v1/tenants', {
        method: 'POST',
        body: JSON.stringify({ id: 'Not A Slug!', name: 'x' }),
      }),
      400,
      'invalid_input',
    );
    await expectDescribedProblem(
      await admin('/v1/tenants', {
        method: 'POST',
        body: JSON.stringify({ id, name: 'x'.repeat(2_000_000) }),
      }),
      413,
      'payload_too_large',
    );
    const list = (await (await admin('/v1/tenants?limit=200')).json()) as {
      items: { id: string }[];
    };
    expect(list.items.map((t) => t.id)).not.toContain(id);
  });

  it('refuses requests without the operator key', async () => {
    const missing = await admin('/v1/tenants', {}, null);
    await expectDescribedProblem(missing, 401, 'unauthorized');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    await expectDescribedProblem(
      await admin('/v1/system/status', {}, 'wrong-key-000000'),
      401,
      'unauthorized',
    );
  });
});

describe('operability', () => {
  it('serves liveness, readiness and Prometheus metrics on every app', async () => {
    for (const port of Object.values(stack.ports)) {
      const live = await fetch(`http://127.0.0.1:${port}/health/live`);
      expect(live.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' }, kafka: { status: 'up' } },
      });
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('process_cpu_user_seconds_total');
    }
  });

  it('answers unknown admin paths and unrouted proxy traffic with problem+json 404', async () => {
    await expectDescribedProblem(await admin('/v1/nothing-here'), 404, 'not_found');
    await expectDescribedProblem(await fetch(`${stack.proxyUrl}/acme/orders/1`), 404, 'not_found');
  });

  it('publishes its OpenAPI document from the protocol schemas', async () => {
    const res = await fetch(`${stack.adminUrl}/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/tenants', '/v1/system/status']),
    );
  });

  it('stops every app cleanly on SIGTERM', async () => {
    exitCodes = await stack.stop();
    for (const [app, code] of Object.entries(exitCodes)) {
      expect([app, code]).toEqual([app, 0]);
    }
  });
});

function isSql(span: CollectedSpan): boolean {
  return (
    span.attributes['db.system'] === 'postgresql' ||
    span.attributes['db.system.name'] === 'postgresql'
  );
}
