/** Latency percentiles as the report prints them: nearest-rank, in milliseconds. */

export interface LatencySummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** Nearest-rank percentile of an ascending array; null when there is nothing to rank. */
export function percentileOf(sorted: ArrayLike<number>, percent: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((percent / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  let total = 0;
  for (const value of sorted) total += value;
  const round = (value: number | null): number | null =>
    value === null ? null : Math.round(value * 100) / 100;
  return {
    count: sorted.length,
    p50: round(percentileOf(sorted, 50)),
    p90: round(percentileOf(sorted, 90)),
    p99: round(percentileOf(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : null),
    mean: round(sorted.length ? total / sorted.length : null),
  };
}

/** a / b rounded for a table, or null when either side is missing or b is zero. */
export function ratioOf(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null;
  const ratio = a / b;
  return ratio >= 1 ? Math.round(ratio * 10) / 10 : Math.round(ratio * 100) / 100;
}
