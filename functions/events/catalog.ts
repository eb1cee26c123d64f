/**
 * Every event Leadflow puts on (or reads from) a unit's bus, as typed, versioned modules.
 * The detail never carries personal data (email, phone, names, free text): consumers that
 * need it read the lead through the API. `version` changes only on breaking detail changes.
 */
import * as z from 'zod';
import { EVENT_SOURCE } from '../../workflows/event-routes.ts';

const envelope = <T extends z.ZodRawShape>(data: T) =>
  z.object({
    version: z.literal(1),
    eventId: z.string().min(1),
    occurredAt: z.iso.datetime({ offset: true }),
    businessUnit: z.string(),
    leadId: z.string().min(1),
    data: z.object(data),
  });

const stage = z.string();
const ownerRef = z.object({
  repId: z.string().optional(),
  teamId: z.string().optional(),
  fallback: z.boolean().optional(),
});

export const LEADFLOW_EVENTS = {
  LeadCaptured: envelope({
    intent: z.string().optional(),
    formId: z.string().optional(),
    country: z.string().optional(),
    utm: z.record(z.string(), z.string()).optional(),
    resubmission: z.boolean(),
  }),
  LeadScored: envelope({ total: z.number(), fit: z.number(), engagement: z.number() }),
  LeadQualified: envelope({ reasons: z.array(z.string()) }),
  LeadNurtured: envelope({ level: z.string(), until: z.string() }),
  LeadAssigned: envelope({ owner: ownerRef, followUpDueAt: z.string(), ruleId: z.string().optional() }),
  FollowUpReminder: envelope({ owner: ownerRef, followUpDueAt: z.string() }),
  FollowUpBreached: envelope({
    owner: ownerRef,
    followUpDueAt: z.string(),
    businessMinutesWaited: z.number(),
  }),
  LeadEscalated: envelope({ owner: ownerRef, level: z.number().int(), notified: z.array(z.string()) }),
  LeadReassigned: envelope({ from: ownerRef, to: ownerRef, reassignments: z.number().int() }),
  LeadAccepted: envelope({ owner: ownerRef }),
  LeadRejected: envelope({ owner: ownerRef, reason: z.string() }),
  LeadRecycled: envelope({ reason: z.string() }),
  LeadDisqualified: envelope({ reason: z.string() }),
  LeadConverted: envelope({ result: z.enum(['won', 'lost']), reason: z.string().optional() }),
  LifecycleFailed: envelope({ stage, error: z.string() }),
} as const;

/**
 * Inbound activity (source leadflow.sales / leadflow.marketing) that wakes a waiting lifecycle.
 * Lighter envelope: senders are other systems, so only leadId is required.
 */
const inbound = <T extends z.ZodRawShape>(data: T) =>
  z.object({
    leadId: z.string().min(1),
    eventId: z.string().min(1).optional(),
    occurredAt: z.iso.datetime({ offset: true }).optional(),
    ...data,
  });

export const ACTIVITY_EVENTS = {
  TouchLogged: inbound({
    channel: z.enum(['call', 'email', 'meeting', 'linkedin', 'other']).default('other'),
    repEmail: z.email().optional(),
  }),
  LeadAccepted: inbound({ repEmail: z.email().optional() }),
  LeadRejected: inbound({ reason: z.string().min(1).max(500), repEmail: z.email().optional() }),
  OutcomeRecorded: inbound({ result: z.enum(['won', 'lost']), reason: z.string().max(500).optional() }),
  EngagementRecorded: inbound({ type: z.string().min(1).max(60) }),
} as const;
export type ActivityEventName = keyof typeof ACTIVITY_EVENTS;
export type ActivityEvent<N extends ActivityEventName> = z.infer<(typeof ACTIVITY_EVENTS)[N]>;

export type LeadflowEventName = keyof typeof LEADFLOW_EVENTS;
export type LeadflowEventDetail<N extends LeadflowEventName> = z.infer<(typeof LEADFLOW_EVENTS)[N]>;
export type LeadflowEventData<N extends LeadflowEventName> = LeadflowEventDetail<N>['data'];

export { EVENT_SOURCE };
