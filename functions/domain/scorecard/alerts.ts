/**
 * Two-sided pace alerts: marketing when SQLs fall behind the commitment's pace, sales when a
 * target rate falls below its bar. Each alert has a key (unit, period, side, measure, threshold):
 * the caller records the keys it sent and passes them back, so an alert goes out at most once per
 * period and threshold (a changed threshold may alert again).
 *
 * Marketing (overall and per segment with a commitment): the period is not over, at least
 * `minBusinessDaysElapsed` business days have gone, and pace < 1 - marketingBehindBy.
 * Sales (first touch within SLA, decided within the window): at least `minJudgedLeads` hand-offs
 * judged, and rate < target - salesBelowBy.
 */
import type { BusinessUnitConfig } from '../../../config/schema.ts';
import { round } from './stats.ts';
import { formatCell } from './tables.ts';
import type { PaceFigure, Scorecard, TargetFigure } from './types.ts';

const percent = (share: number) => formatCell(share, 'rate');

export type AlertSide = 'marketing' | 'sales';

export interface PaceAlert {
  key: string;
  side: AlertSide;
  measure: string;
  to: string[];
  subject: string;
  text: string;
  figures: { actual: number; expected: number; threshold: number };
}

export function recipientsFor(side: AlertSide, config: BusinessUnitConfig): string[] {
  const r = config.agreement.recipients;
  const list =
    side === 'marketing'
      ? r.marketing
      : r.sales.length > 0
        ? r.sales
        : config.email.alertRecipients.salesManagers;
  return list.length > 0 ? [...list] : [...config.email.alertRecipients.ops];
}

/** Both sides, without repeats: who gets the weekly digest. */
export const digestRecipients = (config: BusinessUnitConfig): string[] => [
  ...new Set([...recipientsFor('marketing', config), ...recipientsFor('sales', config)]),
];

function marketingAlert(
  sc: Scorecard,
  config: BusinessUnitConfig,
  figure: PaceFigure,
): PaceAlert | undefined {
  const { marketingBehindBy, minBusinessDaysElapsed } = config.agreement.paceAlerts;
  const threshold = round(1 - marketingBehindBy, 6);
  if (sc.period.complete || sc.period.businessDaysElapsed < minBusinessDaysElapsed) return undefined;
  if (figure.pace === null || figure.commitment === 0 || figure.pace >= threshold) return undefined;
  const what = figure.segment === undefined ? 'SQLs' : `SQLs for ${figure.segment}`;
  const measure = figure.segment === undefined ? 'sqls' : `sqls:${figure.segment}`;
  return {
    key: `${sc.unit.name}:${sc.period.from}..${sc.period.to}:marketing:${measure}:${threshold}`,
    side: 'marketing',
    measure,
    to: recipientsFor('marketing', config),
    subject: `${sc.unit.displayName}: ${what} behind the agreed pace (${percent(figure.pace)})`,
    text: `${what} delivered ${sc.period.from} to ${sc.period.to}: ${figure.delivered}, where ${figure.expectedSoFar} were due by now (pace ${percent(figure.pace)}; the alert is below ${percent(threshold)}). At this pace the period ends at ${figure.projected} of ${figure.commitment} committed.`,
    figures: { actual: figure.delivered, expected: figure.expectedSoFar, threshold },
  };
}

function salesAlert(
  sc: Scorecard,
  config: BusinessUnitConfig,
  measure: 'first-touch' | 'decision',
  label: string,
  figure: TargetFigure,
): PaceAlert | undefined {
  const { salesBelowBy, minJudgedLeads } = config.agreement.paceAlerts;
  if (figure.judged < minJudgedLeads || figure.rate === null || figure.target === null) return undefined;
  const threshold = round(figure.target - salesBelowBy, 6);
  if (figure.rate >= threshold) return undefined;
  return {
    key: `${sc.unit.name}:${sc.period.from}..${sc.period.to}:sales:${measure}:${threshold}`,
    side: 'sales',
    measure,
    to: recipientsFor('sales', config),
    subject: `${sc.unit.displayName}: ${label} below target (${percent(figure.rate)})`,
    text: `${label}, hand-offs ${sc.period.from} to ${sc.period.to}: ${percent(figure.rate)} of ${figure.judged} judged (${figure.within} met), where the agreement asks for ${percent(figure.target)}; the alert is below ${percent(threshold)}.`,
    figures: { actual: figure.rate, expected: figure.target, threshold },
  };
}

export function paceAlerts(
  sc: Scorecard,
  config: BusinessUnitConfig,
  alreadySent: Iterable<string> = [],
): PaceAlert[] {
  const sent = new Set(alreadySent);
  const due = [
    marketingAlert(sc, config, sc.marketing.sqls),
    ...sc.marketing.bySegment.map((s) => marketingAlert(sc, config, s)),
    salesAlert(sc, config, 'first-touch', 'First touch within SLA', sc.sales.firstTouch),
    salesAlert(sc, config, 'decision', 'Accepted or rejected within the window', sc.sales.decision),
  ];
  return due.filter((a): a is PaceAlert => a !== undefined && !sent.has(a.key));
}
