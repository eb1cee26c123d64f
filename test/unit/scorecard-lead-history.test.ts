/**
 * The scorecard read from stored leads: a lead's events rebuilt from its state and timeline, and
 * run through the projection. Demo unit (Europe/Berlin, UTC+1 in early March 2027; 09:00-17:00;
 * first touch within 60 business minutes; MQL from a score of 20), agreed reasons No budget and
 * No need. Expected facts are worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import type { Lead, TimelineEntry } from '../../functions/domain/lead.ts';
import { eventsFromLead, projectLeads } from '../../functions/domain/scorecard/lead-history.ts';
import { scorecard } from '../../functions/domain/scorecard/scorecard.ts';
import { seedConfig } from './scorecard-seed.ts';

const config = seedConfig();

const entry = (at: string, type: string, summary = type, data?: Record<string, unknown>): TimelineEntry => ({
  at,
  type,
  summary,
  ...(data ? { data } : {}),
});
const breakdown = (...points: number[]) => ({
  breakdown: points.map((p, i) => ({ kind: 'fit', id: `rule-${i}`, description: 'rule', points: p })),
});

function lead(leadId: string, fields: Partial<Lead>): Lead {
  return {
    leadId,
    businessUnit: 'demo',
    stage: 'nurturing',
    profile: { email: `${leadId}@acme.example` },
    createdAt: '2027-03-01T08:00:00.000Z',
    updatedAt: '2027-03-01T08:00:00.000Z',
    submissionCount: 1,
    engagements: [],
    timeline: [],
    version: 1,
    ...fields,
  };
}

/**
 * Handed off twice. 1 March: qualified at 09:00 Berlin, its first owner (no rep id on the
 * timeline) let it breach, it escalated twice and was reassigned at 11:30, touched at 11:35 and
 * rejected ("No need: wrong department"; the touch synced later). 8 March: qualified again after a re-score, assigned to
 * Anna (the lead's current owner), touched at 10:15 and rejected at 10:30 with the reason the
 * lead keeps ("No budget: next year").
 */
const twice = lead('ld_twice', {
  profile: { email: 'x@acme.example', country: 'DE', utm: { source: 'LinkedIn', campaign: 'Spring ' } },
  owner: { repId: 'anna', teamId: 'dach', name: 'Anna Becker', email: 'anna@demo.example.com' },
  score: { total: 35, fit: 35, engagement: 0, breakdown: [], scoredAt: '2027-03-08T09:00:00.000Z' },
  // The deadline it was given (90 minutes: the unit's SLA has been shortened since).
  sla: { followUpDueAt: '2027-03-08T09:30:00.000Z', acceptanceDueAt: '2027-03-08T17:15:00.000Z' },
  rejection: { reason: 'No budget: next year', at: '2027-03-08T09:31:00.000Z' },
});
const twiceTimeline = [
  entry('2027-03-01T08:00:00.000Z', 'captured'),
  entry('2027-03-01T08:00:00.000Z', 'scored', 'Scored 20', breakdown(10, 10)),
  entry('2027-03-01T08:00:00.000Z', 'qualified'),
  entry('2027-03-01T08:00:00.000Z', 'assigned'),
  entry('2027-03-01T08:45:00.000Z', 'reminder'),
  entry('2027-03-01T09:00:00.000Z', 'breached'),
  entry('2027-03-01T09:30:00.000Z', 'escalated'),
  entry('2027-03-01T10:30:00.000Z', 'escalated'),
  entry('2027-03-01T10:30:00.000Z', 'reassigned'),
  entry('2027-03-01T10:50:00.000Z', 'rejection', 'Rejected by Dev Patel: No need: wrong department'),
  // Logged by the rep at 10:35, synced from their CRM only after the rejection: their time counts.
  entry('2027-03-01T10:55:00.000Z', 'touch', 'Touch logged (call)', { at: '2027-03-01T10:35:00.000Z' }),
  entry('2027-03-01T11:00:00.000Z', 'recycled'),
  entry('2027-03-01T11:00:00.000Z', 'nurturing'),
  entry('2027-03-08T09:00:00.000Z', 'rescored', 'Re-scored after engagement: 35'),
  entry('2027-03-08T09:00:00.000Z', 'qualified'),
  entry('2027-03-08T09:00:00.000Z', 'assigned'),
  entry('2027-03-08T09:20:00.000Z', 'touch', 'Touch logged (call)', { at: '2027-03-08T09:15:00.000Z' }),
  // The wording names the rep, who may have a colon in their name: the lead's record wins.
  entry('2027-03-08T09:30:00.000Z', 'rejection', 'Rejected by Becker: Anna: No budget: next year'),
  entry('2027-03-08T09:31:00.000Z', 'recycled'),
  entry('2027-03-08T09:31:00.000Z', 'nurturing'),
];

/** Scored 10 at capture (a lead), nurtured, then re-scored to 25 on 5 March: an MQL from then. */
const rescored = lead('ld_rescored', {
  score: { total: 25, fit: 10, engagement: 15, breakdown: [], scoredAt: '2027-03-05T10:00:00.000Z' },
});
const rescoredTimeline = [
  entry('2027-03-01T08:00:00.000Z', 'captured'),
  entry('2027-03-01T08:00:00.000Z', 'scored', 'Scored 10', breakdown(10)),
  entry('2027-03-01T08:00:00.000Z', 'nurturing'),
  entry('2027-03-05T10:00:00.000Z', 'rescored', 'Re-scored after engagement: 25'),
];

const histories = [
  { lead: twice, timeline: twiceTimeline },
  { lead: rescored, timeline: rescoredTimeline },
];

describe('events rebuilt from a lead', () => {
  it('follow the timeline in time order, touches at the rep’s own time, with stable ids', () => {
    const events = eventsFromLead(histories[0]!, config);
    expect(events.slice(0, 13).map((e) => `${e.detail.occurredAt.slice(5, 16)} ${e.name}`)).toEqual([
      '03-01T08:00 LeadCaptured',
      '03-01T08:00 LeadScored',
      '03-01T08:00 LeadQualified',
      '03-01T08:00 LeadAssigned',
      '03-01T08:45 FollowUpReminder',
      '03-01T09:00 FollowUpBreached',
      '03-01T09:30 LeadEscalated',
      '03-01T10:30 LeadEscalated',
      '03-01T10:30 LeadReassigned',
      '03-01T10:30 LeadAssigned',
      '03-01T10:35 LeadTouched',
      '03-01T10:50 LeadRejected',
      '03-01T11:00 LeadRecycled',
    ]);
    expect(new Set(events.map((e) => e.detail.eventId)).size).toBe(events.length);
    expect(eventsFromLead(histories[0]!, config)).toEqual(events);
  });
});

describe('the facts of a lead handed off twice', () => {
  const { leadFacts } = projectLeads(histories, config);
  const facts = leadFacts[0]!;

  it('keep its attribution and when it became an MQL', () => {
    expect(facts).toMatchObject({
      leadId: 'ld_twice',
      capturedAt: '2027-03-01T08:00:00.000Z',
      source: 'linkedin',
      campaign: 'spring',
      mqlAt: '2027-03-01T08:00:00.000Z',
    });
    expect(facts.handoffs).toHaveLength(2);
  });

  it('judge the first hand-off by a deadline worked out again, its owner unknown', () => {
    // 09:00 Berlin + 60 business minutes = 10:00 Berlin = 09:00Z.
    expect(facts.handoffs[0]).toMatchObject({
      handedOffAt: '2027-03-01T08:00:00.000Z',
      followUpDueAt: '2027-03-01T09:00:00.000Z',
      reminders: 1,
      breachedAt: '2027-03-01T09:00:00.000Z',
      escalations: 2,
      reassignments: 1,
      touchAttempts: 1,
      // 5 business minutes after the reassignment; after the first deadline, so not within.
      firstTouch: { at: '2027-03-01T10:35:00.000Z', businessMinutes: 5, withinSla: false },
      decision: { result: 'rejected', reason: 'No need', withinWindow: true },
    });
    expect(facts.handoffs[0]?.repId).toBeUndefined();
  });

  it('judge the last hand-off by the lead’s own deadlines and owner, and its kept reason', () => {
    expect(facts.handoffs[1]).toMatchObject({
      handedOffAt: '2027-03-08T09:00:00.000Z',
      repId: 'anna',
      teamId: 'dach',
      followUpDueAt: '2027-03-08T09:30:00.000Z',
      acceptanceDueAt: '2027-03-08T17:15:00.000Z',
      firstTouch: { at: '2027-03-08T09:15:00.000Z', repId: 'anna', businessMinutes: 15, withinSla: true },
      decision: { result: 'rejected', reason: 'No budget', at: '2027-03-08T09:30:00.000Z', repId: 'anna' },
    });
  });

  it('make a lead an MQL from its current score when a re-score lifted it', () => {
    expect(leadFacts[1]).toMatchObject({ leadId: 'ld_rescored', mqlAt: '2027-03-05T10:00:00.000Z' });
  });
});

describe('the scorecard of leads', () => {
  it('counts both hand-offs and ranks both reasons', () => {
    const { counters, leadFacts } = projectLeads(histories, config);
    const card = scorecard({
      counters,
      leadFacts,
      period: { from: '2027-03-01', to: '2027-03-31' },
      now: '2027-04-01T08:00:00Z',
      config,
    });
    expect(card.funnel.stages.map((s) => [s.stage, s.count])).toEqual([
      ['lead', 2],
      ['mql', 2],
      ['sql', 2],
      ['accepted', 0],
      ['won', 0],
    ]);
    expect(card.sales.activity).toMatchObject({
      handoffs: 2,
      reminders: 1,
      breaches: 1,
      escalations: 2,
      reassignments: 1,
      touches: 2,
      rejected: 2,
    });
    expect(card.sales.firstTouch).toMatchObject({ judged: 2, within: 1 });
    expect(card.feedback.rejectionReasons).toEqual([
      { label: 'No budget', count: 1, share: 0.5 },
      { label: 'No need', count: 1, share: 0.5 },
    ]);
    // Only the hand-off to the current owner is attributed to a rep.
    expect(card.sales.byRep.filter((r) => r.assigned > 0).map((r) => [r.id, r.assigned])).toEqual([
      ['anna', 1],
    ]);
  });
});
