/**
 * Heartbeats straight onto `mcp.registry.heartbeats`, as the SDK sends them when given Kafka
 * brokers, through the built stack: they keep leases alive, cannot cross a tenant wall, bad
 * records are parked (without their credential) while the partition flows on, and the SDK still
 * learns that its lease is gone.
 */
import { randomUUID } from 'node:crypto';
import { Partitioners, type KafkaMessage } from 'kafkajs';
import { encodeHeartbeatRecord } from '@mcp/protocol';
import { McpClient, type FetchFunction, type InstanceView } from '@mcp/sdk';
import { freePort } from './support/free-port';
import { header, kafkaBrokers, kafkaClient, readTopic } from './support/kafka-reading';
import { until } from './support/polling';
import { SpanCollector } from './support/span-collector';
import { startStack, type Stack } from './support/stack';
import {
  asOperator,
  call,
  createKey,
  instanceIds,
  newTenant,
  type TenantCredential,
} from './support/tenant-api';

const HEARTBEATS = 'mcp.registry.heartbeats';
const brokers = kafkaBrokers();
const kafka = kafkaClient('e2e-kafka-heartbeats');
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

let stack: Stack;
const collector = new SpanCollector();
const clients: McpClient[] = [];

beforeAll(async () => {
  stack = await startStack({ otlpEndpoint: await collector.start(await freePort()) });
  await producer.connect();
}, 180000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await producer.disconnect();
  await stack?.stop();
  await collector.stop();
});

async function register(cred: TenantCredential, service: string, instanceId: string) {
  const res = await call(stack, cred, 'PUT', `/v1/services/${service}/instances/${instanceId}`, {
    host: '127.0.0.1',
    port: 9000,
    ttlSeconds: 2,
  });
  expect(res.status).toBe(201);
}

/** Checks `probe` holds every 250 ms for `durationMs`, failing at the first time it does not. */
async function throughout(probe: () => Promise<void>, durationMs: number) {
  const end = Date.now() + durationMs;
  while (Date.now() < end) {
    await probe();
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Writes `send()`'s records every `everyMs` until the returned stop() is awaited. */
function keepSending(send: () => Promise<unknown>, everyMs: number): () => Promise<void> {
  let going = true;
  const loop = (async () => {
    while (going) {
      await send();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return async () => {
    going = false;
    await loop;
  };
}

/** A fetch that counts the HTTP heartbeats the SDK sends. */
function countingHeartbeats(): { fetch: FetchFunction; heartbeats: () => number } {
  let count = 0;
  const counting: FetchFunction = (input, init) => {
    if (init?.method === 'PUT' && String(input).endsWith('/heartbeat')) count += 1;
    return fetch(input, init);
  };
  return { fetch: counting, heartbeats: () => count };
}

describe('heartbeats on the Kafka topic', () => {
  it('keep a 2 s lease alive for several TTLs with no heartbeat over HTTP', async () => {
    const t = await newTenant(stack);
    const http = countingHeartbeats();
    const client = new McpClient({
      gatewayUrl: stack.adminUrl,
      apiKey: t.key,
      fetch: http.fetch,
      // No lease checks over HTTP within this test: only Kafka records can keep the lease.
      kafkaHeartbeats: { brokers, leaseCheckEvery: 1000 },
    });
    clients.push(client);
    const handle = client.registerInstance({
      service: 'kafka-beat',
      instanceId: 'k-1',
      host: '127.0.0.1',
      port: 9101,
      ttlSeconds: 2,
    });
    await handle.ready();
    const states: string[] = [];
    handle.on('state', (s) => states.push(s));

    await throughout(async () => {
      expect(await instanceIds(stack, t, 'kafka-beat')).toEqual(['k-1']);
    }, 7000);
    expect(http.heartbeats()).toBe(0);
    expect(states).toEqual([]); // never retrying, never registering again
  });

  it("do not keep another tenant's instance alive: the tenant is the credential's", async () => {
    const a = await newTenant(stack);
    const b = await newTenant(stack);
    // The same service and instance names in both tenants; only B's records arrive.
    await register(a, 'walled', 'w-1');
    await register(b, 'walled', 'w-1');
    const record = encodeHeartbeatRecord({ service: 'walled', instanceId: 'w-1' }, b.key);
    const stop = keepSending(() => producer.send({ topic: HEARTBEATS, messages: [record] }), 300);
    try {
      const left = await until(
        () => instanceIds(stack, a, 'walled'),
        (ids) => ids.length === 0,
        15000,
      );
      expect(left).toEqual([]);
      // B's instance, renewed by the very same records, outlived A's by well over a TTL.
      await throughout(async () => {
        expect(await instanceIds(stack, b, 'walled')).toEqual(['w-1']);
      }, 3000);
      expect(await instanceIds(stack, a, 'walled')).toEqual([]);
    } finally {
      await stop();
    }
  });

  it('park garbage, a wrong schema and bad credentials on the .dlq with a reason and no credential, while the good record behind them is still taken in', async () => {
    const t = await newTenant(stack);
    const revoked = await createKey(stack, t.tenant, ['registry:write']);
    const revoke = await asOperator(stack, 'DELETE', `/v1/tenants/${t.tenant}/keys/${revoked.id}`);
    expect(revoke.status).toBe(204);
    const reader = await createKey(stack, t.tenant, ['registry:read']);
    await register(t, 'parked', 'p-1');

    const run = randomUUID();
    const good = encodeHeartbeatRecord({ service: 'parked', instanceId: 'p-1' }, t.key);
    const unknownKey = `mcp_0123456789abcdef_${'x'.repeat(43)}`;
    const bad = (kind: string, value: string, credential?: string) => ({
      key: good.key, // the good record's key: the same partition, behind these
      value,
      headers: {
        e2e_marker: `${run}-${kind}`,
        ...(credential === undefined ? {} : { mcp_api_key: credential }),
      },
    });
    const batch = [
      bad('garbage', 'not json at all', t.key),
      bad('schema', JSON.stringify({ service: 'parked', tenant: 'someone-else' }), t.key),
      bad('no-credential', good.value),
      bad('unknown-key', good.value, unknownKey),
      bad('revoked-key', good.value, revoked.key),
      bad('reader-key', good.value, reader.key),
      good,
    ];
    const stop = keepSending(() => producer.send({ topic: HEARTBEATS, messages: batch }), 400);
    try {
      // Only the good records renew the 2 s lease, and they sit behind the bad ones.
      await throughout(async () => {
        expect(await instanceIds(stack, t, 'parked')).toEqual(['p-1']);
      }, 6000);
    } finally {
      await stop();
    }

    const kinds = [
      'garbage',
      'schema',
      'no-credential',
      'unknown-key',
      'revoked-key',
      'reader-key',
    ];
    const markerOf = (m: KafkaMessage) => header(m, 'e2e_marker') ?? '';
    const parked = await readTopic(`${HEARTBEATS}.dlq`, (ms) =>
      kinds.every((kind) => ms.some((m) => markerOf(m) === `${run}-${kind}`)),
    );
    const first = (kind: string) => {
      const found = parked.find((m) => markerOf(m) === `${run}-${kind}`);
      expect(found).toBeDefined();
      return found as KafkaMessage;
    };
    const expectedReasons: Record<string, RegExp> = {
      garbage: /not valid JSON/,
      schema: /instanceId|tenant/,
      'no-credential': /mcp_api_key is missing/,
      'unknown-key': /not valid/,
      'revoked-key': /not valid/,
      'reader-key': /registry:write/,
    };
    for (const kind of kinds) {
      const record = first(kind);
      expect(header(record, 'mcp_dlq_reason')).toMatch(expectedReasons[kind]);
      expect(header(record, 'mcp_dlq_topic')).toBe(HEARTBEATS);
      expect(Object.keys(record.headers ?? {})).not.toContain('mcp_api_key');
      expect(JSON.stringify(record.headers)).not.toContain(t.key);
    }
    expect(first('garbage').value?.toString()).toBe('not json at all');
    // Well-formed records with a valid key are never parked, even behind bad ones.
    expect(parked.some((m) => m.key?.toString() === good.key && markerOf(m) === '')).toBe(false);
  });

  it('lets the SDK find out over its HTTP lease check that the instance was removed, and register again', async () => {
    const t = await newTenant(stack);
    const client = new McpClient({
      gatewayUrl: stack.adminUrl,
      apiKey: t.key,
      kafkaHeartbeats: { brokers }, // a lease check over HTTP about once per TTL
    });
    clients.push(client);
    const handle = client.registerInstance({
      service: 'kafka-lost',
      instanceId: 'l-1',
      host: '127.0.0.1',
      port: 9102,
      ttlSeconds: 2,
    });
    const first = await handle.ready();
    const again = new Promise<InstanceView>((resolve) => handle.once('registered', resolve));

    expect((await call(stack, t, 'DELETE', '/v1/services/kafka-lost/instances/l-1')).status).toBe(
      204,
    );
    const registered = await Promise.race([
      again,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10000)),
    ]);
    expect(registered).toBeDefined();
    expect(Date.parse((registered as InstanceView).registeredAt)).toBeGreaterThan(
      Date.parse(first.registeredAt),
    );
    expect(
      await until(
        () => instanceIds(stack, t, 'kafka-lost'),
        (ids) => ids.length === 1,
        5000,
      ),
    ).toEqual(['l-1']);
    expect(handle.state).toBe('registered');
  });
});
