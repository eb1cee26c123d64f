/**
 * The two-sided scorecard of one period, from the projection's counters (volumes, by day and
 * dimension) and lead facts (per-hand-off judgements and durations). Pure: the caller reads the
 * counters of the period's days and the facts of the leads handed off (or converted) in it.
 *
 * Days are local dates in the unit's time zone, so a period across a DST change or the year end
 * still starts and ends at local midnight. Every hand-off is judged by the agreement version in
 * force on its hand-off day. Empty periods give zeros and nulls, never NaN.
 */
import type { AgreementVersion, BusinessUnitConfig } from '../../../config/schema.ts';
import { type Instant, localDate, toIso, toMs } from '../agreement/dates.ts';
import { cohortOf } from './cohort.ts';
import { sumCounters } from './counters.ts';
import type { LeadFacts } from './facts.ts';
import { feedbackSection, funnelSection } from './funnel.ts';
import { marketingSection } from './marketing.ts';
import { periodCalendar } from './pace.ts';
import type { CounterRow } from './projection.ts';
import { salesSection } from './sales.ts';
import { round } from './stats.ts';
import type { Period, Scorecard } from './types.ts';

export interface ScorecardInput {
  counters: readonly CounterRow[];
  leadFacts: readonly LeadFacts[];
  /** The agreement's versions (default: the unit's); each hand-off is judged by the one in force that day. */
  agreementVersions?: readonly AgreementVersion[];
  period: Period;
  now: Instant;
  config: BusinessUnitConfig;
}

export function scorecard(input: ScorecardInput): Scorecard {
  const { config, period } = input;
  const versions = input.agreementVersions ?? config.agreement.versions;
  const now = toMs(input.now);
  const calendar = periodCalendar(period, now, config, versions);
  const sums = {
    unit: sumCounters(input.counters, period, 'unit'),
    reps: sumCounters(input.counters, period, 'rep'),
    teams: sumCounters(input.counters, period, 'team'),
    sources: sumCounters(input.counters, period, 'source'),
    campaigns: sumCounters(input.counters, period, 'campaign'),
    segments: sumCounters(input.counters, period, 'segment'),
  };
  const unit = sums.unit.get(config.name);
  const cohort = cohortOf(input.leadFacts, period, versions, config.timezone);
  const open = calendar.days.filter((d) => d.open);
  return {
    unit: { name: config.name, displayName: config.displayName, timezone: config.timezone },
    period: {
      from: period.from,
      to: period.to,
      generatedAt: toIso(now),
      today: localDate(now, config.timezone),
      complete: calendar.days.every((d) => d.date < localDate(now, config.timezone)),
      days: calendar.days.length,
      businessDays: open.length,
      businessDaysElapsed: round(
        open.reduce((n, d) => n + d.elapsed, 0),
        2,
      ),
      agreementVersions: [...new Set(calendar.days.map((d) => d.version.effectiveFrom))],
    },
    marketing: marketingSection({ config, versions, calendar, cohort, ...sums }),
    sales: salesSection({
      config,
      cohort,
      leadFacts: input.leadFacts,
      period,
      now,
      unit: sums.unit,
      reps: sums.reps,
      teams: sums.teams,
    }),
    funnel: funnelSection(unit, input.leadFacts, period, config.timezone),
    feedback: feedbackSection(unit, sums.sources, sums.campaigns),
  };
}

/** The funnel counts of a scorecard, for `measuredFromCounts` (the planning calculator's history). */
export function funnelCounts(card: Scorecard) {
  const count = (stage: string) => card.funnel.stages.find((s) => s.stage === stage)?.count ?? 0;
  return {
    leads: count('lead'),
    mqls: count('mql'),
    sqls: count('sql'),
    accepted: count('accepted'),
    won: count('won'),
    wonAmount: card.funnel.wonAmount,
    wonWithAmount: card.funnel.wonWithAmount,
  };
}
