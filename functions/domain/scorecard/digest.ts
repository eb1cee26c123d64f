/**
 * The weekly digest both teams get: the scorecard's headline figures as a mail (subject, plain
 * text and HTML with pure-HTML bars, no scripts, no images), formatted exactly as the scorecard's
 * tables format them, so the mail says what the JSON says. Also when it goes out and which
 * period it covers.
 */
import type { BusinessUnitConfig } from '../../../config/schema.ts';
import { addDays, type Instant, localDate, monthBounds, monthOf, toMs } from '../agreement/dates.ts';
import { escapeHtml as e } from '../agreement/text.ts';
import { digestRecipients } from './alerts.ts';
import { formatCell } from './tables.ts';
import type { PaceFigure, Scorecard, TargetFigure } from './types.ts';

export interface Digest {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

const rate = (x: number | null) => formatCell(x, 'rate');
const num = (x: number | null) => formatCell(x, 'number');

interface Line {
  label: string;
  value: string;
  /** 0..1 of the bar to fill, with an optional marker (e.g. expected so far), both as shares. */
  bar?: { fill: number; marker?: number };
}

function paceLine(label: string, p: PaceFigure): Line {
  return {
    label,
    value: `${p.delivered} of ${num(p.commitment)} committed; ${num(p.expectedSoFar)} expected by now (pace ${rate(p.pace)}); projected ${num(p.projected)}`,
    ...(p.commitment > 0
      ? { bar: { fill: p.delivered / p.commitment, marker: p.expectedSoFar / p.commitment } }
      : {}),
  };
}

function targetLine(label: string, f: TargetFigure): Line {
  return {
    label,
    value: `${rate(f.rate)} of ${f.judged} judged (target ${rate(f.target)})${f.met === null ? '' : f.met ? ', met' : ', missed'}`,
    ...(f.rate !== null ? { bar: { fill: f.rate, ...(f.target !== null ? { marker: f.target } : {}) } } : {}),
  };
}

const STAGE_WORDS = { lead: 'leads', mql: 'MQLs', sql: 'SQLs', accepted: 'accepted', won: 'won' } as const;

function lines(sc: Scorecard): Line[] {
  const s = sc.sales;
  const a = s.activity;
  const top = (items: Array<{ label: string; count: number }>) =>
    items.length === 0
      ? 'none'
      : items
          .slice(0, 3)
          .map((i) => `${i.label} (${i.count})`)
          .join(', ');
  return [
    paceLine('SQLs delivered', sc.marketing.sqls),
    ...sc.marketing.bySegment
      .filter((p) => p.commitment > 0)
      .map((p) => paceLine(`SQLs for ${p.segment}`, p)),
    targetLine('SQLs accepted (quality bar)', sc.marketing.quality),
    targetLine('First touch within SLA', s.firstTouch),
    {
      label: 'Time to first touch',
      value: `p50 ${num(s.firstTouch.minutes.p50)}, p90 ${num(s.firstTouch.minutes.p90)} business minutes`,
    },
    targetLine('Accepted or rejected within the window', s.decision),
    {
      label: 'SLA ladder',
      value: `${a.reminders} reminders, ${a.breaches} breaches, ${a.escalations} escalations, ${a.reassignments} reassignments`,
    },
    {
      label: 'Funnel',
      value: sc.funnel.stages.map((st) => `${st.count} ${STAGE_WORDS[st.stage]}`).join(' → '),
    },
    { label: 'Top rejection reasons', value: top(sc.feedback.rejectionReasons) },
    { label: 'Top topics leads asked about', value: top(sc.feedback.topics) },
  ];
}

function barHtml(bar: NonNullable<Line['bar']>, label: string): string {
  const pct = (x: number) => Math.max(0, Math.min(100, Math.round(x * 100)));
  const marker =
    bar.marker === undefined
      ? ''
      : `<div style="position:absolute;left:${pct(bar.marker)}%;top:-2px;width:2px;height:16px;background:#1a1a1a"></div>`;
  return `<div role="img" aria-label="${e(label)}" style="position:relative;width:200px;height:12px;background:#e5e5e5"><div style="width:${pct(bar.fill)}%;height:12px;background:#0072B2"></div>${marker}</div>`;
}

export function weeklyDigest(sc: Scorecard, config: BusinessUnitConfig): Digest {
  const items = lines(sc);
  const period = `${sc.period.from} to ${sc.period.to}`;
  const subject = `${sc.unit.displayName} scorecard, ${period}: ${sc.marketing.sqls.delivered} of ${num(sc.marketing.sqls.commitment)} SQLs (pace ${rate(sc.marketing.sqls.pace)}), first touch within SLA ${rate(sc.sales.firstTouch.rate)}`;
  const intro = `${sc.period.complete ? 'The period is complete.' : `As of ${sc.period.today}, ${sc.period.businessDaysElapsed} of ${sc.period.businessDays} business days have gone.`} Every hand-off is judged by the agreement version in force when it was handed off.`;
  const text = [subject, '', intro, '', ...items.map((l) => `${l.label}: ${l.value}`), ''].join('\n');
  const rows = items
    .map(
      (l) =>
        `<tr><th scope="row" style="text-align:left;padding:4px 8px">${e(l.label)}</th><td style="padding:4px 8px">${e(l.value)}</td><td style="padding:4px 8px">${l.bar ? barHtml(l.bar, `${l.label}: ${l.value}`) : ''}</td></tr>`,
    )
    .join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head><body style="font-family:sans-serif;color:#1a1a1a"><h1 style="font-size:18px">${e(`${sc.unit.displayName} scorecard, ${period}`)}</h1><p>${e(intro)}</p><table style="border-collapse:collapse"><caption style="text-align:left;font-weight:bold">Headline figures</caption><tbody>${rows}</tbody></table></body></html>`;
  return { to: digestRecipients(config), subject, text, html };
}

const CRON_DAYS = {
  mon: 'MON',
  tue: 'TUE',
  wed: 'WED',
  thu: 'THU',
  fri: 'FRI',
  sat: 'SAT',
  sun: 'SUN',
} as const;

/** When the digest goes out, as an EventBridge Scheduler cron expression in the unit's zone. */
export function digestSchedule(config: BusinessUnitConfig) {
  const { weekday, localTime } = config.agreement.digest;
  const [hours, minutes] = localTime.split(':').map(Number);
  return {
    weekday,
    localTime,
    timezone: config.timezone,
    expression: `cron(${minutes} ${hours} ? * ${CRON_DAYS[weekday]} *)`,
  };
}

/** The period a digest sent at `now` covers: the month of the day before (local), so a digest on the 1st reports the month just ended. */
export function digestPeriod(now: Instant, config: Pick<BusinessUnitConfig, 'timezone'>) {
  const yesterday = addDays(localDate(toMs(now), config.timezone), -1);
  return monthBounds(monthOf(yesterday));
}
