import type { InstanceAddress, InstanceStatus } from '@mcp/protocol';
import { createLogger } from '@mcp/telemetry';
import { HealthProber, type ProbeTarget } from './health-prober';
import type { ProbeRequest, ProbeResult } from './http-probe';

const logger = createLogger({ service: 'registry-test', level: 'silent' });

function target(instanceId: string, extra: Partial<ProbeTarget> = {}): ProbeTarget {
  return {
    tenant: 'acme',
    service: 'orders',
    instanceId,
    revision: 1,
    partition: 0,
    host: '10.0.0.1',
    port: 8080,
    healthCheck: {
      path: '/health',
      intervalSeconds: 10,
      timeoutMs: 1000,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    },
    status: 'up',
    ...extra,
  };
}

interface Recorded {
  instanceId: string;
  revision: number;
  status: InstanceStatus;
}

/** A fleet whose answers the test sets, and a registry that records what the prober tells it. */
class Fleet {
  passing = new Map<string, boolean>();
  probed: ProbeRequest[] = [];
  recorded: Recorded[] = [];
  /** The revision the registry holds per instance; a record against another one is superseded. */
  revisions = new Map<string, number>();
  hang = false;
  inFlight = 0;
  maxInFlight = 0;

  readonly prober = new HealthProber({
    logger,
    maxConcurrent: 2,
    random: () => 0.5,
    probe: (request, signal) => this.probe(request, signal),
    record: async (address, revision, status) => this.record(address, revision, status),
  });

  private async probe(request: ProbeRequest, signal: AbortSignal): Promise<ProbeResult> {
    this.probed.push(request);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.hang) {
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return { passed: false, detail: 'probe cancelled' };
      }
      const passed = this.passing.get(request.host) ?? true;
      return { passed, detail: passed ? 'HTTP 200' : 'HTTP 500' };
    } finally {
      this.inFlight -= 1;
    }
  }

  private record(
    address: InstanceAddress,
    revision: number,
    status: InstanceStatus,
  ): number | undefined {
    const held = this.revisions.get(address.instanceId) ?? 1;
    if (held !== revision) return undefined;
    this.revisions.set(address.instanceId, revision + 1);
    this.recorded.push({ instanceId: address.instanceId, revision, status });
    return revision + 1;
  }
}

const address = (instanceId: string) => ({ tenant: 'acme', service: 'orders', instanceId });

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('HealthProber', () => {
  it('probes GET host:port path every interval, the first time at a jittered point of it', async () => {
    const fleet = new Fleet();
    fleet.prober.follow(target('o-1'));
    await jest.advanceTimersByTimeAsync(4_999);
    expect(fleet.probed).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(fleet.probed).toEqual([
      { host: '10.0.0.1', port: 8080, path: '/health', timeoutMs: 1000 },
    ]);
    await jest.advanceTimersByTimeAsync(20_000);
    expect(fleet.probed).toHaveLength(3);
    fleet.prober.stopAll();
  });

  it('records down after unhealthyThreshold failures and up after healthyThreshold passes, each against the revision it counted on', async () => {
    const fleet = new Fleet();
    fleet.prober.follow(target('o-1'));
    fleet.passing.set('10.0.0.1', false);
    await jest.advanceTimersByTimeAsync(5_000 + 10_000);
    expect(fleet.recorded).toEqual([]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(fleet.recorded).toEqual([{ instanceId: 'o-1', revision: 1, status: 'down' }]);
    expect(fleet.prober.statusOf(address('o-1'))).toBe('down');

    fleet.passing.set('10.0.0.1', true);
    await jest.advanceTimersByTimeAsync(20_000);
    expect(fleet.recorded).toEqual([
      { instanceId: 'o-1', revision: 1, status: 'down' },
      { instanceId: 'o-1', revision: 2, status: 'up' },
    ]);
    fleet.prober.stopAll();
  });

  it('leaves the status alone when the instance moved on before the change could be recorded', async () => {
    const fleet = new Fleet();
    fleet.prober.follow(
      target('o-1', { healthCheck: { ...target('o-1').healthCheck, unhealthyThreshold: 1 } }),
    );
    fleet.revisions.set('o-1', 2); // re-registered meanwhile; its grant is still on the way
    fleet.passing.set('10.0.0.1', false);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(fleet.recorded).toEqual([]);
    expect(fleet.prober.statusOf(address('o-1'))).toBe('up');
    fleet.prober.stopAll();
  });

  it('starts counting again from zero when a newer registration brings a new check', async () => {
    const fleet = new Fleet();
    fleet.prober.follow(target('o-1'));
    fleet.passing.set('10.0.0.1', false);
    await jest.advanceTimersByTimeAsync(5_000 + 10_000); // two failures of three
    fleet.revisions.set('o-1', 2);
    fleet.prober.follow(target('o-1', { revision: 2, host: '10.0.0.2' }));
    fleet.passing.set('10.0.0.2', false);
    await jest.advanceTimersByTimeAsync(5_000 + 10_000);
    expect(fleet.recorded).toEqual([]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(fleet.recorded).toEqual([{ instanceId: 'o-1', revision: 2, status: 'down' }]);
    expect(fleet.probed.at(-1)?.host).toBe('10.0.0.2');
    fleet.prober.stopAll();
  });

  it('ignores a grant of the revision it already probes, or an older one', async () => {
    const fleet = new Fleet();
    fleet.prober.follow(target('o-1', { revision: 3 }));
    fleet.prober.follow(target('o-1', { revision: 3, host: 'other' }));
    fleet.prober.follow(target('o-1', { revision: 2, host: 'other' }));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(fleet.probed.map((p) => p.host)).toEqual(['10.0.0.1']);
    fleet.prober.stopAll();
  });

  it('takes a status recorded by another replica as where to count from, with its revision', async () => {
    const fleet = new Fleet();
    fleet.prober.follow(target('o-1'));
    fleet.prober.revised(address('o-1'), 2, 'down');
    fleet.revisions.set('o-1', 2);
    expect(fleet.prober.statusOf(address('o-1'))).toBe('down');
    await jest.advanceTimersByTimeAsync(5_000 + 10_000);
    expect(fleet.recorded).toEqual([{ instanceId: 'o-1', revision: 2, status: 'up' }]);
    fleet.prober.stopAll();
  });

  it('stops probing an instance that is gone, or whose partition another replica took', async () => {
    const fleet = new Fleet();
    fleet.prober.follow(target('o-1', { partition: 1 }));
    fleet.prober.follow(target('o-2', { partition: 2, host: '10.0.0.2' }));
    fleet.prober.follow(target('o-3', { partition: 3, host: '10.0.0.3', revision: 4 }));
    fleet.prober.forget(address('o-1'), 1);
    fleet.prober.dropPartitions(new Set([2]));
    fleet.prober.forget(address('o-3'), 3); // the removal of an older registration
    expect(fleet.prober.size).toBe(1);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(new Set(fleet.probed.map((p) => p.host))).toEqual(new Set(['10.0.0.3']));
    fleet.prober.stopAll();
  });

  it('never has more probes in flight than its bulkhead allows, however slow the fleet', async () => {
    const fleet = new Fleet();
    fleet.hang = true;
    for (let i = 0; i < 10; i++) {
      fleet.prober.follow(target(`o-${i}`, { host: `10.0.1.${i}` }));
    }
    await jest.advanceTimersByTimeAsync(60_000);
    expect(fleet.maxInFlight).toBe(2);
    expect(fleet.recorded).toEqual([]);
    fleet.prober.stopAll();
    await jest.advanceTimersByTimeAsync(0);
    expect(fleet.inFlight).toBe(0);
  });
});
