/**
 * The leads board, server-rendered: a rep's queue or (ops) a filtered page of the unit's leads,
 * grouped by stage, each with its next deadline as an absolute time in the viewer's zone and a
 * countdown. The page works without script; the one inline script only keeps the countdowns
 * running, and the CSP allows exactly that script (by its hash) and nothing else. Every value
 * is escaped (the mails' escaper), and the headers are the action pages' (no caching, no
 * framing), but the referrer stays same-origin.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { type Lead, STAGES } from '../domain/lead.ts';
import { isOverdue, nextDeadline } from '../domain/lead-queue.ts';
import { brandOf, zoneFor } from '../domain/notifications/facts.ts';
import { escapeHtml as esc, localTime, who } from '../domain/notifications/format.ts';
import { PAGE_HEADERS } from './action-pages.ts';
import { actionForms, BOARD_ACTION_LABELS, type BoardAction, type FormContext } from './board-forms.ts';

/** Ticks every countdown once a second from the server's "now" (the unit's clock, also locally). */
const COUNTDOWN_SCRIPT = `(()=>{const n0=Date.parse(document.body.dataset.now),t0=Date.now();
const f=s=>{const a=Math.floor(Math.abs(s)),d=Math.floor(a/86400),h=Math.floor(a%86400/3600),m=Math.floor(a%3600/60);return(d?d+"d ":"")+(d||h?h+"h ":"")+m+"m"+(d?"":" "+(a%60)+"s")};
const tick=()=>{const now=n0+Date.now()-t0;for(const e of document.querySelectorAll("[data-due]")){const s=(Date.parse(e.dataset.due)-now)/1e3;e.textContent=s>=0?"due in "+f(s):"overdue by "+f(-s);e.classList.toggle("overdue",s<0)}};
tick();setInterval(tick,1e3)})();`;
const SCRIPT_HASH = createHash('sha256').update(COUNTDOWN_SCRIPT).digest('base64');

export const BOARD_HEADERS = {
  ...PAGE_HEADERS,
  // Not no-referrer: under it a browser sends `Origin: null` on the board's own form posts,
  // and the board refuses posts whose Origin is not its own (http/board-session.ts).
  'referrer-policy': 'same-origin',
  'content-security-policy': `default-src 'none'; script-src 'sha256-${SCRIPT_HASH}'; style-src 'unsafe-inline'; img-src https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
} as const;

/** The server's rendering of the countdown, the same words the script keeps up to date. */
export function countdownText(dueAt: string, now: Date): string {
  const seconds = (Date.parse(dueAt) - now.getTime()) / 1000;
  const a = Math.floor(Math.abs(seconds));
  const d = Math.floor(a / 86400);
  const h = Math.floor((a % 86400) / 3600);
  const m = Math.floor((a % 3600) / 60);
  const span = `${d ? `${d}d ` : ''}${d || h ? `${h}h ` : ''}${m}m${d ? '' : ` ${a % 60}s`}`;
  return seconds >= 0 ? `due in ${span}` : `overdue by ${span}`;
}

export function shell(
  config: BusinessUnitConfig,
  status: number,
  title: string,
  body: string,
  options: { now?: Date; headers?: Record<string, string>; cookies?: string[] } = {},
): APIGatewayProxyStructuredResultV2 {
  const brand = brandOf(config);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin"><title>${esc(title)} · ${esc(brand.name)}</title>
<style>
body{margin:0;background:#f3f4f6;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#111827}
header{background:${brand.color};color:${brand.onColor};padding:12px 24px;display:flex;justify-content:space-between;align-items:center}
header strong{font-size:18px} header form{margin:0} header button{background:transparent;color:inherit;border:1px solid currentColor;padding:4px 10px}
main{max-width:72rem;margin:20px auto;padding:0 16px} h1{font-size:22px;margin:0 0 12px} h2{font-size:17px;margin:20px 0 8px;text-transform:capitalize}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));gap:12px}
article,.panel{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:14px}
article h3{font-size:16px;margin:0 0 4px} .muted{color:#4b5563;font-size:14px} .due{font-weight:600;margin:6px 0}
.overdue{color:#b91c1c} .paused{color:#92400e} .notice{background:#ecfdf5;border:1px solid #6ee7b7;padding:10px;border-radius:6px;margin-bottom:12px}
.actions{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px} details.action{border:1px solid #d1d5db;border-radius:6px;padding:4px 8px}
details.action[open]{flex-basis:100%} summary{cursor:pointer;font-weight:600} fieldset{border:0;padding:0;margin:6px 0}
.choice{display:inline-block;margin:2px 10px 2px 0} label.block{display:block;font-weight:600;margin:6px 0 2px}
select,textarea,input{font:inherit;padding:4px;border:1px solid #9ca3af;border-radius:4px;box-sizing:border-box;max-width:100%}
button{background:${brand.color};color:${brand.onColor};border:0;border-radius:6px;padding:6px 12px;font:inherit;font-weight:600;cursor:pointer;margin-top:6px}
.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:end;margin-bottom:8px} .filters label{display:flex;flex-direction:column;font-size:14px}
</style></head>
<body${options.now ? ` data-now="${esc(options.now.toISOString())}"` : ''}>${body}${options.now ? `<script>${COUNTDOWN_SCRIPT}</script>` : ''}</body></html>
`;
  return {
    statusCode: status,
    headers: { ...BOARD_HEADERS, ...options.headers },
    ...(options.cookies ? { cookies: options.cookies } : {}),
    body: html,
  };
}

const top = (config: BusinessUnitConfig, signedIn?: { name: string; csrf: string }) =>
  `<header><strong>${esc(brandOf(config).name)} · Leads board</strong>${
    signedIn
      ? `<form method="post" action="/board/session/end"><span>${esc(signedIn.name)}</span> <input type="hidden" name="csrf" value="${esc(signedIn.csrf)}"><button type="submit">Sign out</button></form>`
      : ''
  }</header>`;

/** 401: the sign-in form (the token is posted once and kept in an HttpOnly cookie). */
export function signInPage(config: BusinessUnitConfig, detail: string): APIGatewayProxyStructuredResultV2 {
  const body = `${top(config)}<main><div class="panel"><h1>Sign in</h1><p>${esc(detail)}</p>
<form method="post" action="/board/session"><label class="block" for="token">Your API token (the ID token from the identity provider, or <code>npm run token</code> locally)</label>
<textarea id="token" name="token" rows="4" required autocomplete="off" spellcheck="false" style="width:100%"></textarea>
<button type="submit">Sign in</button></form></div></main>`;
  return shell(config, 401, 'Sign in', body);
}

/** A refusal or a problem, with the way back. */
export function messagePage(
  config: BusinessUnitConfig,
  status: number,
  title: string,
  detail: string,
): APIGatewayProxyStructuredResultV2 {
  return shell(
    config,
    status,
    title,
    `${top(config)}<main><div class="panel"><h1>${esc(title)}</h1><p>${esc(detail)}</p><p><a href="/board">Back to the board</a></p></div></main>`,
  );
}

export interface OpsFilterView {
  stage?: string;
  owner?: string;
  team?: string;
  overdue?: boolean;
  /** Query string of the next page, when there is one. */
  next?: string;
  teams: readonly string[];
}

export interface BoardView {
  config: BusinessUnitConfig;
  now: Date;
  viewer: { name: string; email?: string };
  leads: readonly Lead[];
  forms: FormContext;
  done?: BoardAction;
  ops?: OpsFilterView;
}

const DEADLINE_LABEL = { 'first-touch': 'First touch', decision: 'Decision', outcome: 'Outcome' } as const;

function deadline(lead: Lead, view: BoardView): string {
  const due = nextDeadline(lead);
  if (!due) return '';
  const zone = zoneFor(lead, view.viewer.email, view.config);
  const when = `${DEADLINE_LABEL[due.kind]} due ${esc(localTime(due.dueAt, zone))}`;
  if (due.paused) return `<p class="due paused">${when} · SLA paused</p>`;
  const late = isOverdue(lead, view.now) ? ' overdue' : '';
  return `<p class="due">${when} · <span class="countdown${late}" data-due="${esc(due.dueAt)}">${esc(countdownText(due.dueAt, view.now))}</span></p>`;
}

function card(lead: Lead, view: BoardView): string {
  const facts = [
    lead.profile.email,
    lead.profile.intent ? `asked for ${lead.profile.intent}` : undefined,
    lead.score ? `score ${lead.score.total}` : undefined,
    view.ops && lead.owner ? `owner ${lead.owner.name}` : undefined,
  ].filter((f): f is string => Boolean(f));
  return `<article id="lead-${esc(lead.leadId)}" data-lead-id="${esc(lead.leadId)}" data-stage="${esc(lead.stage)}">
<h3>${esc(who(lead))}</h3><p class="muted">${facts.map(esc).join(' · ')}</p>${deadline(lead, view)}${actionForms(lead, view.forms)}</article>`;
}

function filters(ops: OpsFilterView): string {
  const option = (value: string, selected?: string) =>
    `<option value="${esc(value)}"${value === selected ? ' selected' : ''}>${esc(value || 'any')}</option>`;
  const stages = ['', ...STAGES].map((s) => option(s, ops.stage ?? '')).join('');
  const teams = ['', ...ops.teams].map((t) => option(t, ops.team ?? '')).join('');
  return `<form class="filters panel" method="get" action="/board">
<label>Stage<select name="stage">${stages}</select></label><label>Team<select name="team">${teams}</select></label>
<label>Owner (rep id or email)<input name="owner" value="${esc(ops.owner ?? '')}" maxlength="200"></label>
<label><span><input type="checkbox" name="overdue" value="true"${ops.overdue ? ' checked' : ''}> Overdue only</span></label>
<button type="submit">Filter</button></form>`;
}

export function boardPage(view: BoardView): APIGatewayProxyStructuredResultV2 {
  const groups = STAGES.map((stage) => [stage, view.leads.filter((l) => l.stage === stage)] as const)
    .filter(([, leads]) => leads.length > 0)
    .map(
      ([stage, leads]) =>
        `<section data-stage="${stage}"><h2>${stage} (${leads.length})</h2><div class="cards">${leads.map((l) => card(l, view)).join('')}</div></section>`,
    )
    .join('');
  const title = view.ops ? 'All leads' : 'My leads';
  const notice = view.done
    ? `<p class="notice" role="status">Done: ${esc(BOARD_ACTION_LABELS[view.done])}.</p>`
    : '';
  const next = view.ops?.next ? `<p><a href="/board?${esc(view.ops.next)}">Next page →</a></p>` : '';
  const empty = view.leads.length ? '' : `<p class="panel">No open leads${view.ops ? ' match' : ''}.</p>`;
  const body = `${top(view.config, { name: view.viewer.name, csrf: view.forms.csrf })}<main><h1>${title}</h1>${notice}${view.ops ? filters(view.ops) : ''}${empty}${groups}${next}</main>`;
  return shell(view.config, 200, title, body, { now: view.now });
}
