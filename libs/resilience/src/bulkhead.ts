/**
 * Caps how many calls to one dependency run at once (and how many may wait), so a slow
 * dependency cannot take every socket and every event-loop turn with it.
 *
 * cockatiel's BulkheadPolicy sits underneath: its slot and queue accounting is exactly this
 * policy. Retry, circuit breaker, timeout and token bucket are written here instead, because
 * ours need an injected clock, 1-based attempts, our jitter modes and several half-open probes.
 */
import { BulkheadPolicy, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';

export interface BulkheadOptions {
  maxConcurrent: number;
  /** Calls allowed to wait for a slot; 0 rejects as soon as all slots are busy. */
  maxQueued: number;
}

export class BulkheadFullError extends Error {
  constructor(
    readonly maxConcurrent: number,
    readonly maxQueued: number,
  ) {
    super(`Bulkhead full: ${maxConcurrent} running and ${maxQueued} waiting`);
    this.name = 'BulkheadFullError';
  }
}

export class Bulkhead {
  private readonly policy: BulkheadPolicy;

  constructor(private readonly opts: BulkheadOptions) {
    if (!Number.isInteger(opts.maxConcurrent) || opts.maxConcurrent < 1) {
      throw new RangeError(
        `maxConcurrent must be a whole number of at least 1, got ${opts.maxConcurrent}`,
      );
    }
    if (!Number.isInteger(opts.maxQueued) || opts.maxQueued < 0) {
      throw new RangeError(`maxQueued must be a whole number of at least 0, got ${opts.maxQueued}`);
    }
    this.policy = new BulkheadPolicy(opts.maxConcurrent, opts.maxQueued);
  }

  /** Free slots to run in, right now. */
  get availableSlots(): number {
    return this.policy.executionSlots;
  }

  /** Free places in the queue, right now. */
  get availableQueue(): number {
    return this.policy.queueSlots;
  }

  /** Runs `fn` in a slot, after waiting in the queue if need be; rejects with BulkheadFullError when both are full. */
  async execute<T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await this.policy.execute(({ signal: inner }) => fn(inner), signal);
    } catch (err) {
      // instanceof, not cockatiel's is*Error guards: in 3.2 isTaskCancelledError tests the wrong flag.
      if (err instanceof BulkheadRejectedError) {
        throw new BulkheadFullError(this.opts.maxConcurrent, this.opts.maxQueued);
      }
      // A caller that aborted while queued gets its own abort reason, not cockatiel's.
      if (err instanceof TaskCancelledError && signal?.aborted) throw signal.reason;
      throw err;
    }
  }
}
