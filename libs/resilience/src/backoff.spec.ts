import { backoffDelay, type BackoffOptions } from './backoff';

const exact: BackoffOptions = { baseMs: 100, maxMs: 1_000, jitter: 'none' };

describe('backoffDelay', () => {
  it('doubles the delay with each attempt, starting at the base', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, exact))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the cap, even for very late attempts', () => {
    expect(backoffDelay(5, exact)).toBe(1_000);
    expect(backoffDelay(2_000, exact)).toBe(1_000);
  });

  it('treats an attempt below 1 as the first', () => {
    expect(backoffDelay(0, exact)).toBe(100);
  });

  it('with full jitter, spreads the delay over [0, d)', () => {
    const opts: BackoffOptions = { ...exact, jitter: 'full' };
    expect(backoffDelay(3, opts, () => 0)).toBe(0);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(200);
    expect(backoffDelay(3, opts, () => 0.999999)).toBe(399);
  });

  it('with equal jitter, keeps at least half the delay: [d/2, d)', () => {
    const opts: BackoffOptions = { ...exact, jitter: 'equal' };
    expect(backoffDelay(3, opts, () => 0)).toBe(200);
    expect(backoffDelay(3, opts, () => 0.999999)).toBe(399);
  });

  it('stays within its bounds for any random value', () => {
    for (const jitter of ['full', 'equal'] as const) {
      for (let attempt = 1; attempt <= 12; attempt++) {
        const ceiling = Math.min(1_000, 100 * 2 ** (attempt - 1));
        const delay = backoffDelay(attempt, { ...exact, jitter });
        expect(delay).toBeGreaterThanOrEqual(jitter === 'equal' ? ceiling / 2 : 0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});
