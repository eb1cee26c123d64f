/**
 * Parked events back onto the unit's bus. A dead-letter message holds the event EventBridge
 * could not deliver to a rule target (the body is the event itself), or a Lambda on-failure
 * record for an asynchronous invocation that kept failing (the event is its `requestPayload`).
 * Each message is removed from where it was parked only once PutEvents has accepted its event;
 * anything unreadable or refused stays for a person to look at.
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type EventRedrive, errorText, type ParkedSummary } from './report.ts';

/** The EventBridge event as its targets received it. */
export interface ParkedEvent {
  id: string;
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  time?: string;
  resources?: string[];
}

export interface ParkedMessage {
  /** SQS message id, or the local dead letter's id. */
  messageId: string;
  /** The event, when the body could be read; otherwise `problem` says why not. */
  event?: ParkedEvent;
  problem?: string;
}

/** Where parked messages are read from and removed: an SQS queue, or the local bus. */
export interface ParkedSource {
  name: string;
  /** The next messages not yet handled in this run; empty when there are no more. */
  next(): Promise<ParkedMessage[]>;
  /** Removes these messages; answers the ones it could not remove. */
  remove(messages: ParkedMessage[]): Promise<Array<{ messageId: string; error: string }>>;
}

/** PutEvents for up to 10 entries: per entry, the error it was refused with, or undefined. */
export type PutEvents = (entries: PutEventsRequestEntry[]) => Promise<Array<string | undefined>>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads the event out of a dead-letter message body (either format); throws why it cannot. */
export function eventFromBody(body: string): ParkedEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error('the body is not JSON');
  }
  // A Lambda on-failure destination record: {requestContext, requestPayload, responsePayload, …}.
  const event = isObject(parsed) && 'requestPayload' in parsed ? parsed.requestPayload : parsed;
  if (
    !isObject(event) ||
    typeof event.id !== 'string' ||
    typeof event.source !== 'string' ||
    typeof event['detail-type'] !== 'string' ||
    !isObject(event.detail)
  ) {
    throw new Error('the body is neither an EventBridge event nor a Lambda failure record with one');
  }
  return event as unknown as ParkedEvent;
}

/**
 * The PutEvents entry that puts a parked event back. PutEvents gives it a new id, so a detail
 * without an `eventId` gets the original one: activities are applied once per id, and a
 * redriven event must count as the same activity, not a second one.
 */
export function putEntry(event: ParkedEvent, busName: string): PutEventsRequestEntry {
  const detail =
    typeof event.detail.eventId === 'string' ? event.detail : { ...event.detail, eventId: event.id };
  const time = event.time ? new Date(event.time) : undefined;
  return {
    EventBusName: busName,
    Source: event.source,
    DetailType: event['detail-type'],
    Detail: JSON.stringify(detail),
    ...(time && !Number.isNaN(time.getTime()) ? { Time: time } : {}),
    ...(event.resources?.length ? { Resources: event.resources } : {}),
  };
}

export function summary(message: ParkedMessage): ParkedSummary {
  const { event } = message;
  const leadId = event?.detail.leadId;
  return {
    messageId: message.messageId,
    ...(event ? { eventId: event.id, detailType: event['detail-type'] } : {}),
    ...(typeof leadId === 'string' ? { leadId } : {}),
  };
}

/**
 * Drains one source onto the bus. Messages carrying the same event (one per failed target) are
 * put once and removed together. A dry run reads and reports, and changes nothing.
 */
export async function redriveParked(
  source: ParkedSource,
  put: PutEvents,
  busName: string,
  options: { dryRun: boolean },
): Promise<EventRedrive> {
  const result: EventRedrive = { source: source.name, redriven: [], kept: [] };
  for (let batch = await source.next(); batch.length > 0; batch = await source.next()) {
    const byEvent = new Map<string, ParkedMessage[]>();
    for (const message of batch) {
      if (!message.event) {
        result.kept.push({ ...summary(message), reason: message.problem ?? 'unreadable' });
        continue;
      }
      byEvent.set(message.event.id, [...(byEvent.get(message.event.id) ?? []), message]);
    }
    const groups = [...byEvent.values()];
    if (options.dryRun) {
      result.redriven.push(...groups.flat().map(summary));
      continue;
    }
    for (let i = 0; i < groups.length; i += 10) {
      const chunk = groups.slice(i, i + 10);
      let refusals: Array<string | undefined>;
      try {
        refusals = await put(chunk.map((group) => putEntry(group[0]!.event!, busName)));
      } catch (error) {
        refusals = chunk.map(() => errorText(error));
      }
      const accepted: ParkedMessage[] = [];
      chunk.forEach((group, j) => {
        const refused = refusals[j];
        if (refused === undefined) accepted.push(...group);
        else
          result.kept.push(
            ...group.map((m) => ({ ...summary(m), reason: `PutEvents refused it: ${refused}` })),
          );
      });
      if (accepted.length === 0) continue;
      let notRemoved: Array<{ messageId: string; error: string }>;
      try {
        notRemoved = await source.remove(accepted);
      } catch (error) {
        notRemoved = accepted.map((m) => ({ messageId: m.messageId, error: errorText(error) }));
      }
      for (const message of accepted) {
        const failure = notRemoved.find((f) => f.messageId === message.messageId);
        // Put back but still parked: a later run puts it again, which the event id makes harmless.
        if (failure)
          result.kept.push({
            ...summary(message),
            reason: `put back on the bus but not deleted: ${failure.error}`,
          });
        else result.redriven.push(summary(message));
      }
    }
  }
  return result;
}
