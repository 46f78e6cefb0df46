/**
 * A live cache of one service's instances: a listing once, then the registry's events (shared
 * stream, resumed exactly after drops). Reads never leave the process.
 */
import { EventEmitter } from 'node:events';
import type { InstanceView } from '@mcp/protocol';
import { RetryPolicy, backoffDelay } from '@mcp/resilience';
import { parseSelector, type Selector } from '@mcp/selectors';
import { isPermanentFailure, type RegistryApi } from '../http/gateway-api';
import { describeError, withFields, type SdkLogger } from '../logger';
import { sleep } from '../sleep';
import { InstanceSet, type InstanceChangeKind } from './instance-set';
import type { FeedSubscription, RegistryChanges } from './registry-event-feed';
import { pickWeighted } from './weighted-pick';

export interface DiscoveryOptions {
  /** Label selector, e.g. `env=prod,version!=v1`; none: every instance. */
  selector?: string;
  /** Only instances that are up; default true. */
  healthyOnly?: boolean;
}

export interface ServiceDiscoveryEvents {
  /** The matching instances changed; they are handed over as instances() would return them. */
  change: [instances: InstanceView[]];
}

export interface ServiceDiscoveryDeps {
  api: RegistryApi;
  feed: RegistryChanges;
  logger: SdkLogger;
  random?: () => number;
  /** Told once, when close() is called. */
  onClosed?: () => void;
}

const INITIAL_LOAD = new RetryPolicy({
  maxAttempts: 5,
  backoff: { baseMs: 200, maxMs: 3_000, jitter: 'equal' },
  isRetryable: (error) => !isPermanentFailure(error),
});

export class ServiceDiscovery extends EventEmitter<ServiceDiscoveryEvents> {
  readonly service: string;
  private readonly selector: Selector;
  private readonly healthyOnly: boolean;
  private readonly log: SdkLogger;
  private known = new InstanceSet();
  /** Being rebuilt from a fresh listing after the stream could not resume; gets events too. */
  private rebuilding: InstanceSet | undefined;
  private visible: InstanceView[] = [];
  private subscription: FeedSubscription | undefined;
  private readonly stopping = new AbortController();
  private resyncs = 0;

  constructor(
    service: string,
    options: DiscoveryOptions,
    private readonly deps: ServiceDiscoveryDeps,
  ) {
    super();
    this.service = service;
    this.selector = parseSelector(options.selector ?? '');
    this.healthyOnly = options.healthyOnly ?? true;
    this.log = withFields(deps.logger, { service, selector: this.selector.toString() });
  }

  /** Follows the events, then loads the listing; resolves when instances() is meaningful. */
  async start(): Promise<void> {
    this.subscription = this.deps.feed.subscribe({
      onChange: (kind, instance) => this.onChange(kind, instance),
      onReset: () => void this.resync(),
    });
    try {
      await this.subscription.positioned;
      await this.reload(INITIAL_LOAD);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** The matching instances now (healthy only unless asked otherwise), by instance id. */
  instances(): InstanceView[] {
    return [...this.visible];
  }

  /** A matching instance chosen at random in proportion to its weight; none if none qualifies. */
  pick(): InstanceView | undefined {
    return pickWeighted(this.visible, this.deps.random);
  }

  async close(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort(new Error('discovery closed'));
    this.deps.onClosed?.();
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.unsubscribe();
  }

  private onChange(kind: InstanceChangeKind, instance: InstanceView): void {
    if (instance.service !== this.service) return;
    this.rebuilding?.apply(kind, instance);
    if (this.known.apply(kind, instance)) this.refresh();
  }

  /** Rebuilds from a listing; events arriving meanwhile go into the new set as well. */
  private async reload(policy: RetryPolicy): Promise<void> {
    const next = new InstanceSet();
    this.rebuilding = next;
    const listing = await policy.execute(
      (_attempt, signal) => this.deps.api.listInstances(this.service, signal),
      {
        signal: this.stopping.signal,
        onRetry: (error, attempt, delayMs) =>
          this.log.warn(
            { err: describeError(error), attempt, retryInMs: delayMs },
            'listing failed; retrying',
          ),
      },
    );
    if (this.rebuilding !== next) return; // a newer reload took over
    next.applySnapshot(listing);
    this.known = next;
    this.rebuilding = undefined;
    this.refresh();
  }

  /** After a reset: reload until it works (the cache keeps serving what it has meanwhile). */
  private async resync(): Promise<void> {
    const attempt = ++this.resyncs;
    for (let failures = 1; !this.stopping.signal.aborted && attempt === this.resyncs; failures++) {
      try {
        await this.reload(INITIAL_LOAD);
        return;
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        const delayMs = backoffDelay(failures, { baseMs: 1_000, maxMs: 30_000, jitter: 'equal' });
        this.log.error(
          { err: describeError(error), retryInMs: delayMs },
          'could not reload the instances',
        );
        await sleep(delayMs, this.stopping.signal).catch(() => undefined);
      }
    }
  }

  private refresh(): void {
    const visible = this.known
      .all()
      .filter((i) => (!this.healthyOnly || i.status === 'up') && this.selector.matches(i.labels));
    if (sameInstances(visible, this.visible)) return;
    this.visible = visible;
    this.emit('change', [...visible]);
  }
}

function sameInstances(a: readonly InstanceView[], b: readonly InstanceView[]): boolean {
  if (a.length !== b.length) return false;
  return a.every(
    (x, i) =>
      x.instanceId === b[i].instanceId &&
      x.registeredAt === b[i].registeredAt &&
      x.revision === b[i].revision &&
      x.status === b[i].status,
  );
}
