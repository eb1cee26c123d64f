/**
 * The agreement in plain words, for both teams (GET /agreement, `npm run agreement`). Every
 * sentence is derived from the unit's config (the SLA the engine runs and the agreement the
 * scorecard judges by), so the document and the behaviour cannot drift apart. Structured
 * sections first; Markdown and HTML are two renderings of the same sections.
 */
import type { AgreementVersion, BusinessCalendar, BusinessUnitConfig } from '../../../config/schema.ts';
import { WEEKDAYS } from './config.ts';
import { type Instant, localDate, typicalBusinessDayMinutes } from './dates.ts';
import {
  businessDuration,
  describePredicate,
  escapeHtml,
  listInWords,
  percent,
  WEEKDAY_NAMES,
} from './text.ts';
import { nextVersion, versionOn } from './versions.ts';

export type Audience = 'marketing' | 'sales' | 'both';

export interface AgreementSection {
  id: string;
  title: string;
  audience: Audience;
  items: string[];
}

export interface AgreementHistoryEntry {
  effectiveFrom: string;
  status: 'past' | 'in force' | 'scheduled';
  summary: string;
  sqlsPerMonth: number;
  segments: Array<{ id: string; sqlsPerMonth: number }>;
  minAcceptanceRate: number;
  firstTouchWithinSlaRate: number;
  decisionWithinWindowRate: number;
}

export interface AgreementDocument {
  unit: { name: string; displayName: string; timezone: string };
  /** The local date the document describes. */
  asOf: string;
  inForce: AgreementVersion;
  next?: AgreementVersion;
  sections: AgreementSection[];
  history: AgreementHistoryEntry[];
  markdown: string;
  html: string;
}

const AUDIENCE_LABEL: Record<Audience, string> = {
  marketing: 'For marketing',
  sales: 'For sales',
  both: 'For both teams',
};

function openingHours(calendar: BusinessCalendar): string {
  const days = WEEKDAYS.map((d) => ({
    day: d,
    hours: listInWords((calendar.weekly[d] ?? []).map(([a, b]) => `${a}–${b}`)),
  }));
  const groups: Array<{ first: string; last: string; hours: string }> = [];
  for (const { day, hours } of days) {
    const last = groups.at(-1);
    const previous = days[WEEKDAYS.indexOf(day) - 1];
    if (last && previous && previous.hours === hours && last.last === previous.day) last.last = day;
    else groups.push({ first: day, last: day, hours });
  }
  return groups
    .filter((g) => g.hours !== '')
    .map((g) => {
      const first = WEEKDAY_NAMES[g.first as keyof typeof WEEKDAY_NAMES];
      const last = WEEKDAY_NAMES[g.last as keyof typeof WEEKDAY_NAMES];
      return `${g.first === g.last ? first : `${first} to ${last}`} ${g.hours}`;
    })
    .join('; ');
}

const audiences = (notify: readonly string[]) =>
  listInWords(notify.map((a) => (a === 'rep' ? 'the rep' : a === 'manager' ? 'their manager' : 'ops')));

function definitionSection(config: BusinessUnitConfig): AgreementSection {
  const q = config.qualification;
  const given = q.sqlRequiredFields.map((f) => describePredicate({ field: f, op: 'exists' }));
  const when = (conditions: string[]) => (conditions.length > 0 ? ` when ${listInWords(conditions)}` : '');
  const items = [
    `A lead is marketing-qualified (MQL) from a score of ${q.mqlThreshold}.`,
    `It is sales-qualified (SQL) from a score of ${q.sqlThreshold}${when(given)}.`,
  ];
  const business = q.handRaiserRequiresBusinessEmail ? ['the email is a business address'] : [];
  if (q.handRaiserIntents.length > 0)
    items.push(
      `A lead who asks for sales (${listInWords(q.handRaiserIntents, 'or')}) is an SQL at once${when([...given, ...business])}.`,
    );
  for (const rule of q.disqualifyWhen)
    items.push(`Never handed over (disqualified, "${rule.reason}") when ${describePredicate(rule.when)}.`);
  return { id: 'sql-definition', title: 'What marketing hands over: an SQL', audience: 'both', items };
}

function hoursSection(config: BusinessUnitConfig): AgreementSection {
  const cal = config.calendar;
  const items = [
    `Every sales clock counts business minutes only: ${openingHours(cal)} (${cal.timezone}).`,
    'A rep with their own working hours is measured on their own calendar.',
  ];
  if (cal.holidays.length > 0) items.push(`Closed on ${listInWords(cal.holidays)}.`);
  return { id: 'business-hours', title: 'Business hours', audience: 'both', items };
}

function marketingSection(config: BusinessUnitConfig, v: AgreementVersion): AgreementSection {
  const { marketing } = v;
  const alerts = config.agreement.paceAlerts;
  const items = [`Hand ${marketing.sqlsPerMonth} SQLs a month to sales.`];
  const segments = marketing.bySegment ?? [];
  for (const s of segments)
    items.push(`Of these, ${s.sqlsPerMonth} for ${s.id}: ${describePredicate(s.when)}.`);
  const rest = marketing.sqlsPerMonth - segments.reduce((n, s) => n + s.sqlsPerMonth, 0);
  if (segments.length > 0 && rest > 0) items.push(`The other ${rest} may come from any segment.`);
  items.push(
    "The commitment is paced evenly over each month's business days.",
    `Quality bar: at least ${percent(marketing.minAcceptanceRate)} of the SQLs sales decides on are accepted.`,
    `Marketing is alerted when SQLs delivered fall more than ${percent(alerts.marketingBehindBy)} behind that pace (not before ${alerts.minBusinessDaysElapsed} business days of the month have passed).`,
  );
  return { id: 'marketing', title: 'Marketing commits to', audience: 'marketing', items };
}

function salesSection(config: BusinessUnitConfig, v: AgreementVersion): AgreementSection {
  const sla = config.sla;
  const day = typicalBusinessDayMinutes(config.calendar);
  const d = (minutes: number) => businessDuration(minutes, day);
  const alerts = config.agreement.paceAlerts;
  const reasons = config.sla.rejectionReasons;
  const items = [
    `Touch every SQL within ${d(sla.firstTouchMinutes)} of the hand-off${
      sla.minTouchAttempts > 1 ? `; the touch counts once ${sla.minTouchAttempts} attempts are logged` : ''
    }.`,
    `The rep gets a reminder when ${sla.reminderAtPercent}% of that time has passed, after ${d((sla.firstTouchMinutes * sla.reminderAtPercent) / 100)}.`,
    'At the deadline, the rep and their manager are told the SLA is breached.',
  ];
  let after = 0;
  sla.escalation.forEach((level, i) => {
    after += level.afterMinutes;
    items.push(
      `Escalation level ${i + 1}, ${d(after)} after the deadline: ${audiences(level.notify)} are alerted.`,
    );
  });
  items.push(
    sla.maxReassignments > 0
      ? `After the last alert the lead moves to another rep, at most ${sla.maxReassignments} ${sla.maxReassignments === 1 ? 'time' : 'times'}, with a fresh deadline; after that, their manager and ops are alerted.`
      : 'After the last alert, their manager and ops are alerted (no reassignment).',
    `If it is then still untouched ${d(sla.outcomeMinutes)} after the last alert, it goes to ${config.routing.fallback.name}.`,
    `Accept or reject within ${d(sla.acceptanceMinutes)} of the first touch. A rejection gives a reason${
      reasons.length > 0
        ? ` (agreed reasons: ${listInWords(
            reasons.map((r) => `“${r}”`),
            'or',
          )})`
        : ''
    } and sends the lead back to marketing's nurture.`,
    `Record the outcome (won or lost) within ${d(sla.outcomeMinutes)} of accepting.`,
    `Targets: at least ${percent(v.sales.firstTouchWithinSlaRate)} of hand-offs touched within the SLA, and at least ${percent(v.sales.decisionWithinWindowRate)} decided within the window.`,
    `Sales is alerted when either rate falls ${Math.round(alerts.salesBelowBy * 100)} points below its target (judged on at least ${alerts.minJudgedLeads} hand-offs).`,
  );
  return { id: 'sales', title: 'Sales commits to', audience: 'sales', items };
}

function measuringSection(config: BusinessUnitConfig, next: AgreementVersion | undefined): AgreementSection {
  const digest = config.agreement.digest;
  const items = [
    `Each lead is judged by the version of this agreement in force on the day it was handed off (${config.timezone}).`,
    `Both teams get the scorecard every ${WEEKDAY_NAMES[digest.weekday]} at ${digest.localTime} (${config.timezone}).`,
  ];
  if (next)
    items.push(
      `Version ${next.effectiveFrom} takes effect on that day${next.summary ? `: ${next.summary}` : ''}.`,
    );
  return { id: 'measuring', title: 'How it is measured', audience: 'both', items };
}

export function renderAgreement(config: BusinessUnitConfig, options: { now: Instant }): AgreementDocument {
  const asOf = localDate(options.now, config.timezone);
  const versions = config.agreement.versions;
  const inForce = versionOn(versions, asOf);
  const next = nextVersion(config, options.now);
  const sections = [
    definitionSection(config),
    hoursSection(config),
    marketingSection(config, inForce),
    salesSection(config, inForce),
    measuringSection(config, next),
  ];
  const history: AgreementHistoryEntry[] = versions.map((v) => ({
    effectiveFrom: v.effectiveFrom,
    status: v === inForce ? 'in force' : v.effectiveFrom > asOf ? 'scheduled' : 'past',
    summary: v.summary ?? '',
    sqlsPerMonth: v.marketing.sqlsPerMonth,
    segments: (v.marketing.bySegment ?? []).map((s) => ({ id: s.id, sqlsPerMonth: s.sqlsPerMonth })),
    minAcceptanceRate: v.marketing.minAcceptanceRate,
    firstTouchWithinSlaRate: v.sales.firstTouchWithinSlaRate,
    decisionWithinWindowRate: v.sales.decisionWithinWindowRate,
  }));
  const doc = {
    unit: { name: config.name, displayName: config.displayName, timezone: config.timezone },
    asOf,
    inForce,
    ...(next ? { next } : {}),
    sections,
    history,
  };
  return { ...doc, markdown: toMarkdown(doc), html: toHtml(doc) };
}

type Doc = Omit<AgreementDocument, 'markdown' | 'html'>;

const HISTORY_COLUMNS = [
  'In force from',
  'Status',
  'SQLs a month',
  'Quality bar',
  'First touch in SLA',
  'Decided in window',
  'What changed',
];

function historyCells(h: AgreementHistoryEntry): string[] {
  const segments = h.segments.map((s) => `${s.id} ${s.sqlsPerMonth}`).join(', ');
  return [
    h.effectiveFrom,
    h.status,
    `${h.sqlsPerMonth}${segments ? ` (${segments})` : ''}`,
    `≥ ${percent(h.minAcceptanceRate)} accepted`,
    `≥ ${percent(h.firstTouchWithinSlaRate)}`,
    `≥ ${percent(h.decisionWithinWindowRate)}`,
    h.summary,
  ];
}

const title = (doc: Doc) => `Sales and marketing agreement: ${doc.unit.displayName}`;
const intro = (doc: Doc) =>
  `In force since ${doc.inForce.effectiveFrom} (as of ${doc.asOf}, ${doc.unit.timezone}). Generated from the unit's configuration: what it says is what Leadflow runs and measures.`;

function toMarkdown(doc: Doc): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [`# ${title(doc)}`, '', intro(doc), ''];
  for (const s of doc.sections)
    lines.push(
      `## ${s.title}`,
      '',
      `_${AUDIENCE_LABEL[s.audience]}_`,
      '',
      ...s.items.map((i) => `- ${i}`),
      '',
    );
  lines.push('## Version history', '', `| ${HISTORY_COLUMNS.join(' | ')} |`);
  lines.push(`|${HISTORY_COLUMNS.map(() => ' --- |').join('')}`);
  for (const h of doc.history) lines.push(`| ${historyCells(h).map(cell).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

function toHtml(doc: Doc): string {
  const e = escapeHtml;
  const sections = doc.sections.map(
    (s) =>
      `<section aria-labelledby="${s.id}"><h2 id="${s.id}">${e(s.title)}</h2><p class="audience">${e(AUDIENCE_LABEL[s.audience])}</p><ul>${s.items.map((i) => `<li>${e(i)}</li>`).join('')}</ul></section>`,
  );
  const head = HISTORY_COLUMNS.map((c) => `<th scope="col">${e(c)}</th>`).join('');
  const rows = doc.history.map((h) => {
    const [first, ...rest] = historyCells(h);
    return `<tr><th scope="row">${e(first ?? '')}</th>${rest.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`;
  });
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${e(title(doc))}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}.audience{color:#555;font-style:italic}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}</style>',
    `</head><body><main><h1>${e(title(doc))}</h1><p>${e(intro(doc))}</p>`,
    ...sections,
    `<section aria-labelledby="history"><h2 id="history">Version history</h2><table><caption>Every version of the agreement, oldest first</caption><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></section>`,
    '</main></body></html>',
  ].join('\n');
}
