/**
 * The marketing side of the scorecard: SQLs delivered against the commitment (in total and per
 * segment), the conversion rates, the quality bar judged on the hand-off cohort, and acceptance
 * by source and campaign.
 */
import type { AgreementVersion, BusinessUnitConfig } from '../../../config/schema.ts';
import { segmentIds } from '../agreement/versions.ts';
import { type CohortHandoff, judge, qualityJudgement } from './cohort.ts';
import { type MetricSums, metric } from './counters.ts';
import { type PeriodCalendar, paceFigure, segmentMonthly } from './pace.ts';
import { ratio } from './stats.ts';
import type { AttributionRow, Scorecard } from './types.ts';

function attributionRows(sums: MetricSums): AttributionRow[] {
  return [...sums.entries()]
    .map(([value, m]) => ({
      value,
      leads: metric(m, 'leads'),
      mqls: metric(m, 'mqls'),
      sqls: metric(m, 'sqls'),
      accepted: metric(m, 'accepted'),
      rejected: metric(m, 'rejected'),
      acceptanceRate: ratio(metric(m, 'accepted'), metric(m, 'accepted') + metric(m, 'rejected')),
    }))
    .sort((a, b) => b.sqls - a.sqls || b.leads - a.leads || a.value.localeCompare(b.value));
}

export function marketingSection(input: {
  config: BusinessUnitConfig;
  versions: readonly AgreementVersion[];
  calendar: PeriodCalendar;
  cohort: CohortHandoff[];
  unit: MetricSums;
  segments: MetricSums;
  sources: MetricSums;
  campaigns: MetricSums;
}): Scorecard['marketing'] {
  const { config, calendar } = input;
  const behindBy = config.agreement.paceAlerts.marketingBehindBy;
  const unit = input.unit.get(config.name);
  const inForce = [...new Set(calendar.days.map((d) => d.version))];
  const ids = segmentIds(inForce);
  for (const value of input.segments.keys()) if (!ids.includes(value)) ids.push(value);
  return {
    sqls: paceFigure(calendar, metric(unit, 'sqls'), (v) => v.marketing.sqlsPerMonth, behindBy),
    bySegment: ids.map((id) =>
      paceFigure(calendar, metric(input.segments.get(id), 'sqls'), segmentMonthly(id), behindBy, id),
    ),
    rates: {
      mqlToSql: ratio(metric(unit, 'sqls'), metric(unit, 'mqls')),
      sqlToAccepted: ratio(metric(unit, 'accepted'), metric(unit, 'sqls')),
    },
    quality: judge(input.cohort, qualityJudgement, (v) => v.marketing.minAcceptanceRate),
    bySource: attributionRows(input.sources),
    byCampaign: attributionRows(input.campaigns),
  };
}
