import type { InstanceView } from '@mcp/protocol';
import {
  McpApiError,
  type InstanceRegistration,
  type RegistrationAnswer,
  type RegistryApi,
} from '../http/gateway-api';
import type { HeartbeatSender } from '../kafka/kafka-heartbeats';
import { silentLogger } from '../logger';
import { RegisteredInstance, heartbeatIntervalMs } from './registered-instance';

type Outcome = 'ok' | Error | Promise<void>;

/** A registry that answers from scripted outcomes and records when each call arrived. */
class ScriptedRegistry implements RegistryApi {
  readonly calls: { op: string; at: number }[] = [];
  registerOutcomes: Outcome[] = [];
  heartbeatOutcomes: Outcome[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private revision = 0;

  async register(
    service: string,
    instanceId: string,
    body: InstanceRegistration,
  ): Promise<RegistrationAnswer> {
    await this.answer('register', this.registerOutcomes.shift());
    this.revision += 1;
    return {
      instance: view(service, instanceId, body, this.revision),
      leaseExpiresAt: new Date(Date.now() + 30_000).toISOString(),
    };
  }

  heartbeat(): Promise<void> {
    return this.answer('heartbeat', this.heartbeatOutcomes.shift());
  }

  async deregister(): Promise<void> {
    this.calls.push({ op: 'deregister', at: Date.now() });
  }

  async listInstances(): Promise<InstanceView[]> {
    return [];
  }

  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  private async answer(op: string, outcome: Outcome | undefined): Promise<void> {
    this.calls.push({ op, at: Date.now() });
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (outcome instanceof Error) throw outcome;
      if (outcome instanceof Promise) await outcome;
    } finally {
      this.inFlight -= 1;
    }
  }
}

function view(
  service: string,
  instanceId: string,
  body: InstanceRegistration,
  revision: number,
): InstanceView {
  const now = new Date().toISOString();
  return {
    service,
    instanceId,
    host: body.host,
    port: body.port,
    weight: body.weight ?? 100,
    labels: body.labels ?? {},
    ttlSeconds: body.ttlSeconds ?? 30,
    status: 'up',
    revision,
    registeredAt: now,
    updatedAt: now,
  };
}

/** Kafka as the SDK sees it: a send that is acknowledged (or fails), recorded beside the HTTP calls. */
class ScriptedKafka implements HeartbeatSender {
  outcomes: Outcome[] = [];
  constructor(private readonly registry: ScriptedRegistry) {}

  async send(): Promise<void> {
    this.registry.calls.push({ op: 'kafka', at: Date.now() });
    const outcome = this.outcomes.shift();
    if (outcome instanceof Error) throw outcome;
    if (outcome instanceof Promise) await outcome;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const networkDown = () => new TypeError('fetch failed');

function instance(registry: ScriptedRegistry, ttlSeconds = 30, random = () => 0.5) {
  return new RegisteredInstance(
    { service: 'orders', instanceId: 'o-1', host: '10.0.0.1', port: 8080, ttlSeconds },
    { api: registry, logger: silentLogger, random },
  );
}

beforeEach(() => jest.useFakeTimers({ now: 0 }));
afterEach(() => jest.useRealTimers());

describe('RegisteredInstance', () => {
  it('heartbeats every third of the TTL, and at least a second apart', () => {
    expect(heartbeatIntervalMs(30)).toBe(10_000);
    expect(heartbeatIntervalMs(2)).toBe(1_000);
    expect(heartbeatIntervalMs(1)).toBe(1_000);
  });

  it('registers at once, then renews the lease on every interval until closed', async () => {
    const registry = new ScriptedRegistry();
    const handle = instance(registry, 30).start();
    await expect(handle.ready()).resolves.toMatchObject({ instanceId: 'o-1', revision: 1 });
    expect(handle.state).toBe('registered');

    await jest.advanceTimersByTimeAsync(30_000);
    expect(registry.calls.map((c) => [c.op, c.at])).toEqual([
      ['register', 0],
      ['heartbeat', 10_000],
      ['heartbeat', 20_000],
      ['heartbeat', 30_000],
    ]);
    await handle.close();
  });

  it('retries a failing heartbeat with growing jittered delays capped at the interval, one timer and one request at a time', async () => {
    const registry = new ScriptedRegistry();
    registry.heartbeatOutcomes = [
      networkDown(),
      networkDown(),
      new McpApiError(503, 'unavailable', 'down'),
      networkDown(),
      networkDown(),
      networkDown(),
      networkDown(),
    ];
    const handle = instance(registry, 30).start();
    await handle.ready();
    const states: string[] = [];
    handle.on('state', (state) => states.push(state));

    for (let t = 0; t < 60_000; t += 50) {
      await jest.advanceTimersByTimeAsync(50);
      expect(jest.getTimerCount()).toBeLessThanOrEqual(1);
    }
    const beats = registry.calls.filter((c) => c.op === 'heartbeat').map((c) => c.at);
    const gaps = beats.slice(1).map((at, i) => at - beats[i]);
    // Equal jitter at random 0.5 is 3/4 of 200 ms doubling, capped at the 10 s interval.
    expect(gaps.slice(0, 7)).toEqual([150, 300, 600, 1200, 2400, 4800, 7500]);
    expect(gaps[7]).toBe(10_000); // back on the normal interval once one succeeds
    expect(registry.maxInFlight).toBe(1);
    expect(states).toEqual(['retrying', 'registered']);
    await handle.close();
  });

  it('never overlaps a slow heartbeat with the next one', async () => {
    const registry = new ScriptedRegistry();
    let release: () => void = () => undefined;
    registry.heartbeatOutcomes = [new Promise<void>((r) => (release = r))];
    const handle = instance(registry, 3).start();
    await handle.ready();
    await jest.advanceTimersByTimeAsync(1_000); // the first heartbeat starts and hangs
    await jest.advanceTimersByTimeAsync(10_000);
    expect(registry.count('heartbeat')).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
    release();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(registry.count('heartbeat')).toBe(2);
    expect(registry.maxInFlight).toBe(1);
    await handle.close();
  });

  it('registers again at once when a heartbeat says the lease is gone', async () => {
    const registry = new ScriptedRegistry();
    registry.heartbeatOutcomes = [new McpApiError(404, 'not_found', 'no lease')];
    const handle = instance(registry, 30).start();
    await handle.ready();
    const registered: number[] = [];
    handle.on('registered', (v) => registered.push(v.revision));

    await jest.advanceTimersByTimeAsync(10_000);
    expect(registry.calls.map((c) => [c.op, c.at])).toEqual([
      ['register', 0],
      ['heartbeat', 10_000],
      ['register', 10_000],
    ]);
    expect(registered).toEqual([2]);
    expect(handle.state).toBe('registered');
    await handle.close();
  });

  it('keeps retrying the first registration while the gateway is unreachable', async () => {
    const registry = new ScriptedRegistry();
    registry.registerOutcomes = [networkDown(), networkDown()];
    const handle = instance(registry, 30).start();
    let ready = false;
    void handle.ready().then(() => (ready = true));
    await jest.advanceTimersByTimeAsync(149);
    expect(registry.count('register')).toBe(1);
    expect(handle.state).toBe('retrying');
    await jest.advanceTimersByTimeAsync(1 + 300);
    expect(registry.count('register')).toBe(3);
    expect(ready).toBe(true);
    await handle.close();
  });

  it('gives up, without any timer left, when the registry refuses the key for good', async () => {
    const registry = new ScriptedRegistry();
    registry.registerOutcomes = [new McpApiError(401, 'unauthorized', 'bad key')];
    const handle = instance(registry).start();
    const failed: unknown[] = [];
    handle.on('failed', (e) => failed.push(e));
    await expect(handle.ready()).rejects.toMatchObject({ status: 401 });
    expect(handle.state).toBe('failed');
    expect(failed).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops heartbeating and deregisters once on close, even when a heartbeat was in flight', async () => {
    const registry = new ScriptedRegistry();
    let release: () => void = () => undefined;
    registry.heartbeatOutcomes = ['ok', new Promise<void>((r) => (release = r))];
    const handle = instance(registry, 3).start();
    await handle.ready();
    await jest.advanceTimersByTimeAsync(2_000); // second heartbeat in flight
    const closed = handle.close();
    const again = handle.close();
    release();
    await Promise.all([closed, again]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(registry.calls.map((c) => c.op)).toEqual([
      'register',
      'heartbeat',
      'heartbeat',
      'deregister',
    ]);
    expect(handle.state).toBe('closed');
    expect(jest.getTimerCount()).toBe(0);
  });

  describe('with Kafka heartbeats', () => {
    function overKafka(registry: ScriptedRegistry, ttlSeconds = 30) {
      const kafka = new ScriptedKafka(registry);
      const handle = new RegisteredInstance(
        { service: 'orders', instanceId: 'o-1', host: '10.0.0.1', port: 8080, ttlSeconds },
        { api: registry, logger: silentLogger, random: () => 0.5, kafka },
      );
      return { kafka, handle: handle.start() };
    }

    it('sends heartbeats as Kafka records, and one per TTL over HTTP to check the lease', async () => {
      const registry = new ScriptedRegistry();
      const { handle } = overKafka(registry, 30);
      await handle.ready();
      await jest.advanceTimersByTimeAsync(60_000);
      expect(registry.calls.map((c) => [c.op, c.at])).toEqual([
        ['register', 0],
        ['kafka', 10_000],
        ['kafka', 20_000],
        ['heartbeat', 30_000],
        ['kafka', 40_000],
        ['kafka', 50_000],
        ['heartbeat', 60_000],
      ]);
      await handle.close();
    });

    it('registers again when the HTTP check says the lease is gone, though Kafka accepted every record', async () => {
      const registry = new ScriptedRegistry();
      registry.heartbeatOutcomes = [new McpApiError(404, 'not_found', 'no lease')];
      const { handle } = overKafka(registry, 30);
      await handle.ready();
      await jest.advanceTimersByTimeAsync(40_000);
      expect(registry.calls.map((c) => [c.op, c.at])).toEqual([
        ['register', 0],
        ['kafka', 10_000],
        ['kafka', 20_000],
        ['heartbeat', 30_000],
        ['register', 30_000],
        ['kafka', 40_000],
      ]);
      expect(handle.state).toBe('registered');
      await handle.close();
    });

    it('backs off after a failed Kafka heartbeat and retries it over HTTP, one call at a time', async () => {
      const registry = new ScriptedRegistry();
      const { kafka, handle } = overKafka(registry, 30);
      kafka.outcomes = [new Error('KafkaJSConnectionError: Connection error')];
      registry.heartbeatOutcomes = [networkDown()];
      await handle.ready();
      const states: string[] = [];
      handle.on('state', (state) => states.push(state));
      await jest.advanceTimersByTimeAsync(50_500);
      // 150 ms then 300 ms: the same equal-jitter backoff as HTTP failures.
      expect(registry.calls.map((c) => [c.op, c.at])).toEqual([
        ['register', 0],
        ['kafka', 10_000],
        ['heartbeat', 10_150],
        ['heartbeat', 10_450],
        ['heartbeat', 20_450],
        ['heartbeat', 30_450],
        ['kafka', 40_450],
        ['kafka', 50_450],
      ]);
      expect(states).toEqual(['retrying', 'registered']);
      expect(registry.maxInFlight).toBe(1);
      await handle.close();
    });
  });
});
