/**
 * The board's action forms, one per action a lead allows: the email's four ("I contacted them"
 * with a channel, Accept, Reject with a reason and note, Not my lead) and, for ops, reassign and
 * pause/resume. Each sits in a <details> that opens on the action's name and holds a "Confirm"
 * button, so nothing is done by one stray click and no script is needed. Every form POSTs with
 * the session's CSRF token and a one-off form id (a double submission applies once).
 */
import { randomUUID } from 'node:crypto';
import { ACTION_LABELS, actionsForStage, type LeadAction, TOUCH_CHANNELS } from '../domain/action-links.ts';
import type { Lead } from '../domain/lead.ts';
import { escapeHtml as esc } from '../domain/notifications/format.ts';
import { PAUSABLE_STAGES } from '../domain/sla-pause.ts';
import { OTHER_REASON } from '../use-cases/lead-actions.ts';

export const BOARD_ACTIONS = [
  ...(Object.keys(ACTION_LABELS) as LeadAction[]),
  'reassign',
  'pause',
  'resume',
] as const;
export type BoardAction = (typeof BOARD_ACTIONS)[number];

export const BOARD_ACTION_LABELS: Record<BoardAction, string> = {
  ...ACTION_LABELS,
  reassign: 'Reassign',
  pause: 'Pause SLA',
  resume: 'Resume SLA',
};

const CHANNEL_LABELS: Record<(typeof TOUCH_CHANNELS)[number], string> = {
  call: 'Phone call',
  email: 'Email',
  meeting: 'Meeting',
  linkedin: 'LinkedIn',
  other: 'Other',
};

export interface FormContext {
  csrf: string;
  /** The board's filter query, so the answer returns to the same view. */
  back: string;
  isOps: boolean;
  rejectionReasons: readonly string[];
  /** Reps ops may hand a lead to. */
  reps: ReadonlyArray<{ id: string; name: string; team: string }>;
}

function form(lead: Lead, action: BoardAction, ctx: FormContext, fields: string, open = false): string {
  const label = BOARD_ACTION_LABELS[action];
  const hidden = `<input type="hidden" name="csrf" value="${esc(ctx.csrf)}"><input type="hidden" name="formId" value="${randomUUID()}"><input type="hidden" name="back" value="${esc(ctx.back)}">`;
  const body = `<form method="post" action="/board/leads/${esc(lead.leadId)}/${action}">${hidden}${fields}<button type="submit">Confirm: ${esc(label)}</button></form>`;
  return `<details class="action"${open ? ' open' : ''}><summary>${esc(label)}</summary>${body}</details>`;
}

const note = (lead: Lead, action: LeadAction, label: string) =>
  `<label class="block" for="note-${action}-${esc(lead.leadId)}">${esc(label)}</label><textarea id="note-${action}-${esc(lead.leadId)}" name="note" rows="2" maxlength="300"></textarea>`;

function repActionForm(lead: Lead, action: LeadAction, ctx: FormContext): string {
  switch (action) {
    case 'touch':
      return form(
        lead,
        action,
        ctx,
        `<fieldset><legend>How did you contact them?</legend>${TOUCH_CHANNELS.map(
          (c, i) =>
            `<label class="choice"><input type="radio" name="channel" value="${c}" required${i === 0 ? ' checked' : ''}> ${CHANNEL_LABELS[c]}</label>`,
        ).join('')}</fieldset>`,
      );
    case 'accept':
      return form(lead, action, ctx, '<p class="muted">You will work it and record the outcome.</p>');
    case 'reject':
      return form(
        lead,
        action,
        ctx,
        `<label class="block" for="reason-${esc(lead.leadId)}">Reason</label><select id="reason-${esc(lead.leadId)}" name="reason" required><option value="">Choose a reason…</option>${[
          ...ctx.rejectionReasons,
          OTHER_REASON,
        ]
          .map((r) => `<option value="${esc(r)}">${esc(r)}</option>`)
          .join('')}</select>${note(lead, action, 'Note (needed for “Other”)')}`,
      );
    case 'decline':
      return form(lead, action, ctx, note(lead, action, 'Note (optional)'));
  }
}

function opsForms(lead: Lead, ctx: FormContext): string[] {
  const forms: string[] = [];
  if (lead.stage === 'assigned' || lead.stage === 'touched' || lead.stage === 'accepted') {
    const options = ctx.reps
      .filter((r) => r.id !== lead.owner?.repId)
      .map((r) => `<option value="${esc(r.id)}">${esc(r.name)} (${esc(r.team)})</option>`)
      .join('');
    const auto = lead.stage === 'assigned' ? '<option value="">Let routing pick</option>' : '';
    forms.push(
      form(
        lead,
        'reassign',
        ctx,
        `<label class="block" for="rep-${esc(lead.leadId)}">To</label><select id="rep-${esc(lead.leadId)}" name="repId">${auto}${options}</select>`,
      ),
    );
  }
  if (lead.sla?.pausedAt) forms.push(form(lead, 'resume', ctx, ''));
  else if (PAUSABLE_STAGES.includes(lead.stage))
    forms.push(
      form(
        lead,
        'pause',
        ctx,
        `<label class="block" for="why-${esc(lead.leadId)}">Why</label><input id="why-${esc(lead.leadId)}" name="reason" maxlength="500">`,
      ),
    );
  return forms;
}

/** The forms a lead shows: the rep's actions its stage allows, then ops' own. */
export function actionForms(lead: Lead, ctx: FormContext): string {
  const forms = actionsForStage(lead.stage).map((a) => repActionForm(lead, a, ctx));
  if (ctx.isOps) forms.push(...opsForms(lead, ctx));
  return forms.length ? `<div class="actions">${forms.join('')}</div>` : '';
}
