/**
 * One example detail per event in the catalog: in the generated JSON Schemas (schemas/events/),
 * in the docs, and checked against its schema by test/unit/event-schemas.test.ts. Kept apart
 * from catalog.ts, which functions import, so no bundle carries them.
 */
import type { ActivityEventName, LeadflowEventName } from './catalog.ts';

const envelope = (leadId: string, eventId: string, data: Record<string, unknown>) => ({
  version: 1,
  eventId,
  occurredAt: '2026-03-23T09:00:00.000Z',
  businessUnit: 'demo',
  leadId,
  data,
});
const LEAD = 'ld_5Zr0qv3kKc4X2n8Qm1wT7A';
const owner = { repId: 'anna', teamId: 'dach' };

export const EMITTED_EXAMPLES: { readonly [N in LeadflowEventName]: Record<string, unknown> } = {
  LeadCaptured: envelope(LEAD, `${LEAD}:captured:1`, {
    intent: 'contact-sales',
    formId: 'contact',
    country: 'DE',
    utm: { source: 'newsletter', campaign: 'spring' },
    resubmission: false,
  }),
  LeadScored: envelope(LEAD, `${LEAD}:scored:1`, { total: 72, fit: 45, engagement: 27 }),
  LeadQualified: envelope(LEAD, `${LEAD}:qualified`, { reasons: ['hand-raiser: contact-sales'] }),
  LeadNurtured: envelope(LEAD, `${LEAD}:nurtured:1`, { level: 'mql', until: '2026-06-21T09:00:00.000Z' }),
  LeadAssigned: envelope(LEAD, `${LEAD}:assigned:1`, {
    owner,
    followUpDueAt: '2026-03-23T10:00:00.000Z',
    ruleId: 'dach',
  }),
  FollowUpReminder: envelope(LEAD, `${LEAD}:reminder:1`, {
    owner,
    followUpDueAt: '2026-03-23T10:00:00.000Z',
  }),
  FollowUpBreached: envelope(LEAD, `${LEAD}:breached:1`, {
    owner,
    followUpDueAt: '2026-03-23T10:00:00.000Z',
    businessMinutesWaited: 60,
  }),
  LeadEscalated: envelope(LEAD, `${LEAD}:escalated:1:1`, {
    owner,
    level: 1,
    notified: ['sales-manager'],
  }),
  LeadReassigned: envelope(LEAD, `${LEAD}:reassigned:1`, {
    from: owner,
    to: { repId: 'ben', teamId: 'dach' },
    reassignments: 1,
  }),
  LeadTouched: envelope(LEAD, `${LEAD}:touched:1`, {
    owner,
    channel: 'call',
    touchAttempts: 1,
    businessMinutesSinceAssigned: 20,
    acceptanceDueAt: '2026-03-24T09:00:00.000Z',
    topics: ['pricing'],
  }),
  LeadAccepted: envelope(LEAD, `${LEAD}:accepted`, { owner }),
  LeadRejected: envelope(LEAD, `${LEAD}:rejected:1`, { owner, reason: 'No budget' }),
  LeadRecycled: envelope(LEAD, `${LEAD}:recycled:1`, { reason: 'rejected: No budget' }),
  LeadDisqualified: envelope(LEAD, `${LEAD}:disqualified`, { reason: 'nurture expired' }),
  LeadConverted: envelope(LEAD, `${LEAD}:converted`, { result: 'won' }),
  LifecycleFailed: envelope(LEAD, `${LEAD}:failed:HandOff`, { stage: 'assigned', error: 'States.Timeout' }),
};

export const CONSUMED_EXAMPLES: { readonly [N in ActivityEventName]: Record<string, unknown> } = {
  TouchLogged: {
    leadId: LEAD,
    eventId: 'crm-7f3a1c',
    occurredAt: '2026-03-23T09:20:00Z',
    channel: 'call',
    repEmail: 'anna@demo.example.com',
  },
  LeadAccepted: { leadId: LEAD, eventId: 'crm-7f3a1d', repEmail: 'anna@demo.example.com' },
  LeadRejected: { leadId: LEAD, eventId: 'crm-7f3a1e', reason: 'No budget this year' },
  LeadDeclined: { leadId: LEAD, eventId: 'crm-7f3a1f', reason: 'Wrong territory' },
  OutcomeRecorded: { leadId: LEAD, eventId: 'crm-7f3a20', result: 'won' },
  EngagementRecorded: {
    leadId: LEAD,
    eventId: 'mkt-0b91e2',
    occurredAt: '2026-03-23T08:55:00Z',
    type: 'demo-requested',
  },
};
