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
import type { ProjectedEvent } from '../scorecard/events.ts';
import type { LeadFacts } from '../scorecard/facts.ts';
import { type CounterKey, countersFor, groupIncrements } from '../scorecard/projection.ts';
import { countedDays, milestoneDays } from './days.ts';

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
