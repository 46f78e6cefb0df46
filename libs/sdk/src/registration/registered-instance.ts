/**
 * Keeps one instance of a tenant's service registered: registers, renews its lease every third of
 * its TTL, retries failures with backoff (one timer at a time, never two requests at once),
 * registers again at once when the registry says the lease is gone, and deregisters on close.
 * Given a Kafka sender, most heartbeats are records on the heartbeat topic instead of HTTP
 * requests, and about one per TTL still goes over HTTP to find out whether the lease is gone.
 */
import { EventEmitter } from 'node:events';
import type { InstanceView } from '@mcp/protocol';
import { backoffDelay, type BackoffOptions } from '@mcp/resilience';
import {
  isPermanentFailure,
  McpApiError,
  type InstanceRegistration,
  type RegistryApi,
} from '../http/gateway-api';
import { callSignal } from '../call-signal';
import type { HeartbeatSender } from '../kafka/kafka-heartbeats';
import { describeError, withFields, type SdkLogger } from '../logger';
import { HeartbeatRoute, leaseCheckEvery, type HeartbeatTransport } from './heartbeat-route';

export interface RegisterInstanceOptions extends InstanceRegistration {
  service: string;
  instanceId: string;
}

/**
 * `registering`: no lease yet (first start, or the registry lost it); `registered`: the lease is
 * being renewed; `retrying`: the last call failed and another is scheduled; `failed`: the
 * registry refused the registration for good (bad input, key); `closed`: stopped by close().
 */
export type InstanceState = 'registering' | 'registered' | 'retrying' | 'failed' | 'closed';

export interface RegisteredInstanceEvents {
  state: [state: InstanceState, previous: InstanceState];
  registered: [instance: InstanceView];
  failed: [error: unknown];
}

/** Heartbeats every third of the TTL, but not more than once a second. */
export function heartbeatIntervalMs(ttlSeconds: number): number {
  return Math.max(1_000, Math.floor((ttlSeconds * 1000) / 3));
}

/**
 * Backoff after failed attempts: from 200 ms, doubling, never longer than a heartbeat interval
 * (a lease must not lapse because the client waited too long), jittered so a fleet that lost
 * the gateway does not come back in step.
 */
export function retryBackoff(ttlSeconds: number): BackoffOptions {
  return { baseMs: 200, maxMs: heartbeatIntervalMs(ttlSeconds), jitter: 'equal' };
}

const DEFAULT_TTL_SECONDS = 30;

export interface RegisteredInstanceDeps {
  api: RegistryApi;
  logger: SdkLogger;
  /** Heartbeats as Kafka records (opt-in); without it every heartbeat is an HTTP request. */
  kafka?: HeartbeatSender;
  /** One heartbeat in this many goes over HTTP when `kafka` is given; default about one per TTL. */
  leaseCheckEvery?: number;
  random?: () => number;
  /** How long close() waits for the deregistration; default 5 s. */
  closeTimeoutMs?: number;
  /** Told once, when close() is called. */
  onClosed?: () => void;
}

type Step = 'register' | 'heartbeat';

export class RegisteredInstance extends EventEmitter<RegisteredInstanceEvents> {
  readonly service: string;
  readonly instanceId: string;
  private readonly registration: InstanceRegistration;
  private readonly ttlSeconds: number;
  private readonly route: HeartbeatRoute;
  private readonly log: SdkLogger;
  private current: InstanceState = 'registering';
  private latest: InstanceView | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private failures = 0;
  private readonly stopping = new AbortController();
  private closing: Promise<void> | undefined;
  private started = false;
  private failedForGood = false;
  private readonly firstRegistration: Promise<InstanceView>;
  private settleFirst: { resolve(v: InstanceView): void; reject(e: unknown): void } | undefined;

  constructor(
    options: RegisterInstanceOptions,
    private readonly deps: RegisteredInstanceDeps,
  ) {
    super();
    const { service, instanceId, ...registration } = options;
    this.service = service;
    this.instanceId = instanceId;
    this.registration = registration;
    this.ttlSeconds = registration.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.route = new HeartbeatRoute(
      deps.kafka !== undefined,
      deps.leaseCheckEvery ??
        leaseCheckEvery(this.ttlSeconds * 1000, heartbeatIntervalMs(this.ttlSeconds)),
    );
    this.log = withFields(deps.logger, { service, instanceId });
    this.firstRegistration = new Promise<InstanceView>((resolve, reject) => {
      this.settleFirst = { resolve, reject };
    });
    // A failure nobody awaits through ready() must not become an unhandled rejection.
    this.firstRegistration.catch(() => undefined);
  }

  get state(): InstanceState {
    return this.current;
  }

  /** The instance as the registry last answered it. */
  get instance(): InstanceView | undefined {
    return this.latest;
  }

  /** Registers now; the client calls this when it hands out the handle. */
  start(): this {
    if (this.started) return this;
    this.started = true;
    this.run('register');
    return this;
  }

  /** Resolves with the first successful registration; rejects if it failed for good or was closed first. */
  ready(): Promise<InstanceView> {
    return this.firstRegistration;
  }

  /** Stops heartbeating and deregisters (for graceful shutdown); safe to call more than once. */
  close(): Promise<void> {
    // Set before shutdown runs, so a listener of the `state` event calling close() again, and
    // the timer and request guards, all see the handle as closing.
    this.closing ??= Promise.resolve().then(() => this.shutdown());
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const started = this.started;
    this.deps.onClosed?.();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopping.abort(new Error('registration closed'));
    this.setState('closed');
    this.settleFirst?.reject(
      new Error(`${this.service}/${this.instanceId} was closed before it registered`),
    );
    this.settleFirst = undefined;
    await this.inFlight;
    // A registration cut short by close() may still have reached the registry: deregister
    // whenever one was attempted (a 404 is fine), unless the registry refused us outright.
    if (!started || (this.latest === undefined && this.failedForGood)) return;
    try {
      await this.deps.api.deregister(
        this.service,
        this.instanceId,
        AbortSignal.timeout(this.deps.closeTimeoutMs ?? 5_000),
      );
      this.log.info({}, 'deregistered');
    } catch (error) {
      // The lease lapses by itself within its TTL.
      this.log.warn({ err: describeError(error) }, 'could not deregister; the lease will expire');
    }
  }

  /** The one place a call starts: never while another is in flight, never after close. */
  private run(step: Step): void {
    if (this.closing || this.inFlight) return;
    this.inFlight = this.perform(step).finally(() => {
      this.inFlight = undefined;
    });
  }

  /** The one place a timer is set: any earlier one is cleared first. */
  private schedule(step: Step, delayMs: number): void {
    if (this.closing) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run(step);
    }, delayMs);
    // The service's own server keeps the process alive; a heartbeat timer must not.
    this.timer.unref();
  }

  private async perform(step: Step): Promise<void> {
    const transport: HeartbeatTransport = step === 'heartbeat' ? this.route.next() : 'http';
    const outcome = await this.attempt(step, transport);
    if (this.closing) return;
    if (outcome.ok) {
      if (step === 'register') this.route.registered();
      else this.route.delivered(transport);
      this.failures = 0;
      this.setState('registered');
      this.schedule('heartbeat', heartbeatIntervalMs(this.ttlSeconds));
      return;
    }
    const { error } = outcome;
    if (step === 'heartbeat') this.route.failed(transport);
    if (step === 'heartbeat' && error instanceof McpApiError && error.status === 404) {
      this.log.warn({}, 'the registry lost the lease; registering again');
      this.setState('registering');
      return this.perform('register');
    }
    if (isPermanentFailure(error)) return this.fail(error);
    this.failures += 1;
    const delayMs = backoffDelay(this.failures, retryBackoff(this.ttlSeconds), this.deps.random);
    this.log.warn(
      { err: describeError(error), attempt: this.failures, retryInMs: delayMs, step, transport },
      `${step} failed; retrying`,
    );
    this.setState('retrying');
    this.schedule(step, delayMs);
  }

  private async attempt(
    step: Step,
    transport: HeartbeatTransport,
  ): Promise<{ ok: true } | { ok: false; error: unknown }> {
    // A call slower than the TTL is worthless (the lease lapsed meanwhile): give up on it.
    const call = callSignal(this.stopping.signal, this.ttlSeconds * 1000);
    try {
      if (step === 'register') await this.register(call.signal);
      else if (transport === 'kafka' && this.deps.kafka) {
        await this.deps.kafka.send(this.service, this.instanceId, call.signal);
      } else await this.deps.api.heartbeat(this.service, this.instanceId, call.signal);
      return { ok: true };
    } catch (error) {
      return { ok: false, error };
    } finally {
      call.release();
    }
  }

  private async register(signal: AbortSignal): Promise<void> {
    const answer = await this.deps.api.register(
      this.service,
      this.instanceId,
      this.registration,
      signal,
    );
    this.latest = answer.instance;
    if (this.closing) return;
    this.failures = 0;
    this.setState('registered');
    this.log.info(
      { revision: answer.instance.revision, leaseExpiresAt: answer.leaseExpiresAt },
      'registered',
    );
    this.settleFirst?.resolve(answer.instance);
    this.settleFirst = undefined;
    this.emit('registered', answer.instance);
  }

  private fail(error: unknown): void {
    this.log.error({ err: describeError(error) }, 'the registry refused this instance; giving up');
    this.failedForGood = true;
    this.setState('failed');
    this.settleFirst?.reject(error);
    this.settleFirst = undefined;
    this.emit('failed', error);
  }

  private setState(next: InstanceState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    if (next !== 'closed') this.log.info({ state: next, previous }, `instance ${next}`);
    this.emit('state', next, previous);
  }
}
