/**
 * The daily digest for one rep: every open lead they hold, the next deadline of each in the
 * rep's own time zone (their calendar's, else the unit's), overdue ones first, each with its
 * one-click actions. Text and HTML are rendered from the same rows.
 */
import type { BusinessUnitConfig } from '../../../config/schema.ts';
import type { ActionLinks } from '../action-links.ts';
import type { Lead } from '../lead.ts';
import { calendarForOwner } from '../owner-calendar.ts';
import { brandOf, buttonsOf, type Fact, leadFacts, scoreOf } from './facts.ts';
import { escapeHtml as esc, localTime, oneLine, who } from './format.ts';
import { button, factTable, layout, paragraph } from './html.ts';
import type { EmailMessage } from './types.ts';

export interface DigestRep {
  name: string;
  email: string;
  repId?: string;
}

export interface DigestEntry {
  lead: Lead;
  /** The rep's links for this lead (absent when links are off). */
  links?: ActionLinks;
}

interface Row {
  title: string;
  stage: string;
  deadline: { label: string; iso?: string; at: string; overdue: boolean };
  facts: Fact[];
  buttons: ReturnType<typeof buttonsOf>;
  until?: string;
}

const NEXT_DEADLINE: Record<
  string,
  { label: string; field: 'followUpDueAt' | 'acceptanceDueAt' | 'outcomeDueAt' }
> = {
  assigned: { label: 'First touch due', field: 'followUpDueAt' },
  touched: { label: 'Accept or reject by', field: 'acceptanceDueAt' },
  accepted: { label: 'Outcome due', field: 'outcomeDueAt' },
};

/** Stages in which a lead sits with its owner and has a deadline the digest shows. */
export const DIGEST_STAGES = Object.keys(NEXT_DEADLINE);

function rowOf(entry: DigestEntry, tz: string, now: Date): Row {
  const { lead } = entry;
  const next = NEXT_DEADLINE[lead.stage] ?? { label: 'Due', field: 'followUpDueAt' as const };
  const iso = lead.sla?.[next.field];
  const score = scoreOf(lead);
  return {
    title: who(lead),
    stage: lead.stage,
    deadline: {
      label: next.label,
      iso,
      at: localTime(iso, tz),
      overdue: iso !== undefined && iso <= now.toISOString(),
    },
    facts: [
      ...leadFacts(lead).filter((f) => f.label !== 'Lead' && f.label !== 'Message'),
      ...(score ? [{ label: 'Score', value: score.summary }] : []),
      { label: 'Lead id', value: lead.leadId },
    ],
    buttons: buttonsOf(entry.links),
    ...(entry.links ? { until: localTime(entry.links.expiresAt, tz) } : {}),
  };
}

/** Overdue first, then by deadline; leads without one last. */
const byDeadline = (a: Row, b: Row) =>
  (a.deadline.iso ?? '\uffff').localeCompare(b.deadline.iso ?? '\uffff') || a.title.localeCompare(b.title);

function renderRowText(row: Row): string[] {
  return [
    `* ${row.title} — ${row.stage}`,
    `  ${row.deadline.label}: ${row.deadline.at}${row.deadline.overdue ? ' (OVERDUE)' : ''}`,
    ...row.facts.map((f) => `  ${f.label}: ${f.value}`),
    ...row.buttons.map((b) => `  ${b.label}: ${b.url}`),
  ].map(oneLine);
}

function renderRowHtml(row: Row, brand: ReturnType<typeof brandOf>): string {
  const badge = row.deadline.overdue
    ? ' <span style="background:#b91c1c;color:#ffffff;border-radius:4px;padding:1px 6px;font-size:12px">OVERDUE</span>'
    : '';
  return `<div style="border:1px solid #e5e7eb;border-radius:6px;padding:12px 16px;margin:0 0 12px">
<h2 style="margin:0 0 4px;font-family:sans-serif;font-size:16px;color:#111827">${esc(row.title)} <span style="font-weight:400;color:#4b5563">— ${esc(row.stage)}</span></h2>
<p style="margin:0 0 8px;font-family:sans-serif;font-size:14px;color:#111827">${esc(row.deadline.label)}: <strong>${esc(row.deadline.at)}</strong>${badge}</p>
${factTable(row.facts)}<div>${row.buttons.map((b, i) => button(b, brand, i === 0)).join('')}</div></div>`;
}

export function composeDigest(
  rep: DigestRep,
  entries: DigestEntry[],
  config: BusinessUnitConfig,
  now: Date,
): EmailMessage {
  const tz = calendarForOwner(config, rep).timezone;
  const rows = entries.map((e) => rowOf(e, tz, now)).sort(byDeadline);
  const overdue = rows.filter((r) => r.deadline.overdue).length;
  const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeZone: tz }).format(now);
  const brand = brandOf(config);
  const subject = oneLine(`Your open leads: ${rows.length}${overdue ? `, ${overdue} overdue` : ''} — ${day}`);
  const intro = rows.length
    ? `Good morning ${rep.name}. These are the leads you hold, next deadline first (times in ${tz}).`
    : `Good morning ${rep.name}. You hold no open leads today.`;
  const until = rows.find((r) => r.until)?.until;
  const note = until ? `Each action link asks you to confirm, works once, and expires ${until}.` : undefined;
  const text = [
    oneLine(intro),
    '',
    ...rows.flatMap((r) => [...renderRowText(r), '']),
    ...(note ? [note, ''] : []),
    `— Leadflow (${oneLine(brand.name)})`,
    '',
  ].join('\n');
  const content = [
    `<h1 style="margin:0 0 8px;font-family:sans-serif;font-size:20px;color:#111827">${esc(subject)}</h1>`,
    paragraph(intro),
    ...rows.map((r) => renderRowHtml(r, brand)),
    note ? paragraph(note, '#4b5563') : '',
  ].join('\n');
  const html = layout(brand, subject, intro, content, `— Leadflow (${esc(brand.name)})`);
  return { to: [rep.email], subject, text, html };
}
