import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KafkaMessage } from 'kafkajs';
import { McpClient, type InstanceView } from '@mcp/sdk';
import { freePort } from './support/free-port';
import { header, readTopic } from './support/kafka-reading';
import { until } from './support/polling';
import { SpanCollector } from './support/span-collector';
import {
  startRegistryReplica,
  startStack,
  type RegistryReplica,
  type Stack,
} from './support/stack';
import { call, instancesOf, newTenant, type TenantCredential } from './support/tenant-api';

/*
 * Active health checks: the registry GETs each instance's check path from the replica that owns
 * its lease partition, marks it down and up by thresholds, and tells everyone who shows
 * instances. The instances here are small HTTP servers in the test whose answer the test flips.
 */

const HEALTH_CHANGED = 'mcp.registry.instance.health-changed.v1';
const EXPIRED = 'mcp.registry.instance.expired.v1';

let stack: Stack;
let replica: RegistryReplica | undefined;
const collector = new SpanCollector();
const services: CheckedService[] = [];
const clients: McpClient[] = [];

/** An instance's HTTP side: answers every request with `status`, and remembers the paths asked. */
class CheckedService {
  status = 200;
  readonly paths: string[] = [];
  private readonly server: Server = createServer((req, res) => {
    this.paths.push(req.url ?? '');
    res.writeHead(this.status).end();
  });

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

beforeAll(async () => {
  stack = await startStack({ otlpEndpoint: await collector.start(await freePort()) });
}, 180000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(services.map((s) => s.stop()));
  await replica?.stop();
  await stack?.stop();
  await collector.stop();
}, 60000);

async function checkedService(): Promise<{ service: CheckedService; port: number }> {
  const service = new CheckedService();
  services.push(service);
  return { service, port: await service.start() };
}

async function statusOf(cred: TenantCredential, service: string, instanceId: string) {
  return (await instancesOf(stack, cred, service)).find((i) => i.instanceId === instanceId)?.status;
}

const instanceIn = (m: KafkaMessage) =>
  (JSON.parse(m.value?.toString() ?? '{}') as { instance?: InstanceView }).instance;

/** A gauge's value in a registry process's Prometheus text. */
async function gauge(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

describe('active health checks', () => {
  it('marks a failing instance down and a passing one up again, in the listing, the counts, the events, the state topic and the SDK cache', async () => {
    const t = await newTenant(stack);
    const { service, port } = await checkedService();
    const registered = await call(stack, t, 'PUT', '/v1/services/checked/instances/c-1', {
      host: '127.0.0.1',
      port,
      ttlSeconds: 120,
      healthCheck: {
        path: '/healthz',
        intervalSeconds: 1,
        timeoutMs: 500,
        healthyThreshold: 2,
        unhealthyThreshold: 1,
      },
    });
    expect(registered.status).toBe(201);
    // A neighbour without a check: always up, so the counts show one of two healthy.
    await call(stack, t, 'PUT', '/v1/services/checked/instances/plain-1', {
      host: '127.0.0.1',
      port: 1,
      ttlSeconds: 120,
    });
    const client = new McpClient({ gatewayUrl: stack.adminUrl, apiKey: t.key });
    clients.push(client);
    const discovery = await client.discover('checked');
    const cached = () => discovery.instances().map((i) => i.instanceId);
    expect(cached()).toEqual(['c-1', 'plain-1']);

    await until(
      () => service.paths.length,
      (n) => n > 0,
      20000,
    );
    expect(service.paths[0]).toBe('/healthz');
    expect(await statusOf(t, 'checked', 'c-1')).toBe('up');

    service.status = 500;
    expect(
      await until(
        () => statusOf(t, 'checked', 'c-1'),
        (s) => s === 'down',
        20000,
      ),
    ).toBe('down');
    const ids = async (q: string) =>
      (await instancesOf(stack, t, 'checked', q)).map((i) => i.instanceId);
    expect(await ids('?healthy=true')).toEqual(['plain-1']);
    expect(await (await call(stack, t, 'GET', '/v1/services')).json()).toMatchObject({
      items: [{ name: 'checked', instances: 2, healthy: 1 }],
    });
    expect(
      await until(
        () => cached(),
        (list) => list.length === 1,
        10000,
      ),
    ).toEqual(['plain-1']);

    service.status = 200;
    expect(
      await until(
        () => statusOf(t, 'checked', 'c-1'),
        (s) => s === 'up',
        20000,
      ),
    ).toBe('up');
    expect(await ids('?healthy=true')).toEqual(['c-1', 'plain-1']);
    expect(
      await until(
        () => cached(),
        (list) => list.length === 2,
        10000,
      ),
    ).toEqual(['c-1', 'plain-1']);

    const mine = (m: KafkaMessage) =>
      header(m, 'ce_tenant') === t.tenant && header(m, 'ce_type') === HEALTH_CHANGED;
    const changes = (
      await readTopic('mcp.registry.events', (ms) => ms.filter(mine).length >= 2)
    ).filter(mine);
    expect(changes.map((m) => instanceIn(m)?.status)).toEqual(['down', 'up']);
    expect(changes.map((m) => instanceIn(m)?.revision)).toEqual([2, 3]);
    expect(changes.every((m) => m.key?.toString() === `${t.tenant}/checked`)).toBe(true);

    // A change is a trace of its own, which its event continues; the probes are not traced.
    const traceId = header(changes[0], 'traceparent')?.split('-')[1] ?? 'none';
    const recorded = (await collector.waitForTrace(traceId, (spans) => spans.length > 0)).find(
      (span) => span.name === 'record health change',
    );
    expect(recorded?.attributes).toMatchObject({
      'mcp.tenant': t.tenant,
      'mcp.instance_id': 'c-1',
      'mcp.instance.status': 'down',
    });
    expect(recorded?.parentSpanId).toBeUndefined();
    const probeSpans = collector.spans.filter(
      (span) => span.service === 'mcp-registry' && span.name === 'GET',
    );
    expect(probeSpans).toEqual([]);

    const stateKey = `${t.tenant}/checked/c-1`;
    const isState = (m: KafkaMessage) => m.key?.toString() === stateKey;
    const state = (
      await readTopic('mcp.registry.instances', (ms) =>
        ms.some((m) => isState(m) && instanceIn(m)?.revision === 3),
      )
    ).filter(isState);
    expect(state.map((m) => [instanceIn(m)?.revision, instanceIn(m)?.status])).toEqual([
      [1, 'up'],
      [2, 'down'],
      [3, 'up'],
    ]);

    await discovery.close();
    expect((await call(stack, t, 'DELETE', '/v1/services/checked/instances/c-1')).status).toBe(204);
    expect((await call(stack, t, 'DELETE', '/v1/services/checked/instances/plain-1')).status).toBe(
      204,
    );
  });

  it('still expires a down instance on time once its heartbeats stop, however often its status moved', async () => {
    const t = await newTenant(stack);
    const { service, port } = await checkedService();
    const ttlSeconds = 5;
    const path = '/v1/services/flaky/instances/f-1';
    await call(stack, t, 'PUT', path, {
      host: '127.0.0.1',
      port,
      ttlSeconds,
      healthCheck: { path: '/', intervalSeconds: 1, healthyThreshold: 1, unhealthyThreshold: 1 },
    });
    let beating = true;
    let lastBeat = Date.now();
    const heartbeats = (async () => {
      while (beating) {
        expect((await call(stack, t, 'PUT', `${path}/heartbeat`)).status).toBe(204);
        lastBeat = Date.now();
        await new Promise((r) => setTimeout(r, 500));
      }
    })();

    // Each change moves the revision the lease's conditional expiry has to match.
    for (const [answer, status] of [
      [500, 'down'],
      [200, 'up'],
      [503, 'down'],
    ] as const) {
      service.status = answer;
      expect(
        await until(
          () => statusOf(t, 'flaky', 'f-1'),
          (s) => s === status,
          20000,
        ),
      ).toBe(status);
    }
    beating = false;
    await heartbeats;
    const [down] = await instancesOf(stack, t, 'flaky');
    expect(down).toMatchObject({ status: 'down', revision: 4 });

    // One TTL after the last heartbeat, plus the reaper and this poll — well short of the second
    // TTL a lease would get if its revision had been lost and it had to be found again.
    const left = await until(
      () => instancesOf(stack, t, 'flaky'),
      (items) => items.length === 0,
      lastBeat + ttlSeconds * 1000 + 3500 - Date.now(),
    );
    expect(left).toEqual([]);

    const expired = (m: KafkaMessage) =>
      header(m, 'ce_tenant') === t.tenant && header(m, 'ce_type') === EXPIRED;
    const [event] = (await readTopic('mcp.registry.events', (ms) => ms.some(expired))).filter(
      expired,
    );
    expect(instanceIn(event)).toMatchObject({ instanceId: 'f-1', status: 'down', revision: 4 });
    expect((await call(stack, t, 'PUT', `${path}/heartbeat`)).status).toBe(404);
  });

  it('hands the probing of instances over with their lease partitions, so each is probed by exactly one of two replicas', async () => {
    const t = await newTenant(stack);
    const { service, port } = await checkedService();
    const count = 12;
    // One service each: services hash to lease partitions, so both replicas get some.
    for (let i = 0; i < count; i++) {
      const res = await call(stack, t, 'PUT', `/v1/services/spread-${i}/instances/s-${i}`, {
        host: '127.0.0.1',
        port,
        ttlSeconds: 120,
        healthCheck: { path: `/check/${i}`, intervalSeconds: 1 },
      });
      expect(res.status).toBe(201);
    }
    const checked = (httpPort: number) => gauge(httpPort, 'mcp_registry_health_checked_instances');
    expect(
      await until(
        () => checked(stack.ports.registry),
        (n) => n === count,
        20000,
      ),
    ).toBe(count);

    // A second replica joins: it takes some lease partitions, and their instances' checks.
    replica = await startRegistryReplica(stack);
    const replicaPort = replica.port;
    const split = await until(
      async () => [await checked(stack.ports.registry), await checked(replicaPort)],
      ([a, b]) => a + b === count && a > 0 && b > 0,
      60000,
    );
    expect(split[0] + split[1]).toBe(count);
    expect(split.every((n) => n > 0)).toBe(true);

    service.paths.length = 0;
    const everyPath = await until(
      () => new Set(service.paths),
      (seen) => seen.size === count,
      20000,
    );
    expect(everyPath.size).toBe(count);
    // Nothing was taken down by the handover.
    for (let i = 0; i < count; i++) expect(await statusOf(t, `spread-${i}`, `s-${i}`)).toBe('up');
    for (let i = 0; i < count; i++) {
      expect(
        (await call(stack, t, 'DELETE', `/v1/services/spread-${i}/instances/s-${i}`)).status,
      ).toBe(204);
    }
  });
});
