/**
 * Stops calling a dependency that keeps failing, so it can recover and callers fail fast:
 * closed (calls pass, consecutive failures counted) → open after `failureThreshold` failures
 * (calls rejected for `openMs`) → half-open (up to `halfOpenRequests` probes) → closed when all
 * probes succeed, open again as soon as one fails.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  halfOpenRequests: number;
  now?: () => number;
  /** Which errors count against the dependency; a caller's own mistake (a 4xx) usually should not. */
  isFailure?: (err: unknown) => boolean;
  onStateChange?: (from: CircuitState, to: CircuitState) => void;
}

export class CircuitOpenError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`Circuit open; not calling the dependency for another ${retryAfterMs} ms`);
    this.name = 'CircuitOpenError';
  }
}

export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probesAdmitted = 0;
  private probesSucceeded = 0;
  // Bumped on every transition, so a slow call that started in an earlier state cannot move
  // the breaker out of the state it is in now.
  private generation = 0;

  private readonly now: () => number;
  private readonly isFailure: (err: unknown) => boolean;

  constructor(private readonly opts: CircuitBreakerOptions) {
    for (const key of ['failureThreshold', 'halfOpenRequests'] as const) {
      if (!Number.isInteger(opts[key]) || opts[key] < 1) {
        throw new RangeError(`${key} must be a whole number of at least 1, got ${opts[key]}`);
      }
    }
    if (!(opts.openMs >= 0)) throw new RangeError(`openMs must be at least 0, got ${opts.openMs}`);
    this.now = opts.now ?? Date.now;
    this.isFailure = opts.isFailure ?? (() => true);
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.opts.openMs) {
      this.transition('half-open');
    }
    return this.current;
  }

  async execute<T>(fn: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open') throw new CircuitOpenError(this.remainingOpenMs());
    if (state === 'half-open') {
      if (this.probesAdmitted >= this.opts.halfOpenRequests) {
        // The probes are still out; everyone else waits for their verdict.
        throw new CircuitOpenError(0);
      }
      this.probesAdmitted++;
    }

    const generation = this.generation;
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      if (generation === this.generation) {
        if (this.isFailure(err)) this.recordFailure();
        else this.recordSuccess();
      }
      throw err;
    }
    if (generation === this.generation) this.recordSuccess();
    return result;
  }

  private recordSuccess(): void {
    if (this.current === 'closed') {
      this.consecutiveFailures = 0;
    } else if (this.current === 'half-open') {
      this.probesSucceeded++;
      if (this.probesSucceeded >= this.opts.halfOpenRequests) this.transition('closed');
    }
  }

  private recordFailure(): void {
    if (this.current === 'half-open') {
      this.transition('open');
    } else if (this.current === 'closed') {
      this.consecutiveFailures++;
      if (this.consecutiveFailures >= this.opts.failureThreshold) this.transition('open');
    }
  }

  private remainingOpenMs(): number {
    return Math.max(0, this.opts.openMs - (this.now() - this.openedAt));
  }

  private transition(to: CircuitState): void {
    const from = this.current;
    this.current = to;
    this.generation++;
    this.consecutiveFailures = 0;
    this.probesAdmitted = 0;
    this.probesSucceeded = 0;
    if (to === 'open') this.openedAt = this.now();
    this.opts.onStateChange?.(from, to);
  }
}
