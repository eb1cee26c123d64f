/**
 * One-click actions from rep mails (primary course):
 * 1. `GET /actions/{token}` (preview): the token's signature and expiry are checked, the lead is
 *    read, and the link must still be its owner's under the same hand-off, unused, and its
 *    action still possible in the lead's stage. Nothing is written: mail scanners and link
 *    previews follow links.
 * 2. `POST /actions/{token}` (perform): the same checks, then the link's single use is claimed
 *    with a conditional write (`ACTION#<nonce>`), and the action is applied through the activity
 *    path (record-activity), under an activity id derived from the link, so it applies once even
 *    when the request is repeated, and only while the link is still the owner's on the very read
 *    that write is conditioned on. The claim is then settled with what happened.
 * A claim left unsettled (the process stopped between claiming and applying) does not kill the
 * link: the next POST applies it; the activity id keeps that from applying twice.
 */
import type { BusinessUnitConfig } from '../../config/schema.ts';
import {
  type ActionClaims,
  actionsForStage,
  activityIdOf,
  isOwnersLink,
  type LeadAction,
  TOUCH_CHANNELS,
  type TouchChannel,
  verifyActionToken,
} from '../domain/action-links.ts';
import type { Lead } from '../domain/lead.ts';
import type { ActivityEvent, ActivityEventName } from '../events/catalog.ts';
import type { ActionClaimStore } from './ports.ts';
import { type ActivityOutcome, type ActivityPorts, recordActivity } from './record-activity.ts';

export interface LeadActionPorts extends ActivityPorts {
  claims: ActionClaimStore;
  /** The unit's signing key; undefined when the unit has action links switched off. */
  signingKey(): Promise<Uint8Array | undefined>;
}

export type RefusalReason =
  | 'disabled'
  | 'malformed'
  | 'forged'
  | 'expired'
  | 'unknown-lead'
  | 'not-yours'
  | 'used'
  | 'moved-on'
  | 'invalid-input';

export interface Refusal {
  ok: false;
  status: 400 | 403 | 404 | 409 | 410;
  reason: RefusalReason;
  title: string;
  detail: string;
}

export interface ActionChoices {
  channels?: readonly TouchChannel[];
  reasons?: readonly string[];
}

export interface ActionPreview {
  ok: true;
  action: LeadAction;
  lead: Lead;
  choices: ActionChoices;
  /** When the link stops working (ISO). */
  expiresAt: string;
}

export interface ActionDone {
  ok: true;
  action: LeadAction;
  /** The lead after the action. */
  lead: Lead;
  summary: string;
}

/** What the confirmation form sends. */
export interface ActionInput {
  channel?: string;
  reason?: string;
  note?: string;
}

/** The reason "Other" is always offered and needs a note. */
export const OTHER_REASON = 'Other';
const MAX_NOTE = 300;

const refuse = (
  status: Refusal['status'],
  reason: RefusalReason,
  title: string,
  detail: string,
): Refusal => ({
  ok: false,
  status,
  reason,
  title,
  detail,
});

const notYours = () =>
  refuse(
    409,
    'not-yours',
    'This lead has moved on',
    'The lead was handed to someone else since this mail was sent, so its links no longer work. Nothing was changed.',
  );

const used = () =>
  refuse(409, 'used', 'This link was already used', 'Each action link works once. Nothing was changed.');

function choicesFor(action: LeadAction, config: BusinessUnitConfig): ActionChoices {
  if (action === 'touch') return { channels: TOUCH_CHANNELS };
  if (action === 'reject') return { reasons: [...config.sla.rejectionReasons, OTHER_REASON] };
  return {};
}

/** Everything both GET and POST check, in order; nothing is written. */
async function inspect(
  ports: LeadActionPorts,
  token: string,
): Promise<{ ok: true; claims: ActionClaims; lead: Lead } | Refusal> {
  const key = await ports.signingKey();
  if (!key)
    return refuse(404, 'disabled', 'Action links are off', 'This business unit does not use action links.');
  const check = verifyActionToken(token, key, ports.clock.now());
  if (!check.ok) {
    if (check.reason === 'expired')
      return refuse(
        410,
        'expired',
        'This link has expired',
        'Action links work for a limited time. Use a newer mail or your sales tool.',
      );
    return refuse(
      403,
      check.reason,
      'This link is not valid',
      'The link is incomplete or was not issued by Leadflow. Nothing was changed.',
    );
  }
  const claims = check.claims;
  const lead = await ports.leads.get(claims.l);
  if (!lead) return refuse(404, 'unknown-lead', 'Lead not found', 'The lead of this link no longer exists.');
  if (!isOwnersLink(lead, claims)) return notYours();
  const claim = await ports.claims.get(claims.l, claims.n);
  if (claim?.settled) return used();
  if (!actionsForStage(lead.stage).includes(claims.a))
    return refuse(
      409,
      'moved-on',
      'Nothing to do',
      `The lead is now "${lead.stage}", so this action no longer applies. Nothing was changed.`,
    );
  return { ok: true, claims, lead };
}

/** GET: what the link would do, or why it cannot; reads only. */
export async function previewAction(ports: LeadActionPorts, token: string): Promise<ActionPreview | Refusal> {
  const inspected = await inspect(ports, token);
  if (!inspected.ok) return inspected;
  const { claims, lead } = inspected;
  return {
    ok: true,
    action: claims.a,
    lead,
    choices: choicesFor(claims.a, ports.config),
    expiresAt: new Date(claims.e * 1000).toISOString(),
  };
}

type Activity = {
  [N in ActivityEventName]: { type: N; detail: ActivityEvent<N>; summary: string };
}[ActivityEventName];

/** The activity a confirmed form stands for, or why the form is not acceptable. */
function activityFor(
  claims: ActionClaims,
  lead: Lead,
  input: ActionInput,
  config: BusinessUnitConfig,
): Activity | Refusal {
  const base = { leadId: lead.leadId, ...(lead.owner ? { repEmail: lead.owner.email } : {}) };
  const note = input.note?.trim() ?? '';
  const invalid = (detail: string) => refuse(400, 'invalid-input', 'Please check the form', detail);
  if (note.length > MAX_NOTE) return invalid(`A note has at most ${MAX_NOTE} characters.`);
  switch (claims.a) {
    case 'touch': {
      const channel = TOUCH_CHANNELS.find((c) => c === input.channel);
      if (!channel) return invalid('Pick how you contacted the lead.');
      return { type: 'TouchLogged', detail: { ...base, channel }, summary: `Touch logged (${channel}).` };
    }
    case 'accept':
      return { type: 'LeadAccepted', detail: base, summary: 'Lead accepted.' };
    case 'reject': {
      const reason = [...config.sla.rejectionReasons, OTHER_REASON].find((r) => r === input.reason);
      if (!reason) return invalid('Pick a reason for rejecting the lead.');
      if (reason === OTHER_REASON && !note) return invalid('Say in a few words why you reject the lead.');
      const text = reason === OTHER_REASON ? note : note ? `${reason}: ${note}` : reason;
      return { type: 'LeadRejected', detail: { ...base, reason: text }, summary: `Lead rejected: ${text}.` };
    }
    case 'decline':
      return {
        type: 'LeadDeclined',
        detail: { ...base, ...(note ? { reason: note } : {}) },
        summary: 'Handed back: the lead goes to another rep.',
      };
  }
}

/** POST: claim the link once and apply its action through the activity path. */
export async function performAction(
  ports: LeadActionPorts,
  token: string,
  input: ActionInput,
): Promise<ActionDone | Refusal> {
  const inspected = await inspect(ports, token);
  if (!inspected.ok) return inspected;
  const { claims, lead } = inspected;
  const activity = activityFor(claims, lead, input, ports.config);
  if ('ok' in activity) return activity;
  const now = ports.clock.now();
  const claimed = await ports.claims.claim(
    claims.l,
    claims.n,
    { action: claims.a, rep: claims.r, expiresAt: new Date(claims.e * 1000) },
    now,
  );
  // Taken and settled since `inspect` read it: a second submission that lost the race.
  if (claimed === 'taken' && (await ports.claims.get(claims.l, claims.n))?.settled) return used();
  // Ownership is checked again on the read the write is conditioned on: a reassignment landing
  // after `inspect` fails the write, and the retry finds the link no longer the owner's.
  let handedOn = false;
  const outcome: ActivityOutcome = await recordActivity(ports, activity.type, activity.detail as never, {
    activityId: activityIdOf(claims),
    guard: (current) => {
      if (isOwnersLink(current, claims)) return undefined;
      handedOn = true;
      return 'the lead was handed to someone else';
    },
  });
  if (outcome.status === 'ignored') {
    await ports.claims.settle(claims.l, claims.n, `ignored: ${outcome.reason}`, now);
    if (handedOn) return notYours();
    return refuse(
      409,
      'moved-on',
      'Nothing to do',
      `The lead changed meanwhile: ${outcome.reason}. Nothing was changed.`,
    );
  }
  if (outcome.status === 'duplicate' && claimed === 'taken') return used();
  await ports.claims.settle(claims.l, claims.n, 'applied', now);
  return {
    ok: true,
    action: claims.a,
    lead: (await ports.leads.get(lead.leadId)) ?? lead,
    summary: activity.summary,
  };
}
