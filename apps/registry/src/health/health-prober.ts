import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import {
  instanceKeyOf,
  type HealthCheckSpec,
  type InstanceAddress,
  type InstanceStatus,
} from '@mcp/protocol';
import { Bulkhead, BulkheadFullError } from '@mcp/resilience';
import { createCounter, createGauge, type Logger } from '@mcp/telemetry';
import { HealthState } from './health-state';
import type { ProbeRequest, ProbeResult } from './http-probe';

/** An instance to probe, as its lease owner knows it at one revision. */
export interface ProbeTarget extends InstanceAddress {
  revision: number;
  /** The lease-stream partition it hashes to: probing moves with the partition. */
  partition: number;
  host: string;
  port: number;
  healthCheck: HealthCheckSpec;
  status: InstanceStatus;
}

export interface HealthProberDeps {
  probe(request: ProbeRequest, signal: AbortSignal): Promise<ProbeResult>;
  /**
   * Records a status change of the instance as it stood at `revision`; answers its new revision,
   * or undefined when the instance had moved on (re-registered, removed, changed elsewhere).
   */
  record(
    address: InstanceAddress,
    revision: number,
    status: InstanceStatus,
  ): Promise<number | undefined>;
  logger: Logger;
  /** Probes in flight at once, at most; as many more may wait for a slot. */
  maxConcurrent: number;
  random?: () => number;
}

interface Watch {
  target: ProbeTarget;
  state: HealthState;
  timer: NodeJS.Timeout | undefined;
  readonly stopped: AbortController;
}

const probesTotal = createCounter<'result'>({
  name: 'mcp_registry_health_probes_total',
  help: 'Active health check probes by result (skipped: no probe slot free this round)',
  labelNames: ['result'],
});
const transitionsTotal = createCounter<'status'>({
  name: 'mcp_registry_health_transitions_total',
  help: 'Instances an active health check moved, by the status they moved to',
  labelNames: ['status'],
});
const probedInstances = createGauge({
  name: 'mcp_registry_health_checked_instances',
  help: 'Instances whose active health check this replica runs',
});
const downInstances = createGauge({
  name: 'mcp_registry_instances_down',
  help: 'Instances this replica probes that are down (sum over replicas for the fleet)',
});

/**
 * Runs the active health checks of the instances whose leases this replica owns: each on its own
 * interval (the first one at a random point of it, so a takeover of 10k instances does not fire
 * them at once), through one bulkhead so a slow fleet cannot pile up sockets. A threshold crossed
 * is recorded, conditional on the revision the probes were counted against.
 */
export class HealthProber {
  private readonly watches = new Map<string, Watch>();
  private readonly down = new Set<string>();
  private readonly bulkhead: Bulkhead;
  private readonly random: () => number;
  private readonly log: Logger;

  constructor(private readonly deps: HealthProberDeps) {
    this.bulkhead = new Bulkhead({
      maxConcurrent: deps.maxConcurrent,
      maxQueued: deps.maxConcurrent,
    });
    this.random = deps.random ?? Math.random;
    this.log = deps.logger.child({ component: 'health-prober' });
  }

  get size(): number {
    return this.watches.size;
  }

  /** The status the probes of an instance stand at, if this replica probes it. */
  statusOf(address: InstanceAddress): InstanceStatus | undefined {
    return this.watches.get(keyOf(address))?.state.status;
  }

  /**
   * Starts probing the instance at this revision, or starts again (counters from zero) when it
   * is newer than the one being probed; an older or the same revision changes nothing.
   */
  follow(target: ProbeTarget): void {
    const key = keyOf(target);
    const current = this.watches.get(key);
    if (current && current.target.revision >= target.revision) return;
    if (current) this.stop(key, current);
    const watch: Watch = {
      target: { ...target },
      state: new HealthState(target.healthCheck, target.status),
      timer: undefined,
      stopped: new AbortController(),
    };
    this.watches.set(key, watch);
    this.noteStatus(key, watch);
    this.schedule(watch, this.random() * intervalOf(watch));
  }

  /** The instance's status moved to `status` at `revision` (recorded here or by another replica). */
  revised(address: InstanceAddress, revision: number, status: InstanceStatus): void {
    const key = keyOf(address);
    const watch = this.watches.get(key);
    if (!watch || watch.target.revision >= revision) return;
    watch.target.revision = revision;
    watch.target.status = status;
    watch.state.reset(status);
    this.noteStatus(key, watch);
  }

  /** Stops probing the instance unless what is probed is newer than `revision`. */
  forget(address: InstanceAddress, revision: number): void {
    const key = keyOf(address);
    const watch = this.watches.get(key);
    if (watch && watch.target.revision <= revision) this.stop(key, watch);
  }

  /** Another replica owns these partitions now: it probes their instances. */
  dropPartitions(partitions: ReadonlySet<number>): void {
    for (const [key, watch] of this.watches) {
      if (partitions.has(watch.target.partition)) this.stop(key, watch);
    }
  }

  stopAll(): void {
    for (const [key, watch] of this.watches) this.stop(key, watch);
  }

  private stop(key: string, watch: Watch): void {
    watch.stopped.abort();
    clearTimeout(watch.timer);
    if (this.watches.get(key) === watch) {
      this.watches.delete(key);
      this.down.delete(key);
      this.updateGauges();
    }
  }

  private schedule(watch: Watch, delayMs: number): void {
    if (watch.stopped.signal.aborted) return;
    // Probes belong to no request: not to the lease record whose handling started the watch.
    watch.timer = setTimeout(
      context.bind(ROOT_CONTEXT, () => void this.probe(watch)),
      delayMs,
    );
  }

  private async probe(watch: Watch): Promise<void> {
    const startedAt = Date.now();
    const { host, port, healthCheck } = watch.target;
    let result: ProbeResult | undefined;
    try {
      result = await this.bulkhead.execute(
        (signal) =>
          this.deps.probe(
            { host, port, path: healthCheck.path, timeoutMs: healthCheck.timeoutMs },
            signal,
          ),
        watch.stopped.signal,
      );
    } catch (error) {
      if (watch.stopped.signal.aborted) return;
      // A full bulkhead is this replica's overload, not the instance's fault: no verdict this round.
      if (error instanceof BulkheadFullError) probesTotal.inc({ result: 'skipped' });
      else this.log.warn({ err: error, ...addressOf(watch.target) }, 'a probe failed to run');
    }
    if (watch.stopped.signal.aborted) return;
    if (result) {
      probesTotal.inc({ result: result.passed ? 'pass' : 'fail' });
      const next = watch.state.observe(result.passed);
      if (next) await this.record(watch, next, result.detail);
    }
    this.schedule(watch, Math.max(0, startedAt + intervalOf(watch) - Date.now()));
  }

  private async record(watch: Watch, status: InstanceStatus, detail: string): Promise<void> {
    const seen = watch.target.revision;
    const previous = watch.target.status;
    let revision: number | undefined;
    try {
      revision = await this.deps.record(addressOf(watch.target), seen, status);
    } catch (error) {
      // Counted again from the old status, the next threshold crossed tries again.
      this.log.warn(
        { err: error, ...addressOf(watch.target), status },
        'could not record a health change; will try again',
      );
      watch.state.reset(previous);
      return;
    }
    if (revision === undefined) {
      // The instance moved on meanwhile; its newer lease record brings what to probe now.
      this.log.debug({ ...addressOf(watch.target), revision: seen }, 'health change superseded');
      if (watch.target.revision === seen) watch.state.reset(previous);
      return;
    }
    transitionsTotal.inc({ status });
    this.log.info(
      { ...addressOf(watch.target), status, previous, revision, detail },
      status === 'down'
        ? 'health check failing; instance is down'
        : 'health check passing; instance is up',
    );
    if (watch.target.revision < revision) {
      watch.target.revision = revision;
      watch.target.status = status;
    }
    if (!watch.stopped.signal.aborted) this.noteStatus(keyOf(watch.target), watch);
  }

  private noteStatus(key: string, watch: Watch): void {
    if (watch.state.status === 'down') this.down.add(key);
    else this.down.delete(key);
    this.updateGauges();
  }

  private updateGauges(): void {
    probedInstances.set(this.watches.size);
    downInstances.set(this.down.size);
  }
}

function intervalOf(watch: Watch): number {
  return watch.target.healthCheck.intervalSeconds * 1000;
}

function keyOf(address: InstanceAddress): string {
  return instanceKeyOf(address.tenant, address.service, address.instanceId);
}

function addressOf(target: ProbeTarget): InstanceAddress {
  return { tenant: target.tenant, service: target.service, instanceId: target.instanceId };
}
