// Run by telemetry.int-spec.ts as a child process (under tsx), because OpenTelemetry patches
// modules through Node's require hook, which Jest's own module loader bypasses. It does what a
// service's main.ts does: start telemetry first, then load pg and kafkajs and use them.
import { trace } from '@opentelemetry/api';
import { startTelemetry } from '../start-telemetry';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

async function main(): Promise<void> {
  const telemetry = startTelemetry({ serviceName: 'telemetry-int', serviceVersion: '0.0.1' });

  // Loaded only now, after startTelemetry, so that the instrumentations patch them.
  const { Client } = require('pg') as typeof import('pg');
  const { Kafka, Partitioners, logLevel } = require('kafkajs') as typeof import('kafkajs');

  const client = new Client({ connectionString: required('DATABASE_URL') });
  const kafka = new Kafka({
    clientId: 'telemetry-int',
    brokers: required('KAFKA_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await client.connect();
  await producer.connect();

  const traceId = await trace
    .getTracer('telemetry-int')
    .startActiveSpan('handle request', async (span) => {
      await client.query('SELECT 1 AS one');
      await producer.send({
        topic: required('TRACE_TOPIC'),
        messages: [{ key: 'k', value: 'v' }],
      });
      span.end();
      return span.spanContext().traceId;
    });

  await producer.disconnect();
  await client.end();
  await telemetry.shutdown();
  process.stdout.write(`${JSON.stringify({ traceId })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
