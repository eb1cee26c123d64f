/**
 * What one lifecycle event writes to the metrics store: the scorecard's reducer (`countersFor`)
 * decides which counters move and how the lead's facts change; this module turns that into one
 * write (the facts on the revision they were read at, with the event's counter increments, and
 * the day index entries that let a report find the lead's facts without scanning leads).
 *
 * Idempotency lives in the facts: they remember the last event ids applied, and the write is
 * conditional on their revision, so a redelivered event is a no-op and two events of one lead
 * racing each other are applied one after the other. No extra marker item is written.
 */
import type { BusinessUnitConfig } from '../../../config/schema.ts';
import { localDate } from '../agreement/dates.ts';
import type { ProjectedEvent } from '../scorecard/events.ts';
import type { LeadFacts } from '../scorecard/facts.ts';
import { type CounterKey, type CounterRow, countersFor, groupIncrements } from '../scorecard/projection.ts';
import type { Period } from '../scorecard/types.ts';

export interface CounterUpdate {
  key: CounterKey;
  /** metric → amount to ADD. */
  metrics: Record<string, number>;
}

export interface MetricsWrite {
  facts: LeadFacts;
  /** The revision the facts were read at (0: none stored yet); the write fails if it moved. */
  expectedRevision: number;
  counters: CounterUpdate[];
  /** Local days on which the lead's facts matter to a report and were not indexed before. */
  indexDays: string[];
  /** Local days this event's counters moved on that no earlier event of the lead's did. */
  countDays: string[];
}

export type MetricsPlan = { kind: 'duplicate' } | ({ kind: 'write' } & MetricsWrite);

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

export function planMetricsWrite(
  event: ProjectedEvent,
  config: BusinessUnitConfig,
  before: LeadFacts | undefined,
): MetricsPlan {
  const projection = countersFor(event, config, before);
  if (!projection.applied) return { kind: 'duplicate' };
  const known = new Set(before ? milestoneDays(before, config.timezone) : []);
  const counters = groupIncrements(projection.increments).filter((group) =>
    Object.values(group.metrics).some((by) => by !== 0),
  );
  const counted = new Set(before?.countedDays ?? []);
  const countDays = countedDays(counters).filter((day) => !counted.has(day));
  return {
    kind: 'write',
    facts: countDays.length
      ? { ...projection.facts, countedDays: [...counted, ...countDays].sort() }
      : projection.facts,
    expectedRevision: before?.revision ?? 0,
    counters,
    indexDays: milestoneDays(projection.facts, config.timezone).filter((day) => !known.has(day)),
    countDays,
  };
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
