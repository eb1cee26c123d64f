/** Sums of stored counters over a period, by dimension value and metric. */
import type { CounterRow, Dimension } from './projection.ts';
import type { Period } from './types.ts';

export type MetricSums = Map<string, Record<string, number>>;

/** value → metric → sum, over the rows of one dimension whose local day lies in the period. */
export function sumCounters(rows: readonly CounterRow[], period: Period, dimension: Dimension): MetricSums {
  const sums: MetricSums = new Map();
  for (const row of rows) {
    if (row.key.dimension !== dimension || row.key.day < period.from || row.key.day > period.to) continue;
    const metrics = sums.get(row.key.value) ?? {};
    metrics[row.metric] = (metrics[row.metric] ?? 0) + row.value;
    sums.set(row.key.value, metrics);
  }
  return sums;
}

export const metric = (metrics: Record<string, number> | undefined, name: string): number =>
  metrics?.[name] ?? 0;

/** The metrics starting with `prefix`, without it: e.g. rejection reasons. */
export function prefixed(
  metrics: Record<string, number> | undefined,
  prefix: string,
): Array<[string, number]> {
  return Object.entries(metrics ?? {})
    .filter(([name, n]) => name.startsWith(prefix) && n !== 0)
    .map(([name, n]) => [name.slice(prefix.length), n] as [string, number]);
}

/** Most first, then alphabetical: a stable ranking. */
export const byCountThenLabel =
  <T extends { count: number }>(label: (t: T) => string) =>
  (a: T, b: T) =>
    b.count - a.count || label(a).localeCompare(label(b));
