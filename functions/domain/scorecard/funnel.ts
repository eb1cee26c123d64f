/**
 * The funnel (lead → MQL → SQL → accepted → won, counted in the period, with stage durations)
 * and the closed loop back to marketing: why sales rejected leads, by source and campaign, and
 * what leads asked about.
 */
import { localDate, toMs } from '../agreement/dates.ts';
import { byCountThenLabel, type MetricSums, metric, prefixed } from './counters.ts';
import type { LeadFacts } from './facts.ts';
import { REJECTION_REASON, TOPIC } from './projection.ts';
import { ratio, round, times } from './stats.ts';
import type { FunnelStage, Period, RankedLabel, Scorecard } from './types.ts';

const HOUR = 3_600_000;

export function funnelSection(
  unit: Record<string, number> | undefined,
  leadFacts: readonly LeadFacts[],
  period: Period,
  timezone: string,
): Scorecard['funnel'] {
  const inPeriod = (at: string | undefined): at is string => {
    if (at === undefined) return false;
    const day = localDate(at, timezone);
    return day >= period.from && day <= period.to;
  };
  const hours = (from: string | undefined, to: string) =>
    from === undefined ? [] : [round((toMs(to) - toMs(from)) / HOUR, 2)];
  const durations: Record<'mql' | 'sql' | 'accepted' | 'won', number[]> = {
    mql: [],
    sql: [],
    accepted: [],
    won: [],
  };
  for (const lead of leadFacts) {
    if (inPeriod(lead.mqlAt)) durations.mql.push(...hours(lead.capturedAt, lead.mqlAt));
    for (const h of lead.handoffs) {
      if (inPeriod(h.qualifiedAt)) durations.sql.push(...hours(lead.mqlAt, h.qualifiedAt));
      if (h.decision?.result === 'accepted' && inPeriod(h.decision.at))
        durations.accepted.push(...hours(h.qualifiedAt, h.decision.at));
      if (h.outcome?.result === 'won' && inPeriod(h.outcome.at))
        durations.won.push(...hours(h.decision?.at, h.outcome.at));
    }
  }
  const counts: Array<[FunnelStage['stage'], number]> = [
    ['lead', metric(unit, 'leads')],
    ['mql', metric(unit, 'mqls')],
    ['sql', metric(unit, 'sqls')],
    ['accepted', metric(unit, 'accepted')],
    ['won', metric(unit, 'won')],
  ];
  const stages = counts.map(([stage, count], i): FunnelStage => {
    const previous = counts[i - 1];
    return {
      stage,
      count,
      conversionFromPrevious: previous ? ratio(count, previous[1]) : null,
      hoursFromPrevious: stage === 'lead' ? null : times(durations[stage]),
    };
  });
  const wonAmount = metric(unit, 'wonAmount');
  const wonWithAmount = metric(unit, 'wonWithAmount');
  return {
    stages,
    leadToWon: ratio(metric(unit, 'won'), metric(unit, 'leads')),
    wonAmount,
    wonWithAmount,
    averageDealSize: wonWithAmount > 0 ? round(wonAmount / wonWithAmount, 2) : null,
  };
}

function ranked(pairs: Array<[string, number]>): RankedLabel[] {
  const total = pairs.reduce((n, [, c]) => n + c, 0);
  return pairs
    .map(([label, count]) => ({ label, count, share: ratio(count, total) }))
    .sort(byCountThenLabel((r) => r.label));
}

function reasonsBy<K extends 'source' | 'campaign'>(sums: MetricSums, key: K) {
  const rows: Array<{ reason: string; count: number } & Record<K, string>> = [];
  for (const [value, m] of sums)
    for (const [reason, count] of prefixed(m, REJECTION_REASON))
      rows.push({ [key]: value, reason, count } as { reason: string; count: number } & Record<K, string>);
  return rows.sort(
    (a, b) => b.count - a.count || a[key].localeCompare(b[key]) || a.reason.localeCompare(b.reason),
  );
}

export function feedbackSection(
  unit: Record<string, number> | undefined,
  sources: MetricSums,
  campaigns: MetricSums,
): Scorecard['feedback'] {
  return {
    rejectionReasons: ranked(prefixed(unit, REJECTION_REASON)),
    rejectionsBySource: reasonsBy(sources, 'source'),
    rejectionsByCampaign: reasonsBy(campaigns, 'campaign'),
    topics: ranked(prefixed(unit, TOPIC)),
  };
}
