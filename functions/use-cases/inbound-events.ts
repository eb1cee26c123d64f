/**
 * Signed inbound activity (POST /events/engagement, POST /events/activity), primary course:
 * 1. The unit must have a key; the body must be within the size bound.
 * 2. The signature must match and the timestamp lie inside the replay window.
 * 3. The batch must be well formed and bounded; each entry is checked against the catalog on its
 *    own, with field paths.
 * 4. Each valid entry claims its event id (once per id, whatever the request); only claimed
 *    entries go on the bus, with the same sources and detail types other AWS apps use, so the
 *    existing routes (workflows/event-routes.ts) carry them to record-activity.
 * 5. Entries the bus took are marked put; the others are released, so the sender's retry puts
 *    them. A retried batch therefore puts nothing twice, and each entry says what happened to it.
 */

import {
  type BatchEntry,
  type FieldError,
  type InboundChannel,
  MAX_BATCH_BYTES,
  parseBatch,
  type SignedRequest,
  verifySignedRequest,
} from '../domain/inbound-events.ts';
import type { Clock } from '../domain/lead.ts';
import type { ActivityBus, InboundEventClaims } from './ports.ts';

export interface InboundEventPorts {
  clock: Clock;
  claims: InboundEventClaims;
  bus: ActivityBus;
  signingKey: () => Promise<Uint8Array | undefined>;
}

export type EntryStatus =
  /** On the bus now. */
  | 'accepted'
  /** On the bus already (an earlier request, or earlier in this batch): nothing was put. */
  | 'duplicate'
  /** Not valid against the catalog: see `errors`. */
  | 'invalid'
  /** The event id was used before for an event with other content: nothing was put. */
  | 'conflict'
  /** Another request is putting this event id right now: retry later. */
  | 'in-flight'
  /** The bus did not take it: retry (the same event id is safe). */
  | 'failed';

export interface EntryResult {
  index: number;
  eventId?: string;
  status: EntryStatus;
  errors?: FieldError[];
  retryable?: boolean;
}

export type InboundOutcome =
  | {
      ok: false;
      status: 400 | 401 | 404 | 413;
      title: string;
      detail: string;
      errors?: FieldError[];
    }
  | { ok: true; results: EntryResult[] };

/** Whatever the sender retries: a failed put or a claim held by a request still running. */
const RETRYABLE: ReadonlySet<EntryStatus> = new Set(['failed', 'in-flight']);

const result = (entry: BatchEntry, status: EntryStatus, errors?: FieldError[]): EntryResult => ({
  index: entry.index,
  ...(entry.eventId !== undefined ? { eventId: entry.eventId } : {}),
  status,
  ...(errors ? { errors } : {}),
  ...(RETRYABLE.has(status) ? { retryable: true } : {}),
});

export async function receiveInboundEvents(
  ports: InboundEventPorts,
  channel: InboundChannel,
  request: SignedRequest,
): Promise<InboundOutcome> {
  const key = await ports.signingKey();
  if (!key)
    return {
      ok: false,
      status: 404,
      title: 'Not found',
      detail: 'This unit takes no signed events (its config sets no events.inbound.signingKey).',
    };
  if (request.body.byteLength > MAX_BATCH_BYTES)
    return {
      ok: false,
      status: 413,
      title: 'Payload too large',
      detail: `The body is ${request.body.byteLength} bytes; a batch is at most ${MAX_BATCH_BYTES} bytes.`,
    };
  const now = ports.clock.now();
  const verdict = verifySignedRequest(request, key, now);
  if (!verdict.ok)
    return {
      ok: false,
      status: 401,
      title:
        verdict.reason === 'stale' || verdict.reason === 'early'
          ? 'Outside the replay window'
          : 'Invalid signature',
      detail: verdict.detail,
    };
  const batch = parseBatch(channel, Buffer.from(request.body).toString('utf8'));
  if (!batch.ok)
    return {
      ok: false,
      status: 400,
      title: 'Validation failed',
      detail: 'The batch is malformed.',
      errors: batch.errors,
    };

  const results = new Map<number, EntryResult>();
  const firstOfId = new Map<string, BatchEntry & { ok: true }>();
  const candidates: Array<BatchEntry & { ok: true }> = [];
  for (const entry of batch.entries) {
    if (!entry.ok) {
      results.set(entry.index, result(entry, 'invalid', entry.errors));
      continue;
    }
    const first = firstOfId.get(entry.eventId);
    if (first) {
      results.set(
        entry.index,
        result(entry, first.fingerprint === entry.fingerprint ? 'duplicate' : 'conflict'),
      );
      continue;
    }
    firstOfId.set(entry.eventId, entry);
    candidates.push(entry);
  }

  const claimKey = (entry: BatchEntry & { ok: true }) => `${entry.source}#${entry.eventId}`;
  const claims = await Promise.all(
    candidates.map((e) => ports.claims.claim(claimKey(e), e.fingerprint, now)),
  );
  const claimed = candidates.filter((entry, i) => {
    const claim = claims[i]!;
    if (claim === 'claimed') return true;
    results.set(entry.index, result(entry, claim === 'put' ? 'duplicate' : claim));
    return false;
  });

  const put = await ports.bus.put(
    claimed.map((e) => ({ source: e.source, detailType: e.type, detail: e.detail })),
    now,
  );
  await Promise.all(
    claimed.map(async (entry, i) => {
      if (put[i]?.ok) {
        await ports.claims.markPut(claimKey(entry), now);
        results.set(entry.index, result(entry, 'accepted'));
      } else {
        await ports.claims.release(claimKey(entry));
        results.set(entry.index, result(entry, 'failed'));
      }
    }),
  );
  return { ok: true, results: batch.entries.map((e) => results.get(e.index)!) };
}
