/**
 * The events Leadflow puts on a unit's bus: every publisher checks each detail against these
 * before PutEvents (events/catalog.ts re-exports them with the rest of the catalog).
 *
 * Written with zod/mini (functions instead of method chains; the same checks and JSON Schema):
 * a function that publishes but needs no other zod, such as capture-lead, then never loads
 * zod's classic API, which cost it about 9 ms of every cold start (bench/cold-import.ts).
 */
import * as z from 'zod/mini';
import { builtOnFirstUse } from './built-on-first-use.ts';

const text = z.string;
const filled = () => z.string().check(z.minLength(1));
const wholeNumber = () => z.number().check(z.int());
const maybe = <T extends z.core.SomeType>(schema: T) => z.optional(schema);

const envelope = <T extends z.core.$ZodLooseShape>(data: T) =>
  z.object({
    version: z.literal(1),
    eventId: filled(),
    occurredAt: z.iso.datetime({ offset: true }),
    businessUnit: text(),
    leadId: filled(),
    data: z.object(data),
  });

const ownerRef = () =>
  z.object({
    repId: maybe(text()),
    teamId: maybe(text()),
    fallback: maybe(z.boolean()),
  });

export const LEADFLOW_EVENTS = builtOnFirstUse({
  LeadCaptured: () =>
    envelope({
      intent: maybe(text()),
      formId: maybe(text()),
      country: maybe(text()),
      utm: maybe(z.record(text(), text())),
      resubmission: z.boolean(),
    }),
  LeadScored: () => envelope({ total: z.number(), fit: z.number(), engagement: z.number() }),
  LeadQualified: () => envelope({ reasons: z.array(text()) }),
  LeadNurtured: () => envelope({ level: text(), until: text() }),
  LeadAssigned: () => envelope({ owner: ownerRef(), followUpDueAt: text(), ruleId: maybe(text()) }),
  FollowUpReminder: () => envelope({ owner: ownerRef(), followUpDueAt: text() }),
  FollowUpBreached: () =>
    envelope({ owner: ownerRef(), followUpDueAt: text(), businessMinutesWaited: z.number() }),
  LeadEscalated: () => envelope({ owner: ownerRef(), level: wholeNumber(), notified: z.array(text()) }),
  LeadReassigned: () => envelope({ from: ownerRef(), to: ownerRef(), reassignments: wholeNumber() }),
  /** A touch attempt sales logged (a TouchLogged activity applied to the lead), without the rep. */
  LeadTouched: () =>
    envelope({
      owner: ownerRef(),
      channel: z.enum(['call', 'email', 'meeting', 'linkedin', 'other']),
      /** Attempts on this lead so far, this one included. */
      touchAttempts: wholeNumber().check(z.positive()),
      /** From the current owner's assignment, on the owner's calendar; absent before assignment. */
      businessMinutesSinceAssigned: maybe(z.number().check(z.nonnegative())),
      /** Set when this touch started the accept/reject window. */
      acceptanceDueAt: maybe(text()),
      /** What the lead asked about, as TouchLogged carried it. */
      topics: maybe(z.array(text().check(z.minLength(1), z.maxLength(100))).check(z.maxLength(10))),
    }),
  LeadAccepted: () => envelope({ owner: ownerRef() }),
  LeadRejected: () => envelope({ owner: ownerRef(), reason: text() }),
  LeadRecycled: () => envelope({ reason: text() }),
  LeadDisqualified: () => envelope({ reason: text() }),
  LeadConverted: () => envelope({ result: z.enum(['won', 'lost']), reason: maybe(text()) }),
  LifecycleFailed: () => envelope({ stage: text(), error: text() }),
});
