import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AssignerProtocol, Partitioners } from 'kafkajs';
import { freePort } from './support/free-port';
import { header, kafkaClient } from './support/kafka-reading';
import { SpanCollector } from './support/span-collector';
import {
  startRegistryReplica,
  startStack,
  type RegistryReplica,
  type Stack,
} from './support/stack';
import { call, newTenant, type TenantCredential } from './support/tenant-api';

/*
 * What the registry must withstand: a crashed registry process (kill -9) under heartbeat load,
 * and a crashed replica of two that share the lease partitions. Every loop here is bounded and
 * every call goes to loopback.
 */

const EVENTS_TOPIC = 'mcp.registry.events';
const LEASE_GROUP = 'mcp-registry-leases';
// NestJS appends '-server' to the request/reply server's group id.
const RPC_GROUP = 'mcp-registry-server';
const EXPIRED = 'mcp.registry.instance.expired.v1';
const REGISTERED = 'mcp.registry.instance.registered.v1';
/** The lease consumer group's session timeout: how long a dead owner keeps its partitions. */
const LEASE_SESSION_TIMEOUT_MS = 10_000;
const LEASE_PARTITIONS = 6;
/** Instances that never heartbeat: short, so they lapse around the takeover. */
const LAPSING_TTL_SECONDS = 5;
/**
 * Instances that heartbeat. Longer than the request/reply failover: a heartbeat whose request
 * lands on one of the killed replica's request partitions (the gateway spreads requests over
 * them round-robin) gets no answer until the `mcp-registry-server` group hands those partitions
 * over, after its session timeout (kafkajs's default, 30 s, as the platform leaves it). A TTL
 * shorter than that loses live instances whose heartbeats keep landing there.
 */
const LIVE_TTL_SECONDS = 40;

let stack: Stack;
let replica: RegistryReplica | undefined;
const collector = new SpanCollector();
const kafka = kafkaClient('e2e-registry-failover');

interface Address {
  service: string;
  instanceId: string;
}

beforeAll(async () => {
  stack = await startStack({ otlpEndpoint: await collector.start(await freePort()) });
}, 180000);

afterAll(async () => {
  await Promise.all(fleets.map((fleet) => fleet.stop()));
  await replica?.stop();
  await stack?.stop();
  await collector.stop();
}, 60000);

/** Writes what a test is doing and when to stderr, to read a slow or failed run by. */
function timeline(test: string): (step: string) => void {
  const started = Date.now();
  return (step) =>
    process.stderr.write(`[${test} +${((Date.now() - started) / 1000).toFixed(1)} s] ${step}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Runs `work` over `items` with at most `width` calls in flight. */
async function inPool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}

function addressesOf(prefix: string, services: readonly string[], count: number): Address[] {
  return Array.from({ length: count }, (_, i) => ({
    service: services[i % services.length],
    instanceId: `${prefix}-${i}`,
  }));
}

async function registerAll(
  cred: TenantCredential,
  addresses: Address[],
  ttlSeconds: number,
  width = 10,
) {
  const statuses: number[] = [];
  await inPool(addresses, width, async ({ service, instanceId }) => {
    const path = `/v1/services/${service}/instances/${instanceId}`;
    const body = { host: `${instanceId}.local`, port: 8080, ttlSeconds };
    const res = await call(stack, cred, 'PUT', path, body, { timeoutMs: 15000 });
    statuses.push(res.status);
  });
  return statuses;
}

/**
 * The instance ids of `services`, read like a client would: a call that gets no answer (its
 * request sits on a dead replica's partition) is retried, a few times.
 */
async function listed(cred: TenantCredential, services: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const service of services) {
    let items: { instanceId: string }[] | undefined;
    for (let attempt = 0; attempt < 20 && items === undefined; attempt++) {
      try {
        const res = await call(stack, cred, 'GET', `/v1/services/${service}/instances`, undefined, {
          timeoutMs: 1500,
        });
        if (res.status === 404) items = [];
        else if (res.status === 200)
          items = ((await res.json()) as { items: { instanceId: string }[] }).items;
        else await res.arrayBuffer();
      } catch {
        // no answer in time: ask again
      }
    }
    if (items === undefined) throw new Error(`GET ${service}/instances never answered`);
    ids.push(...items.map((i) => i.instanceId));
  }
  return ids.sort();
}

/**
 * Heartbeats a set of instances the way a client fleet would: a round every `everyMs`, at most
 * `width` calls in flight, each beat jittered by up to `jitterMs` (clients are not in lock-step);
 * a beat that gets no answer within `timeoutMs` is counted and left to the next round, as a
 * client would retry. Failures are counted, not thrown. Stops by itself at `deadline`.
 */
class HeartbeatFleet {
  readonly outcomes = new Map<string, number>();
  /** Instances the registry said were gone (404): a live instance that lost its lease. */
  readonly lost = new Set<string>();
  private running = true;
  private readonly done: Promise<void>;

  constructor(
    cred: TenantCredential,
    addresses: Address[],
    opts: { everyMs: number; width: number; timeoutMs: number; jitterMs: number; deadline: number },
  ) {
    fleets.push(this);
    const beat = async ({ service, instanceId }: Address) => {
      await sleep(Math.random() * opts.jitterMs);
      let outcome = 'no-answer';
      try {
        const res = await call(
          stack,
          cred,
          'PUT',
          `/v1/services/${service}/instances/${instanceId}/heartbeat`,
          undefined,
          { timeoutMs: opts.timeoutMs },
        );
        outcome = String(res.status);
        // A failure must still be a problem document the client can act on.
        const type = res.headers.get('content-type') ?? '';
        if (res.status >= 400 && !type.startsWith('application/problem+json')) outcome += ' (bare)';
        await res.arrayBuffer();
      } catch {
        // the client gave up waiting; it beats again next round
      }
      this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
      if (outcome === '404') this.lost.add(instanceId);
    };
    this.done = (async () => {
      while (this.running && Date.now() < opts.deadline) {
        const started = Date.now();
        await inPool(addresses, opts.width, beat);
        await sleep(started + opts.everyMs - Date.now());
      }
    })();
  }

  count(outcome: string): number {
    return this.outcomes.get(outcome) ?? 0;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}
const fleets: HeartbeatFleet[] = [];

interface RegistryEvent {
  id: string;
  type: string;
  instanceId: string;
  /** When the change was recorded (ce_time), ms since the epoch. */
  time: number;
}

/**
 * Every event of `tenant` on the registry's events topic, read from the beginning with a plain
 * kafkajs consumer up to the end offsets the topic had when the read began.
 */
async function registryEventsOf(tenant: string): Promise<RegistryEvent[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, number>();
  try {
    for (const p of await admin.fetchTopicOffsets(EVENTS_TOPIC)) {
      if (Number(p.high) > Number(p.low)) ends.set(p.partition, Number(p.high));
    }
  } finally {
    await admin.disconnect();
  }
  const reached = new Map<number, number>();
  const events: RegistryEvent[] = [];
  const consumer = kafka.consumer({ groupId: `e2e-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: EVENTS_TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        reached.set(partition, Number(message.offset) + 1);
        if (header(message, 'ce_tenant') !== tenant) return;
        const data = JSON.parse(message.value?.toString() ?? '{}') as {
          instance?: { instanceId?: string };
        };
        events.push({
          id: header(message, 'ce_id') ?? '',
          type: header(message, 'ce_type') ?? '',
          instanceId: data.instance?.instanceId ?? '',
          time: Date.parse(header(message, 'ce_time') ?? ''),
        });
      },
    });
    const caughtUp = () => [...ends].every(([p, end]) => (reached.get(p) ?? 0) >= end);
    const deadline = Date.now() + 30000;
    while (!caughtUp() && Date.now() < deadline) await sleep(100);
    if (!caughtUp()) throw new Error(`could not read ${EVENTS_TOPIC} to its end within 30 s`);
  } finally {
    await consumer.disconnect();
  }
  return events;
}

/** The members of a consumer group and the partitions each owns, once the group is stable. */
async function groupMembers(groupId: string): Promise<Map<string, number[]>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const owned = new Map<string, number[]>();
    const group = groups[0];
    if (!group || group.state !== 'Stable') return owned;
    for (const member of group.members) {
      const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      owned.set(member.memberId, Object.values(decoded?.assignment ?? {}).flat());
    }
    return owned;
  } finally {
    await admin.disconnect();
  }
}

/** Waits until `groupId` is stable with exactly `count` members, each owning a partition. */
async function untilGroupHas(groupId: string, count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let members = await groupMembers(groupId);
  while (Date.now() < deadline) {
    if (members.size === count && [...members.values()].every((ps) => ps.length > 0)) {
      return [...members.values()];
    }
    await sleep(500);
    members = await groupMembers(groupId);
  }
  throw new Error(
    `${groupId} did not settle with ${count} members owning partitions within ${timeoutMs} ms: ${JSON.stringify([...members])}`,
  );
}

const keyPartitioner = Partitioners.DefaultPartitioner();

/** The lease-stream partition of a service: the registry keys its lease records by tenant/service. */
function leasePartitionOf(tenant: string, service: string): number {
  const partitionMetadata = Array.from({ length: LEASE_PARTITIONS }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return keyPartitioner({
    topic: 'mcp.registry.leases',
    partitionMetadata,
    message: { key: `${tenant}/${service}`, value: null },
  });
}

/** The lease partitions a registry process last said it took, from its log. */
function leasePartitionsIn(logFile: string): number[] {
  const lines = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"lease partitions assigned"'));
  const last = lines[lines.length - 1];
  return last ? (JSON.parse(last) as { partitions: number[] }).partitions : [];
}

/**
 * Waits until the lease group is stable with two members and the replica has loaded the share
 * the group gave it; answers that share.
 */
async function leasePartitionsOfReplica(logFile: string, timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  const same = (a: number[], b: number[]) => [...a].sort().join() === [...b].sort().join();
  while (Date.now() < deadline) {
    const shares = await untilGroupHas(LEASE_GROUP, 2, deadline - Date.now());
    const logged = leasePartitionsIn(logFile);
    if (shares.some((share) => same(share, logged))) return logged;
    await sleep(300);
  }
  throw new Error(`the replica did not take a share of the lease partitions in ${timeoutMs} ms`);
}

describe('a registry process killed under heartbeat load', () => {
  it('loses no registration and expires no live instance when the registry is killed -9 and restarted while 100 instances heartbeat', async () => {
    const mark = timeline('kill -9');
    const t = await newTenant(stack);
    const services = ['orders', 'billing', 'search', 'media', 'auth'];
    const fleet = addressesOf('i', services, 100);
    const ttlSeconds = 10;

    // Registered with a long lease first: on a loaded machine registering 100 instances can take
    // longer than the short TTL, and the first ones would lapse before their first heartbeat.
    const registered = await registerAll(t, fleet, 60);
    expect(registered.filter((s) => s === 201)).toHaveLength(100);
    mark('100 instances registered');

    const heartbeats = new HeartbeatFleet(t, fleet, {
      everyMs: 2000,
      width: 25,
      // A client waits for the gateway's own answer (its request timeout is 10 s): that is the
      // back-pressure that keeps a slow registry from piling up heartbeats nobody waits for.
      timeoutMs: 11000,
      jitterMs: 200,
      deadline: Date.now() + 120000,
    });
    const warmUpUntil = Date.now() + 40000;
    while (heartbeats.count('204') < 100 && Date.now() < warmUpUntil) await sleep(200);
    expect(heartbeats.count('204')).toBeGreaterThanOrEqual(100);
    // Now the short lease, while the fleet keeps beating: an update, so a new grant of 10 s.
    const shortened = await registerAll(t, fleet, ttlSeconds);
    expect(shortened.filter((s) => s === 200)).toHaveLength(100);
    mark(`leases shortened to ${ttlSeconds} s; killing the registry`);

    const killed = await stack.kill('registry', 'SIGKILL');
    const killedAt = Date.now();
    expect(killed.signal).toBe('SIGKILL');
    await stack.restart('registry');
    const restartedAt = Date.now();
    mark(`a new registry is ready, ${restartedAt - killedAt} ms after the kill`);

    await sleep(restartedAt + 2 * ttlSeconds * 1000 - Date.now());
    await heartbeats.stop();

    mark(`heartbeats stopped: ${JSON.stringify([...heartbeats.outcomes])}`);
    expect([...heartbeats.lost]).toEqual([]);
    expect(await listed(t, services)).toEqual(fleet.map((a) => a.instanceId).sort());
    const events = await registryEventsOf(t.tenant);
    expect(events.filter((e) => e.type === REGISTERED)).toHaveLength(100);
    expect(events.filter((e) => e.type === EXPIRED)).toEqual([]);
    // Heartbeats while the registry was down may fail, as a timeout or unavailable problem the
    // client retries on; nothing else.
    const failures = [...heartbeats.outcomes.keys()].filter((o) => o !== '204');
    expect(failures.filter((o) => !['503', '504', 'no-answer'].includes(o))).toEqual([]);
  }, 150000);
});

describe('two registry replicas', () => {
  it('share the lease partitions, and when one is killed the other takes its leases over: live instances stay, lapsed ones expire exactly once', async () => {
    const mark = timeline('handover');
    replica = await startRegistryReplica(stack);
    const doomed = new Set(await leasePartitionsOfReplica(replica.logFile, 40000));
    await untilGroupHas(RPC_GROUP, 2, 40000);
    mark(`a second replica owns lease partitions ${[...doomed].join(',')}`);

    const t = await newTenant(stack);
    // Services on both replicas' lease partitions: half the leases are the killed one's.
    const candidates = Array.from({ length: 40 }, (_, i) => `svc-${i}`);
    const onDoomed = candidates.filter((s) => doomed.has(leasePartitionOf(t.tenant, s)));
    const onSurvivor = candidates.filter((s) => !doomed.has(leasePartitionOf(t.tenant, s)));
    expect(onDoomed.length).toBeGreaterThanOrEqual(3);
    expect(onSurvivor.length).toBeGreaterThanOrEqual(3);
    const services = [...onDoomed.slice(0, 3), ...onSurvivor.slice(0, 3)];
    const live = addressesOf('live', services, 18);
    const lapsing = addressesOf('gone', services, 18);

    expect((await registerAll(t, live, LIVE_TTL_SECONDS)).filter((s) => s === 201)).toHaveLength(
      18,
    );
    const heartbeats = new HeartbeatFleet(t, live, {
      everyMs: 2000,
      width: 18,
      timeoutMs: 3000,
      jitterMs: 300,
      deadline: Date.now() + 100000,
    });
    expect(
      (await registerAll(t, lapsing, LAPSING_TTL_SECONDS, 18)).filter((s) => s === 201),
    ).toHaveLength(18);
    mark('36 instances registered; killing the second replica');
    const killed = await replica.kill('SIGKILL');
    const killedAt = Date.now();
    expect(killed.signal).toBe('SIGKILL');

    // TTL + the dead owner's session timeout + a few seconds for the takeover; the listing itself
    // may be slow while half the request partitions are the dead replica's.
    const expiryBound = LAPSING_TTL_SECONDS * 1000 + LEASE_SESSION_TIMEOUT_MS + 8000;
    const lapsingIds = new Set(lapsing.map((a) => a.instanceId));
    let remaining = await listed(t, services);
    while (remaining.some((id) => lapsingIds.has(id)) && Date.now() < killedAt + 2 * expiryBound) {
      await sleep(250);
      remaining = await listed(t, services);
    }
    expect(remaining).toEqual(live.map((a) => a.instanceId).sort());
    mark('the lapsing set is gone');
    // The survivor owns every lease partition now.
    expect(leasePartitionsIn(stack.logFile('registry')).sort()).toEqual([0, 1, 2, 3, 4, 5]);

    // Keep the live set beating until well past a full TTL after the takeover, then look again:
    // an adopted lease that the new owner did not keep renewing would have lapsed by then.
    await sleep(killedAt + LEASE_SESSION_TIMEOUT_MS + LIVE_TTL_SECONDS * 1000 + 6000 - Date.now());
    await heartbeats.stop();
    expect([...heartbeats.lost]).toEqual([]);
    expect(await listed(t, services)).toEqual(live.map((a) => a.instanceId).sort());

    const expiries = (await registryEventsOf(t.tenant)).filter((e) => e.type === EXPIRED);
    const distinct = new Map<string, Set<string>>();
    for (const e of expiries) {
      distinct.set(e.instanceId, (distinct.get(e.instanceId) ?? new Set()).add(e.id));
    }
    expect([...distinct.keys()].sort()).toEqual([...lapsingIds].sort());
    expect([...distinct].filter(([, ids]) => ids.size !== 1)).toEqual([]);
    const lastExpiryAfterKillMs = Math.max(...expiries.map((e) => e.time)) - killedAt;
    mark(
      `last lapsed lease expired ${lastExpiryAfterKillMs} ms after the kill; ${expiries.length} expired records; heartbeats ${JSON.stringify([...heartbeats.outcomes])}`,
    );
    expect(lastExpiryAfterKillMs).toBeLessThan(expiryBound);
    // The killed replica's lapsing leases were there to take over: the survivor expired them.
    const doomedServices = new Set(onDoomed.slice(0, 3));
    const takenOver = lapsing.filter(
      (a) =>
        doomedServices.has(a.service) &&
        expiries.some((e) => e.instanceId === a.instanceId && e.time > killedAt),
    );
    expect(takenOver.length).toBeGreaterThan(0);
  }, 150000);
});
