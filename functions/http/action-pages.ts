/**
 * The pages behind action links: the confirmation page (GET, changes nothing; its form POSTs the
 * same URL, so the signed token in the path is the only credential: there is no cookie or other
 * ambient authority a cross-site form could borrow), the result page, and a refusal page with
 * the status that says why. Server-rendered HTML, every value escaped, no script at all, and
 * headers that keep the token out of caches, referrers, frames and search engines.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { ACTION_LABELS, type LeadAction } from '../domain/action-links.ts';
import type { Lead } from '../domain/lead.ts';
import { brandOf, zoneFor } from '../domain/notifications/facts.ts';
import { escapeHtml as esc, localTime, who } from '../domain/notifications/format.ts';
import type { ActionDone, ActionPreview, Refusal } from '../use-cases/lead-actions.ts';

export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
} as const;

const CHANNEL_LABELS: Record<string, string> = {
  call: 'Phone call',
  email: 'Email',
  meeting: 'Meeting',
  linkedin: 'LinkedIn',
  other: 'Other',
};

const CONFIRM_TEXT: Record<LeadAction, string> = {
  touch: 'Log that you contacted this lead. This stops the first-touch clock.',
  accept: 'Accept this lead: you will work it and record the outcome.',
  reject: 'Reject this lead with a reason. It goes back to marketing for nurturing.',
  decline: 'Hand this lead back: it is not yours to work. It goes to another rep at once.',
};

function page(
  config: BusinessUnitConfig,
  status: number,
  title: string,
  body: string,
): APIGatewayProxyStructuredResultV2 {
  const brand = brandOf(config);
  const logo = brand.logoUrl
    ? `<img src="${esc(brand.logoUrl)}" alt="" height="28" style="vertical-align:middle;margin-right:8px">`
    : '';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${esc(title)} · ${esc(brand.name)}</title>
<style>
body{margin:0;background:#f3f4f6;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#111827}
header{background:${brand.color};color:${brand.onColor};padding:14px 24px;font-weight:700;font-size:18px}
main{max-width:36rem;margin:24px auto;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:24px}
h1{font-size:22px;margin:0 0 12px} dl{display:grid;grid-template-columns:auto 1fr;gap:4px 16px;margin:0 0 20px}
dt{color:#4b5563;font-weight:600} dd{margin:0} fieldset{border:0;padding:0;margin:0 0 16px}
legend,label.block{font-weight:600;display:block;margin:0 0 6px} .choice{display:block;margin:4px 0}
select,textarea{width:100%;box-sizing:border-box;font:inherit;padding:6px;border:1px solid #9ca3af;border-radius:4px}
button{background:${brand.color};color:${brand.onColor};border:0;border-radius:6px;padding:10px 18px;font:inherit;font-weight:600;cursor:pointer}
.muted{color:#4b5563;font-size:14px}
</style></head>
<body><header>${logo}${esc(brand.name)}</header><main>${body}</main></body></html>
`;
  return { statusCode: status, headers: { ...PAGE_HEADERS }, body: html };
}

function leadSummary(lead: Lead, config: BusinessUnitConfig): string {
  const rows: Array<[string, string | undefined]> = [
    ['Lead', who(lead)],
    ['Email', lead.profile.email],
    ['Asked for', lead.profile.intent],
    ['Stage', lead.stage],
    ['Owner', lead.owner?.name],
    [
      'First touch due',
      lead.sla?.followUpDueAt
        ? localTime(lead.sla.followUpDueAt, zoneFor(lead, lead.owner?.email, config))
        : undefined,
    ],
  ];
  return `<dl>${rows
    .filter((r): r is [string, string] => Boolean(r[1]))
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
    .join('')}</dl>`;
}

function fields(preview: ActionPreview): string {
  const { channels, reasons } = preview.choices;
  const parts: string[] = [];
  if (channels)
    parts.push(
      `<fieldset><legend>How did you contact them?</legend>${channels
        .map(
          (c, i) =>
            `<label class="choice"><input type="radio" name="channel" value="${esc(c)}" required${i === 0 ? ' checked' : ''}> ${esc(CHANNEL_LABELS[c] ?? c)}</label>`,
        )
        .join('')}</fieldset>`,
    );
  if (reasons)
    parts.push(
      `<label class="block" for="reason">Reason</label><p><select id="reason" name="reason" required><option value="">Choose a reason…</option>${reasons
        .map((r) => `<option value="${esc(r)}">${esc(r)}</option>`)
        .join('')}</select></p>`,
    );
  if (preview.action === 'reject' || preview.action === 'decline')
    parts.push(
      `<label class="block" for="note">Note${preview.action === 'reject' ? ' (needed for “Other”)' : ' (optional)'}</label><p><textarea id="note" name="note" rows="3" maxlength="300"></textarea></p>`,
    );
  return parts.join('\n');
}

/** GET: what the link will do, and a form that does it (POST to this same URL). */
export function confirmationPage(
  preview: ActionPreview,
  config: BusinessUnitConfig,
): APIGatewayProxyStructuredResultV2 {
  const label = ACTION_LABELS[preview.action];
  const zone = zoneFor(preview.lead, preview.lead.owner?.email, config);
  const body = `<h1>${esc(label)}: ${esc(who(preview.lead))}</h1>
<p>${esc(CONFIRM_TEXT[preview.action])}</p>
${leadSummary(preview.lead, config)}
<form method="post">
${fields(preview)}
<button type="submit">Confirm: ${esc(label)}</button>
</form>
<p class="muted">Nothing happens until you confirm. This link works once, until ${esc(localTime(preview.expiresAt, zone))}.</p>`;
  return page(config, 200, `${label}: confirm`, body);
}

/** POST succeeded: what changed. */
export function resultPage(done: ActionDone, config: BusinessUnitConfig): APIGatewayProxyStructuredResultV2 {
  const body = `<h1>Done: ${esc(ACTION_LABELS[done.action])}</h1>
<p>${esc(done.summary)}</p>
${leadSummary(done.lead, config)}
<p class="muted">You can close this page.</p>`;
  return page(config, 200, 'Done', body);
}

/** Why the link cannot act, with the status that says so. Nothing was changed. */
export function refusalPage(refusal: Refusal, config: BusinessUnitConfig): APIGatewayProxyStructuredResultV2 {
  const back = refusal.reason === 'invalid-input' ? '<p><a href="">Back to the form</a></p>' : '';
  return page(
    config,
    refusal.status,
    refusal.title,
    `<h1>${esc(refusal.title)}</h1><p>${esc(refusal.detail)}</p>${back}`,
  );
}
