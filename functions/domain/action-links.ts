/**
 * One-click action links in rep mails: what a link may do, and its token.
 *
 * A token is `<payload>.<signature>`, both base64url: the payload is a small JSON document
 * naming the lead, the rep it was sent to, the action, the hand-off it belongs to, its expiry
 * and a random nonce; the signature is HMAC-SHA256 over the payload's exact bytes with the
 * unit's key. Nothing in the token is secret (it carries ids, no email address), but nobody
 * without the key can make or alter one. Verification checks the signature (in constant time)
 * before it reads anything, then the expiry; whether the lead is still that rep's under that
 * hand-off, and whether the link was used, is the use case's job (it needs the store).
 *
 * Pure: no I/O; the nonce and the key are given.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import type { Lead, Owner, Stage } from './lead.ts';

export const LEAD_ACTIONS = ['touch', 'accept', 'reject', 'decline'] as const;
export type LeadAction = (typeof LEAD_ACTIONS)[number];

/** The buttons' labels, in the order mails show them. */
export const ACTION_LABELS: Record<LeadAction, string> = {
  touch: 'I contacted them',
  accept: 'Accept',
  reject: 'Reject',
  decline: 'Not my lead',
};

/** Channels a rep picks from on the "I contacted them" page (the TouchLogged channels). */
export const TOUCH_CHANNELS = ['call', 'email', 'meeting', 'linkedin', 'other'] as const;
export type TouchChannel = (typeof TOUCH_CHANNELS)[number];

/** Which actions make sense for a lead in this stage (a link for anything else would only fail). */
export function actionsForStage(stage: Stage): LeadAction[] {
  switch (stage) {
    case 'assigned':
      return ['touch', 'accept', 'reject', 'decline'];
    case 'touched':
      return ['touch', 'accept', 'reject'];
    case 'accepted':
      return ['touch'];
    default:
      return [];
  }
}

/** The smallest key a unit may sign with (HMAC-SHA256 gains nothing from more than 64 bytes). */
export const MIN_KEY_BYTES = 32;

/**
 * How a link names the rep it was sent to: the rep id, or for an owner without one (the
 * fallback queue) a digest of the address, so no email address travels in a URL.
 */
export function repRef(owner: Pick<Owner, 'repId' | 'email'>): string {
  if (owner.repId) return `id:${owner.repId}`;
  const digest = createHash('sha256').update(owner.email.trim().toLowerCase()).digest('base64url');
  return `em:${digest.slice(0, 22)}`;
}

export const ActionClaims = z
  .object({
    v: z.literal(1),
    /** Lead id. */
    l: z.string().regex(/^ld_[A-Za-z0-9_-]{1,64}$/),
    /** The rep (repRef). */
    r: z.string().regex(/^(id|em):[A-Za-z0-9_-]{1,64}$/),
    a: z.enum(LEAD_ACTIONS),
    /** The hand-off number (`sla.handoffs`) the link belongs to. */
    h: z.number().int().min(0),
    /** Expiry, epoch seconds. */
    e: z.number().int().positive(),
    /** Random nonce: the link's identity, claimed once. */
    n: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  })
  .strict();
export type ActionClaims = z.infer<typeof ActionClaims>;

const hmac = (payload: string, key: Uint8Array) => createHmac('sha256', key).update(payload).digest();

export function signActionToken(claims: ActionClaims, key: Uint8Array): string {
  if (key.length < MIN_KEY_BYTES) throw new Error(`Action link keys need at least ${MIN_KEY_BYTES} bytes`);
  const payload = Buffer.from(JSON.stringify(ActionClaims.parse(claims))).toString('base64url');
  return `${payload}.${hmac(payload, key).toString('base64url')}`;
}

export type TokenCheck =
  | { ok: true; claims: ActionClaims }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired'; claims?: ActionClaims };

/** Tokens are short; anything longer is refused before any work. */
export const MAX_TOKEN_LENGTH = 512;
const TOKEN = /^([A-Za-z0-9_-]{10,400})\.([A-Za-z0-9_-]{43})$/;

export function verifyActionToken(token: string, key: Uint8Array, now: Date): TokenCheck {
  const match = token.length <= MAX_TOKEN_LENGTH ? TOKEN.exec(token) : null;
  if (!match) return { ok: false, reason: 'malformed' };
  const [, payload = '', signature = ''] = match;
  // Compared as text, not as decoded bytes: the last of 43 base64url characters carries two
  // unused bits, so a decoder would accept four spellings of one signature (a token that is
  // not the one issued would verify).
  const given = Buffer.from(signature, 'latin1');
  const expected = Buffer.from(hmac(payload, key).toString('base64url'), 'latin1');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'forged' };
  let claims: ActionClaims;
  try {
    claims = ActionClaims.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    // Signed by us yet unreadable: only an older token format could be; treat it as malformed.
    return { ok: false, reason: 'malformed' };
  }
  if (claims.e * 1000 <= now.getTime()) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims };
}

/** The links of one mail, for its recipient (the lead's owner). */
export interface ActionLinks {
  /** When every link in the set stops working. */
  expiresAt: string;
  urls: Partial<Record<LeadAction, string>>;
}

/**
 * The claims of a fresh link set for the lead's owner under its current hand-off, one nonce per
 * action (each link works once, on its own). Undefined when the lead has no owner.
 */
export function claimsFor(
  lead: Pick<Lead, 'leadId' | 'owner' | 'stage' | 'sla'>,
  now: Date,
  ttlHours: number,
  nonce: () => string,
): ActionClaims[] {
  if (!lead.owner) return [];
  const rep = repRef(lead.owner);
  const e = Math.floor(now.getTime() / 1000) + ttlHours * 3600;
  return actionsForStage(lead.stage).map((a) => ({
    v: 1,
    l: lead.leadId,
    r: rep,
    a,
    h: lead.sla?.handoffs ?? 0,
    e,
    n: nonce(),
  }));
}

/**
 * Whether the link is still the lead's owner's: made for that rep under the current hand-off.
 * A reassignment or a "Not my lead" moves the hand-off on, so every older link stops working.
 */
export function isOwnersLink(
  lead: Pick<Lead, 'owner' | 'sla'>,
  claims: Pick<ActionClaims, 'r' | 'h'>,
): boolean {
  return (
    lead.owner !== undefined && repRef(lead.owner) === claims.r && (lead.sla?.handoffs ?? 0) === claims.h
  );
}

/** The activity id an action link is applied under: one per link, so it is applied once. */
export const activityIdOf = (claims: Pick<ActionClaims, 'n'>) => `action:${claims.n}`;
