/**
 * The local days a lead's metrics are filed under: the days of its milestones (a report of a
 * period containing one needs the lead's facts) and the days its counters moved. Apart from
 * the projection itself, so the erasure and the store's reads import no reducer.
 */

import { localDate } from '../agreement/dates.ts';
import type { LeadFacts } from '../scorecard/facts.ts';
import type { CounterRow } from '../scorecard/projection.ts';
import type { Period } from '../scorecard/types.ts';
import type { CounterUpdate } from './metrics-write.ts';

/**
 * The local days of a lead's milestones: the days a scorecard of a period containing one of
 * them needs the lead's facts (capture→MQL, MQL→SQL, hand-off cohort, decision, outcome).
 */
export function milestoneDays(facts: LeadFacts, timezone: string): string[] {
  const instants = [
    facts.mqlAt,
    ...facts.handoffs.flatMap((h) => [h.qualifiedAt, h.handedOffAt, h.decision?.at, h.outcome?.at]),
  ].filter((at): at is string => at !== undefined);
  return [...new Set(instants.map((at) => localDate(at, timezone)))].sort();
}

/** The local days a write's counters moved on. */
export function countedDays(counters: readonly CounterUpdate[]): string[] {
  return [...new Set(counters.map((c) => c.key.day))].sort();
}

/** The counters of a period: every increment on one of its days, summed per key and metric. */
export function sumCounts(counts: readonly CounterUpdate[], period: Period): CounterRow[] {
  const rows = new Map<string, CounterRow>();
  for (const { key, metrics } of counts) {
    if (key.day < period.from || key.day > period.to) continue;
    for (const [metric, by] of Object.entries(metrics)) {
      const id = `${key.day}|${key.dimension}|${key.value}|${metric}`;
      const row = rows.get(id) ?? { key: { ...key }, metric, value: 0 };
      row.value += by;
      rows.set(id, row);
    }
  }
  return [...rows.values()];
}
