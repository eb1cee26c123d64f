/**
 * Every event Leadflow puts on (or reads from) a unit's bus, as typed, versioned modules.
 * The detail never carries personal data (email, phone, names, free text): consumers that
 * need it read the lead through the API. `version` changes only on breaking detail changes.
 */
import * as z from 'zod';
import { EVENT_SOURCE, MARKETING_SOURCE, SALES_SOURCE } from '../../workflows/event-routes.ts';
import { builtOnFirstUse } from './built-on-first-use.ts';
import { LEADFLOW_EVENTS } from './emitted.ts';

/** Emitted events: in emitted.ts, with zod/mini (see there). */
export { LEADFLOW_EVENTS };

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

export const ACTIVITY_EVENTS = builtOnFirstUse({
  TouchLogged: () =>
    inbound({
      channel: z.enum(['call', 'email', 'meeting', 'linkedin', 'other']).default('other'),
      repEmail: z.email().optional(),
      /** What the lead asked about, as the rep noted it (kept on the timeline). */
      topics: z.array(z.string().min(1).max(100)).max(10).optional(),
    }),
  LeadAccepted: () => inbound({ repEmail: z.email().optional() }),
  LeadRejected: () => inbound({ reason: z.string().min(1).max(500), repEmail: z.email().optional() }),
  /** "Not my lead": the owner hands an untouched lead back; the lifecycle routes it to someone else. */
  LeadDeclined: () => inbound({ reason: z.string().max(500).optional(), repEmail: z.email().optional() }),
  OutcomeRecorded: () =>
    inbound({
      result: z.enum(['won', 'lost']),
      reason: z.string().max(500).optional(),
      /** The deal's amount, in the unit's currency. */
      amount: z.number().nonnegative().finite().optional(),
    }),
  EngagementRecorded: () => inbound({ type: z.string().min(1).max(60) }),
});
export type ActivityEventName = keyof typeof ACTIVITY_EVENTS;
export type ActivityEvent<N extends ActivityEventName> = z.infer<(typeof ACTIVITY_EVENTS)[N]>;

/** Where each activity comes from: sales tools, or marketing automation for engagement. */
export const ACTIVITY_SOURCES: { readonly [N in ActivityEventName]: string } = {
  TouchLogged: SALES_SOURCE,
  LeadAccepted: SALES_SOURCE,
  LeadRejected: SALES_SOURCE,
  LeadDeclined: SALES_SOURCE,
  OutcomeRecorded: SALES_SOURCE,
  EngagementRecorded: MARKETING_SOURCE,
};

/**
 * The version of each event's detail schema. A change a consumer could trip over (a field
 * removed, renamed, retyped or made required) is a new version: bump it here (for an emitted
 * event also the envelope's `version` it publishes) and run `npm run schemas`, which writes
 * schemas/events/<source>/<Name>.v<N>.json. test/unit/event-schemas.test.ts fails when a
 * schema changes under a version already published.
 */
export const EVENT_VERSIONS: {
  readonly emitted: { readonly [N in LeadflowEventName]: number };
  readonly consumed: { readonly [N in ActivityEventName]: number };
} = {
  emitted: {
    LeadCaptured: 1,
    LeadScored: 1,
    LeadQualified: 1,
    LeadNurtured: 1,
    LeadAssigned: 1,
    FollowUpReminder: 1,
    FollowUpBreached: 1,
    LeadEscalated: 1,
    LeadReassigned: 1,
    LeadTouched: 1,
    LeadAccepted: 1,
    LeadRejected: 1,
    LeadRecycled: 1,
    LeadDisqualified: 1,
    LeadConverted: 1,
    LifecycleFailed: 1,
  },
  consumed: {
    TouchLogged: 1,
    LeadAccepted: 1,
    LeadRejected: 1,
    LeadDeclined: 1,
    OutcomeRecorded: 1,
    EngagementRecorded: 1,
  },
};

export type LeadflowEventName = keyof typeof LEADFLOW_EVENTS;
export type LeadflowEventDetail<N extends LeadflowEventName> = z.infer<(typeof LEADFLOW_EVENTS)[N]>;
export type LeadflowEventData<N extends LeadflowEventName> = LeadflowEventDetail<N>['data'];

export { EVENT_SOURCE };
