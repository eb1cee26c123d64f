/**
 * EventBridge LeadCaptured -> one lifecycle execution per lead. The execution name is the
 * lead id, so a re-delivered or re-published event cannot start a second one.
 */
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { startLifecycle } from '../adapters/workflow-callbacks.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';

const stateMachineArn = requiredEnv(ENV.stateMachineArn);

/** zod's `z.iso.datetime({ offset: true })`: a valid calendar date, seconds, then Z or ±hh:mm. */
const ISO_DATETIME =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string';
const isFilledText = (v: unknown): v is string => isText(v) && v.length > 0;
const optional = (check: (v: unknown) => boolean) => (v: unknown) => v === undefined || check(v);
/** A record of strings; like zod, a `__proto__` key is not looked at. */
const isTextRecord = (v: unknown) =>
  isObject(v) && Object.entries(v).every(([key, value]) => key === '__proto__' || isText(value));

/**
 * LEADFLOW_EVENTS.LeadCaptured (events/catalog.ts), rule for rule, as plain checks on the
 * parsed JSON EventBridge delivers. Hand-written because this one event is the function's only
 * input and zod its only use: the catalog's zod schemas added ~95 KB to the bundle and ~10 ms
 * to every cold start. test/handlers/start-lifecycle-detail.test.ts holds the two in agreement
 * on generated events, so a change to the catalog fails there until it is made here too.
 */
const LEAD_CAPTURED: Record<string, (v: unknown) => boolean> = {
  version: (v) => v === 1,
  eventId: isFilledText,
  occurredAt: (v) => isText(v) && ISO_DATETIME.test(v),
  businessUnit: isText,
  leadId: isFilledText,
  data: isObject,
};
const LEAD_CAPTURED_DATA: Record<string, (v: unknown) => boolean> = {
  intent: optional(isText),
  formId: optional(isText),
  country: optional(isText),
  utm: optional(isTextRecord),
  resubmission: (v) => typeof v === 'boolean',
};

/** The detail's lead id; throws, naming every field that breaks the schema, for anything else. */
export function leadCapturedLeadId(detail: unknown): string {
  const invalid = !isObject(detail)
    ? ['detail']
    : [
        ...Object.keys(LEAD_CAPTURED).filter((key) => !LEAD_CAPTURED[key]!(detail[key])),
        ...(isObject(detail.data)
          ? Object.keys(LEAD_CAPTURED_DATA)
              .filter((key) => !LEAD_CAPTURED_DATA[key]!((detail.data as Record<string, unknown>)[key]))
              .map((key) => `data.${key}`)
          : []),
      ];
  if (invalid.length > 0) throw new Error(`Invalid LeadCaptured event, check: ${invalid.join(', ')}`);
  return (detail as { leadId: string }).leadId;
}

export const handler = middy<EventBridgeEvent<'LeadCaptured', unknown>, void>().handler(async (event) => {
  const leadId = leadCapturedLeadId(event.detail);
  const result = await startLifecycle(stateMachineArn, leadId, { leadId });
  logger.info('Lifecycle start', { leadId, result });
});
