import { Writable } from 'node:stream';
import { createLogger } from '@mcp/telemetry';
import { logLevel } from 'kafkajs';
import { kafkaLogCreator, partitionOfKey } from './kafka-client';

describe('kafkaLogCreator', () => {
  it('writes kafkajs entries as structured lines at the matching level', () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const log = kafkaLogCreator(createLogger({ service: 'registry', destination }))(logLevel.INFO);

    log({
      namespace: 'Consumer',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        timestamp: '2025-01-01T00:00:00.000Z',
        message: 'Crash: KafkaJSNumberOfRetriesExceeded',
        clientId: 'registry',
        groupId: 'registry-projector',
      },
    });
    log({
      namespace: 'Producer',
      level: logLevel.WARN,
      label: 'WARN',
      log: { timestamp: '2025-01-01T00:00:00.000Z', message: 'retrying' },
    });

    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        service: 'registry',
        component: 'kafkajs',
        namespace: 'Consumer',
        groupId: 'registry-projector',
        msg: 'Crash: KafkaJSNumberOfRetriesExceeded',
      }),
      expect.objectContaining({ level: 'warn', namespace: 'Producer', msg: 'retrying' }),
    ]);
    expect(lines[0]).not.toHaveProperty('clientId');
  });
});

describe('kafkaLogCreator and retried responses', () => {
  it('keeps the error responses kafkajs retries out of the error level, and real errors in it', () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger({ service: 'registry', destination, level: 'debug' });
    const log = kafkaLogCreator(logger)(logLevel.DEBUG);
    const entry = (namespace: string, message: string) =>
      log({
        namespace,
        level: logLevel.ERROR,
        label: 'ERROR',
        log: { timestamp: '2025-01-01T00:00:00.000Z', message, error: 'coordinator not available' },
      });

    entry('Connection', 'Response GroupCoordinator(key: 10, version: 2)');
    entry('Connection', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    entry('Consumer', 'Response Fetch(key: 1)');

    expect(lines.map((l) => l.level)).toEqual(['debug', 'error', 'error']);
  });
});

describe('partitionOfKey', () => {
  it('maps a key to the same partition every time and spreads keys over all partitions', () => {
    expect(partitionOfKey('acme/orders', 6)).toBe(partitionOfKey('acme/orders', 6));
    const spread = new Set(Array.from({ length: 200 }, (_, i) => partitionOfKey(`t/svc-${i}`, 6)));
    expect([...spread].every((p) => p >= 0 && p < 6)).toBe(true);
    expect(spread.size).toBe(6);
  });
});
