/** How long to wait before the next attempt: exponential, capped, and jittered. */

export interface BackoffOptions {
  /** Delay before the second attempt, before jitter. */
  baseMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
  /**
   * `full`: anywhere in [0, d) — spreads a thundering herd the most.
   * `equal`: in [d/2, d) — spread, but never retries immediately.
   * `none`: exactly d — for tests and for a single client.
   */
  jitter: 'full' | 'equal' | 'none';
}

/** The delay after failed attempt `attempt` (1-based): `min(maxMs, baseMs * 2^(attempt-1))`, jittered. */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2^exponent overflows to Infinity for large attempts; the cap makes that harmless.
  const ceiling = Math.max(0, Math.min(opts.maxMs, opts.baseMs * 2 ** exponent));
  switch (opts.jitter) {
    case 'none':
      return ceiling;
    case 'full':
      return Math.floor(random() * ceiling);
    case 'equal':
      return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
  }
}
