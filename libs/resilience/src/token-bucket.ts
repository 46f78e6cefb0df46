/**
 * A token bucket: holds up to `burst` tokens, refilled continuously at `ratePerSecond`. Each
 * request takes tokens; when there are not enough, it is told how long until there will be.
 */

export interface TokenBucketOptions {
  ratePerSecond: number;
  burst: number;
  now?: () => number;
}

export class TokenBucket {
  private tokens: number;
  private refilledAt: number;
  private readonly now: () => number;

  constructor(private readonly opts: TokenBucketOptions) {
    if (!(opts.ratePerSecond > 0))
      throw new RangeError(`ratePerSecond must be above 0, got ${opts.ratePerSecond}`);
    if (!(opts.burst >= 1)) throw new RangeError(`burst must be at least 1, got ${opts.burst}`);
    this.now = opts.now ?? Date.now;
    this.tokens = opts.burst;
    this.refilledAt = this.now();
  }

  /** Tokens available right now (fractional while refilling). */
  get available(): number {
    this.refill();
    return this.tokens;
  }

  /** Takes `n` tokens if there are that many; otherwise takes none and says when to come back. */
  tryTake(n = 1): { allowed: boolean; retryAfterMs: number } {
    if (!(n >= 0) || n > this.opts.burst) {
      throw new RangeError(`Can take between 0 and ${this.opts.burst} tokens at once, not ${n}`);
    }
    this.refill();
    // Refill arithmetic is floating point; a hair short of n is n.
    if (this.tokens + 1e-9 >= n) {
      this.tokens = Math.max(0, this.tokens - n);
      return { allowed: true, retryAfterMs: 0 };
    }
    const missing = n - this.tokens;
    return { allowed: false, retryAfterMs: Math.ceil((missing * 1000) / this.opts.ratePerSecond) };
  }

  private refill(): void {
    const now = this.now();
    const elapsedMs = Math.max(0, now - this.refilledAt); // a clock stepping back must not drain it
    this.tokens = Math.min(
      this.opts.burst,
      this.tokens + (elapsedMs * this.opts.ratePerSecond) / 1000,
    );
    this.refilledAt = now;
  }
}
