/**
 * The HTML version of a mail: the same view as the text version, in the unit's colours.
 *
 * Mail clients strip <style> blocks and scripts, so the layout is tables with inline styles.
 * Every value is escaped (`escapeHtml`) where it is interpolated, URLs are checked to be http(s)
 * (`safeUrl`) and colours to be #rrggbb (`safeColor`), so a lead's name or message can never
 * become markup, an attribute or a link.
 */
import type { ActionButton, Brand, Fact, MailView } from './facts.ts';
import { escapeHtml as esc, safeUrl } from './format.ts';

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const MUTED = '#4b5563';

export function button(b: Pick<ActionButton, 'label' | 'url'>, brand: Brand, primary: boolean): string {
  const url = safeUrl(b.url);
  if (!url) return '';
  const style = primary
    ? `background:${brand.color};color:${brand.onColor};border:1px solid ${brand.color}`
    : `background:#ffffff;color:${brand.color};border:1px solid ${brand.color}`;
  return `<a href="${esc(url)}" style="display:inline-block;margin:0 8px 8px 0;padding:10px 16px;border-radius:6px;${style};${FONT};font-size:14px;font-weight:600;text-decoration:none">${esc(b.label)}</a>`;
}

export function factRows(facts: Fact[]): string {
  return facts
    .map(
      (f) =>
        `<tr><th align="left" valign="top" style="padding:4px 12px 4px 0;${FONT};font-size:13px;color:${MUTED};font-weight:600;white-space:nowrap">${esc(f.label)}</th>` +
        `<td style="padding:4px 0;${FONT};font-size:14px;color:#111827">${esc(f.value)}</td></tr>`,
    )
    .join('');
}

export function factTable(facts: Fact[]): string {
  return facts.length
    ? `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:0 0 16px">${factRows(facts)}</table>`
    : '';
}

export function heading(text: string): string {
  return `<h2 style="margin:20px 0 8px;${FONT};font-size:15px;color:#111827">${esc(text)}</h2>`;
}

export function paragraph(text: string, color = '#111827'): string {
  return `<p style="margin:0 0 16px;${FONT};font-size:15px;line-height:1.5;color:${color}">${esc(text)}</p>`;
}

/** The page around a mail's content: branded header, white card, footer. */
export function layout(
  brand: Brand,
  title: string,
  preheader: string,
  content: string,
  footer: string,
): string {
  const logo = brand.logoUrl
    ? `<img src="${esc(brand.logoUrl)}" alt="" height="32" style="height:32px;vertical-align:middle;margin-right:10px;border:0">`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light"><title>${esc(title)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6">
<div style="display:none;max-height:0;overflow:hidden;opacity:0">${esc(preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="width:100%;max-width:600px;background:#ffffff;border-radius:8px;overflow:hidden;border:1px solid #e5e7eb">
<tr><td style="background:${brand.color};color:${brand.onColor};padding:16px 24px;${FONT};font-size:18px;font-weight:700">${logo}${esc(brand.name)}</td></tr>
<tr><td style="padding:24px">${content}</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #e5e7eb;${FONT};font-size:12px;color:${MUTED}">${footer}</td></tr>
</table></td></tr></table></body></html>
`;
}

function dueCallout(view: MailView): string {
  const due = view.due;
  if (!due) return '';
  const waited = due.waited
    ? `<br>Waited so far: <strong>${esc(due.waited)}</strong> of business time (SLA ${esc(due.window)})`
    : `<br>SLA: ${esc(due.window)}`;
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:0 0 20px"><tr>
<td style="border-left:4px solid ${view.brand.color};background:#f9fafb;padding:12px 16px;${FONT};font-size:14px;color:#111827">
${esc(due.label)}: <strong>${esc(due.at)}</strong>${waited}</td></tr></table>`;
}

function actionsBlock(view: MailView): string {
  if (!view.actions) return '';
  const buttons = view.actions.buttons.map((b, i) => button(b, view.brand, i === 0)).join('');
  return `<div style="margin:0 0 20px">${buttons}</div>
<p style="margin:-8px 0 20px;${FONT};font-size:12px;color:${MUTED}">Each button asks you to confirm, works once, and expires ${esc(view.actions.until)}.</p>`;
}

export function renderHtml(view: MailView): string {
  const score = view.score
    ? `${heading(`Score ${view.score.summary}`)}${factTable(view.score.breakdown)}`
    : '';
  const engagement = view.engagement.length
    ? `${heading('Recent engagement')}<ul style="margin:0 0 16px;padding-left:20px;${FONT};font-size:14px;color:#111827">${view.engagement.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>`
    : '';
  const content = [
    `<h1 style="margin:0 0 8px;${FONT};font-size:20px;color:#111827">${esc(view.headline)}: ${esc(view.title)}</h1>`,
    paragraph(view.intro),
    dueCallout(view),
    actionsBlock(view),
    heading('The lead'),
    factTable(view.lead),
    score,
    engagement,
    heading('SLA'),
    factTable(view.sla),
  ].join('\n');
  const footer = `Lead id ${esc(view.leadId)} · business unit ${esc(view.unit)} · — Leadflow (${esc(view.brand.name)})`;
  return layout(view.brand, view.subject, view.intro, content, footer);
}
