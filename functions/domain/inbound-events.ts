/**
 * Signed batches of sales and marketing activity posted over HTTPS (`POST /events/engagement`,
 * `POST /events/activity`) by tools that cannot put events on the unit's bus themselves.
 *
 * Signature: `X-Leadflow-Signature: v1=<hex HMAC-SHA256(key, "<timestamp>.<raw body>")>` with
 * `X-Leadflow-Timestamp: <unix seconds>`. The timestamp is inside the signed bytes, so it cannot
 * be moved; a request outside the replay window (either side of now) is refused even when its
 * signature holds, so a captured request cannot be replayed later. Inside the window a replay
 * is harmless: every entry carries an event id that is put on the bus once.
 *
 * Pure: no I/O; the key and the time are given.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { ACTIVITY_EVENTS, ACTIVITY_SOURCES, type ActivityEventName } from '../events/catalog.ts';

export const SIGNATURE_HEADER = 'x-leadflow-signature';
export const TIMESTAMP_HEADER = 'x-leadflow-timestamp';
/** How far a request's timestamp may be from now, either way (clock skew plus transit). */
export const REPLAY_WINDOW_SECONDS = 300;
/** Entries per batch: a sender with more posts several batches. */
export const MAX_BATCH_ENTRIES = 50;
/** Bytes per batch: 50 entries of activity are a few KB; anything near this is not activity. */
export const MAX_BATCH_BYTES = 64 * 1024;
const SIGNATURE_VERSION = 'v1';
/** A UUID or a CRM's own id fits; the id is stored as part of a table key. */
const MAX_EVENT_ID_LENGTH = 128;

/** Which activity each endpoint takes. Their sources are the ones other AWS apps put on the bus. */
export const INBOUND_CHANNELS = {
  engagement: ['EngagementRecorded'],
  activity: ['TouchLogged', 'LeadAccepted', 'LeadRejected', 'LeadDeclined', 'OutcomeRecorded'],
} as const satisfies Record<string, readonly ActivityEventName[]>;
export type InboundChannel = keyof typeof INBOUND_CHANNELS;

export interface SignedRequest {
  /** The body's exact bytes, as signed. */
  body: Uint8Array;
  timestamp: string | undefined;
  signature: string | undefined;
}

export type SignatureVerdict =
  | { ok: true }
  | { ok: false; reason: 'unsigned' | 'forged' | 'stale' | 'early'; detail: string };

/** `v1=<hex>` for a body sent at `timestamp` (unix seconds): what a sender computes. */
export function signInboundBody(
  body: Uint8Array | string,
  timestamp: number | string,
  key: Uint8Array,
): string {
  const mac = createHmac('sha256', key).update(`${timestamp}.`).update(body).digest('hex');
  return `${SIGNATURE_VERSION}=${mac}`;
}

/**
 * Checks the signature first (in constant time), then the window: an unsigned or forged request
 * learns nothing about the clock. Several comma-separated `v1=` values are allowed, so a sender
 * can sign with an old and a new key while the unit's key is rotated.
 */
export function verifySignedRequest(
  request: SignedRequest,
  key: Uint8Array,
  now: Date,
  windowSeconds = REPLAY_WINDOW_SECONDS,
): SignatureVerdict {
  const { timestamp, signature } = request;
  if (!timestamp || !signature)
    return {
      ok: false,
      reason: 'unsigned',
      detail: `Send ${TIMESTAMP_HEADER} (unix seconds) and ${SIGNATURE_HEADER} (v1=<hex HMAC-SHA256 of "<timestamp>.<body>">).`,
    };
  if (!/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'unsigned', detail: `${TIMESTAMP_HEADER} must be unix seconds.` };
  const expected = Buffer.from(signInboundBody(request.body, timestamp, key));
  const matches = signature
    .split(',')
    .map((s) => Buffer.from(s.trim()))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
  if (!matches)
    return {
      ok: false,
      reason: 'forged',
      detail: 'The signature does not match the body and timestamp under this unit’s key.',
    };
  const skew = Number(timestamp) - Math.floor(now.getTime() / 1000);
  if (skew < -windowSeconds)
    return {
      ok: false,
      reason: 'stale',
      detail: `The request was signed ${-skew} s ago; requests older than ${windowSeconds} s are refused. Sign each request (and each retry) when it is sent.`,
    };
  if (skew > windowSeconds)
    return {
      ok: false,
      reason: 'early',
      detail: `The request is timestamped ${skew} s in the future; more than ${windowSeconds} s is refused. Check the sender’s clock.`,
    };
  return { ok: true };
}

export interface FieldError {
  path: string;
  message: string;
}

/** One entry of a batch, checked: ready for the bus, or what is wrong with it. */
export type BatchEntry =
  | {
      index: number;
      ok: true;
      type: ActivityEventName;
      source: string;
      eventId: string;
      detail: Record<string, unknown>;
      /** Same id and same content are the same event; same id and other content is a conflict. */
      fingerprint: string;
    }
  | { index: number; ok: false; eventId?: string; errors: FieldError[] };

export type BatchParse = { ok: true; entries: BatchEntry[] } | { ok: false; errors: FieldError[] };

const pathOf = (prefix: Array<string | number>, issue: z.core.$ZodIssue): string =>
  [...prefix, ...issue.path.map(String)].join('.') || '(body)';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Sorted keys: the fingerprint does not depend on how the sender ordered its fields. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

function parseEntry(channel: InboundChannel, raw: unknown, index: number): BatchEntry {
  const at = ['events', index];
  if (!isObject(raw))
    return { index, ok: false, errors: [{ path: at.join('.'), message: 'must be an object' }] };
  const types: readonly ActivityEventName[] = INBOUND_CHANNELS[channel];
  const type = raw.type ?? (types.length === 1 ? types[0] : undefined);
  const eventId =
    isObject(raw.detail) && typeof raw.detail.eventId === 'string' ? raw.detail.eventId : undefined;
  if (typeof type !== 'string' || !(types as readonly string[]).includes(type))
    return {
      index,
      ok: false,
      ...(eventId ? { eventId } : {}),
      errors: [{ path: [...at, 'type'].join('.'), message: `must be one of ${types.join(', ')}` }],
    };
  const name = type as ActivityEventName;
  // Over HTTPS the event id is required: it is what makes a retried batch put nothing twice.
  const schema = (ACTIVITY_EVENTS[name] as z.ZodObject).extend({
    eventId: z.string().min(1).max(MAX_EVENT_ID_LENGTH),
  });
  const parsed = schema.safeParse(raw.detail);
  if (!parsed.success)
    return {
      index,
      ok: false,
      ...(eventId ? { eventId } : {}),
      errors: parsed.error.issues.map((issue) => ({
        path: pathOf([...at, 'detail'], issue),
        message: issue.message,
      })),
    };
  const detail = parsed.data as Record<string, unknown> & { eventId: string };
  return {
    index,
    ok: true,
    type: name,
    source: ACTIVITY_SOURCES[name],
    eventId: detail.eventId,
    detail,
    fingerprint: createHash('sha256')
      .update(`${name}\n${canonical(detail)}`)
      .digest('base64url'),
  };
}

/**
 * Reads a batch `{"events": [{"type": "...", "detail": {...}}, ...]}` (on the engagement
 * endpoint `type` may be left out). The batch fails as a whole only when its shape or size is
 * wrong; each entry is then checked on its own, with field paths such as
 * `events.2.detail.channel`, so one bad entry does not hold back the others.
 */
export function parseBatch(channel: InboundChannel, text: string): BatchParse {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      errors: [{ path: '(body)', message: `not valid JSON: ${(error as Error).message}` }],
    };
  }
  if (!isObject(body) || !Array.isArray(body.events))
    return { ok: false, errors: [{ path: 'events', message: 'send {"events": [ ... ]}' }] };
  const events = body.events as unknown[];
  if (events.length === 0 || events.length > MAX_BATCH_ENTRIES)
    return {
      ok: false,
      errors: [
        { path: 'events', message: `must hold 1 to ${MAX_BATCH_ENTRIES} entries, not ${events.length}` },
      ],
    };
  return { ok: true, entries: events.map((raw, index) => parseEntry(channel, raw, index)) };
}
