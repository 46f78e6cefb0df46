import { backoffDelay, type BackoffOptions } from './backoff';
import { isRetryableError } from './retryable';
import { sleep } from './sleep';

export interface RetryPolicyOptions {
  /** Attempts in all, the first included; 1 means no retry. */
  maxAttempts: number;
  backoff: BackoffOptions;
  /** Which failures deserve another attempt; defaults to isRetryableError. */
  isRetryable?: (err: unknown) => boolean;
  /** Source of jitter; injectable for tests. */
  random?: () => number;
}

export interface RetryExecuteOptions {
  /** Aborting stops the retries: a pending wait ends at once and no new attempt starts. */
  signal?: AbortSignal;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs an operation again after a retryable failure, waiting longer each time (exponential
 * backoff with jitter), until it succeeds, fails for good, runs out of attempts or is aborted.
 * The last failure is what the caller sees.
 */
export class RetryPolicy {
  /** Ours: 5 attempts over about 1.5 s (100 ms doubling, full jitter), never more than 5 s apart. */
  static readonly defaults: Readonly<{ maxAttempts: number; backoff: Readonly<BackoffOptions> }> =
    Object.freeze({
      maxAttempts: 5,
      backoff: Object.freeze({ baseMs: 100, maxMs: 5_000, jitter: 'full' as const }),
    });

  private readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly isRetryable: (err: unknown) => boolean;
  private readonly random: () => number;

  constructor(opts: RetryPolicyOptions = RetryPolicy.defaults) {
    if (!Number.isInteger(opts.maxAttempts) || opts.maxAttempts < 1) {
      throw new RangeError(
        `maxAttempts must be a whole number of at least 1, got ${opts.maxAttempts}`,
      );
    }
    this.maxAttempts = opts.maxAttempts;
    this.backoff = { ...opts.backoff };
    this.isRetryable = opts.isRetryable ?? isRetryableError;
    this.random = opts.random ?? Math.random;
  }

  /** The wait after failed attempt `attempt` (1-based). */
  delayFor(attempt: number): number {
    return backoffDelay(attempt, this.backoff, this.random);
  }

  async execute<T>(
    fn: (attempt: number, signal: AbortSignal) => Promise<T>,
    opts: RetryExecuteOptions = {},
  ): Promise<T> {
    const signal = opts.signal ?? new AbortController().signal;
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      try {
        return await fn(attempt, signal);
      } catch (err) {
        if (attempt >= this.maxAttempts || signal.aborted || !this.isRetryable(err)) throw err;
        const delayMs = this.delayFor(attempt);
        opts.onRetry?.(err, attempt, delayMs);
        await sleep(delayMs, signal);
      }
    }
  }
}
