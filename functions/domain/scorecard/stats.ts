/**
 * Small, exact statistics for the scorecard. No NaN ever leaves here: a ratio over nothing and
 * a percentile of no values are null.
 */

export const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** n / d rounded to 4 decimals, or null when d is 0. */
export const ratio = (n: number, d: number): number | null => (d > 0 ? round(n / d, 4) : null);

/**
 * The p-th percentile by the nearest-rank method: the smallest value such that at least p% of
 * the values are at or below it, i.e. the ⌈p/100 · n⌉-th smallest. Always an observed value (no
 * interpolation); null for no values. p50 of [10, 20, 30, 40] is 20, p90 is 40.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil(round((p / 100) * sorted.length, 9));
  return sorted[Math.max(rank, 1) - 1] as number;
}

export interface Times {
  count: number;
  p50: number | null;
  p90: number | null;
}

/** Count, p50 and p90 of durations, rounded to 0.1. */
export function times(values: readonly number[]): Times {
  const r = (x: number | null) => (x === null ? null : round(x, 1));
  return { count: values.length, p50: r(percentile(values, 50)), p90: r(percentile(values, 90)) };
}

export const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : round(values.reduce((a, b) => a + b, 0) / values.length, 2);
