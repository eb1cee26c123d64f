/**
 * A small seeded history for the scorecard tests: eight leads of the demo unit (Europe/Berlin,
 * Mon-Fri 09:00-17:00, first touch within 60 business minutes, decision within 480) around
 * March 2027, under two agreement versions (the second from 2027-03-15). Times are UTC; Berlin
 * is UTC+1 until 2027-03-28. The expected figures are worked out by hand in the tests.
 */
import demo from '../../config/business-units/demo.ts';
import {
  type AgreementConfigInput,
  BusinessUnitConfig,
  type BusinessUnitConfigInput,
} from '../../config/schema.ts';
import type { ProjectedEvent } from '../../functions/domain/scorecard/events.ts';
import type { LeadFacts } from '../../functions/domain/scorecard/facts.ts';
import { addIncrements, type CounterRow, countersFor } from '../../functions/domain/scorecard/projection.ts';

export const DACH = { field: 'country', op: 'in', values: ['DE', 'AT', 'CH'] } as const;

/** v1 from 2027-01-01: 46 SQLs a month (23 DACH); v2 from 2027-03-15: 69 (23 DACH). */
export const SEED_AGREEMENT: AgreementConfigInput = {
  versions: [
    {
      effectiveFrom: '2027-01-01',
      marketing: {
        sqlsPerMonth: 46,
        bySegment: [{ id: 'dach', when: DACH, sqlsPerMonth: 23 }],
        minAcceptanceRate: 0.6,
      },
      sales: { firstTouchWithinSlaRate: 0.8, decisionWithinWindowRate: 0.8 },
    },
    {
      effectiveFrom: '2027-03-15',
      marketing: {
        sqlsPerMonth: 69,
        bySegment: [{ id: 'dach', when: DACH, sqlsPerMonth: 23 }],
        minAcceptanceRate: 0.75,
      },
      sales: { firstTouchWithinSlaRate: 0.9, decisionWithinWindowRate: 0.9 },
    },
  ],
  paceAlerts: { marketingBehindBy: 0.15, salesBelowBy: 0.05, minBusinessDaysElapsed: 3, minJudgedLeads: 5 },
};

/** The rejection reasons reps pick from (`sla.rejectionReasons`): the agreed ones. */
export const AGREED_REASONS = ['No budget', 'No need'];

export function seedConfig(
  agreement: AgreementConfigInput = SEED_AGREEMENT,
  change: (c: BusinessUnitConfigInput) => void = () => {},
): BusinessUnitConfig {
  const raw = structuredClone(demo) as BusinessUnitConfigInput;
  raw.agreement = structuredClone(agreement);
  raw.sla.rejectionReasons = [...AGREED_REASONS];
  change(raw);
  return BusinessUnitConfig.parse(raw);
}

/** The seed unit without an agreed list of reasons: reasons are ranked as typed. */
export function withoutAgreedReasons(config: BusinessUnitConfig = seedConfig()): BusinessUnitConfig {
  return { ...config, sla: { ...config.sla, rejectionReasons: [] } } as BusinessUnitConfig;
}

type Data<N extends ProjectedEvent['name']> = Extract<ProjectedEvent, { name: N }>['detail']['data'];

let sequence = 0;
export function event<N extends ProjectedEvent['name']>(
  name: N,
  leadId: string,
  occurredAt: string,
  data: Data<N>,
  eventId = `${leadId}:${name}:${++sequence}`,
): ProjectedEvent {
  return {
    name,
    detail: { version: 1, eventId, occurredAt, businessUnit: 'demo', leadId, data },
  } as ProjectedEvent;
}

const anna = { repId: 'anna', teamId: 'dach' };
const ben = { repId: 'ben', teamId: 'dach' };
const carla = { repId: 'carla', teamId: 'international' };
const dev = { repId: 'dev', teamId: 'international' };
const captured = (country: string, source?: string, campaign?: string, topics?: string[]) => ({
  country,
  resubmission: false,
  ...(source ? { utm: { source, ...(campaign ? { campaign } : {}) } } : {}),
  ...(topics ? { topics } : {}),
});
const scored = (total: number) => ({ total, fit: total, engagement: 0 });
const qualified = { reasons: ['test'] };

export const SEED_EVENTS: ProjectedEvent[] = [
  // A: Google/Spring, DE. MQL a day after capture, SQL an hour later; touched in 30 min, accepted, won.
  event('LeadCaptured', 'ld_a', '2027-03-01T08:00:00Z', captured('DE', 'Google', 'Spring', ['Pricing'])),
  event('LeadScored', 'ld_a', '2027-03-02T08:00:00Z', scored(30)),
  event('LeadQualified', 'ld_a', '2027-03-02T09:00:00Z', qualified),
  event('LeadAssigned', 'ld_a', '2027-03-02T09:00:00Z', {
    owner: anna,
    followUpDueAt: '2027-03-02T10:00:00Z',
  }),
  event('LeadTouched', 'ld_a', '2027-03-02T09:30:00Z', { owner: anna, touchAttempts: 1 }),
  event('LeadAccepted', 'ld_a', '2027-03-02T13:30:00Z', { owner: anna }),
  event('LeadConverted', 'ld_a', '2027-03-10T10:00:00Z', { result: 'won', amount: 20_000 }),
  // B: LinkedIn/Spring, FR, a hand-raiser. Reminded, breached, escalated; two touches; rejected.
  event(
    'LeadCaptured',
    'ld_b',
    '2027-03-03T09:00:00Z',
    captured('FR', 'linkedin', 'spring', ['integrations', 'pricing']),
  ),
  event('LeadQualified', 'ld_b', '2027-03-03T09:00:00Z', qualified),
  event('LeadAssigned', 'ld_b', '2027-03-03T09:00:00Z', {
    owner: carla,
    followUpDueAt: '2027-03-03T10:00:00Z',
  }),
  event('FollowUpReminder', 'ld_b', '2027-03-03T09:45:00Z', {
    owner: carla,
    followUpDueAt: '2027-03-03T10:00:00Z',
  }),
  event('FollowUpBreached', 'ld_b', '2027-03-03T10:00:00Z', {
    owner: carla,
    followUpDueAt: '2027-03-03T10:00:00Z',
    businessMinutesWaited: 60,
  }),
  event('LeadEscalated', 'ld_b', '2027-03-03T10:30:00Z', {
    owner: carla,
    level: 1,
    notified: ['rep', 'manager'],
  }),
  event('LeadTouched', 'ld_b', '2027-03-03T11:00:00Z', { owner: carla, touchAttempts: 1 }),
  event('LeadTouched', 'ld_b', '2027-03-03T14:00:00Z', { owner: carla, touchAttempts: 2 }),
  event('LeadRejected', 'ld_b', '2027-03-04T10:00:00Z', { owner: carla, reason: '  No   Budget ' }),
  event('LeadRecycled', 'ld_b', '2027-03-04T10:00:00Z', { reason: 'No budget' }),
  // C: Google/Brand, AT. Handed off Friday 16:00 under v1, touched Monday (late), rejected
  // Tuesday 2027-03-16 (v2 in force by then) after its window closed.
  event('LeadCaptured', 'ld_c', '2027-03-10T08:00:00Z', captured('AT', 'google', 'brand')),
  event('LeadScored', 'ld_c', '2027-03-12T08:00:00Z', scored(25)),
  event('LeadQualified', 'ld_c', '2027-03-12T15:00:00Z', qualified),
  event('LeadAssigned', 'ld_c', '2027-03-12T15:00:00Z', {
    owner: ben,
    followUpDueAt: '2027-03-12T16:00:00Z',
  }),
  event('FollowUpBreached', 'ld_c', '2027-03-12T16:00:00Z', {
    owner: ben,
    followUpDueAt: '2027-03-12T16:00:00Z',
    businessMinutesWaited: 60,
  }),
  event('LeadTouched', 'ld_c', '2027-03-15T08:30:00Z', { owner: ben, touchAttempts: 1 }),
  event('LeadRejected', 'ld_c', '2027-03-16T13:00:00Z', { owner: ben, reason: 'Wrong industry' }),
  // D: no UTM, DE. Handed off under v2, touched in 20 min, accepted.
  event('LeadCaptured', 'ld_d', '2027-03-15T09:00:00Z', captured('DE')),
  event('LeadQualified', 'ld_d', '2027-03-15T09:00:00Z', qualified),
  event('LeadAssigned', 'ld_d', '2027-03-15T09:00:00Z', {
    owner: anna,
    followUpDueAt: '2027-03-15T10:00:00Z',
  }),
  event('LeadTouched', 'ld_d', '2027-03-15T09:20:00Z', { owner: anna, touchAttempts: 1 }),
  event('LeadAccepted', 'ld_d', '2027-03-15T14:00:00Z', { owner: anna }),
  // E: Google/Spring, GB. Never touched: reminded, breached, two escalations, reassigned to Carla.
  event('LeadCaptured', 'ld_e', '2027-03-16T12:00:00Z', captured('GB', 'google', 'spring')),
  event('LeadQualified', 'ld_e', '2027-03-16T12:00:00Z', qualified),
  event('LeadAssigned', 'ld_e', '2027-03-16T12:00:00Z', {
    owner: dev,
    followUpDueAt: '2027-03-16T13:00:00Z',
  }),
  event('FollowUpReminder', 'ld_e', '2027-03-16T12:45:00Z', {
    owner: dev,
    followUpDueAt: '2027-03-16T13:00:00Z',
  }),
  event('FollowUpBreached', 'ld_e', '2027-03-16T13:00:00Z', {
    owner: dev,
    followUpDueAt: '2027-03-16T13:00:00Z',
    businessMinutesWaited: 60,
  }),
  event('LeadEscalated', 'ld_e', '2027-03-16T13:30:00Z', {
    owner: dev,
    level: 1,
    notified: ['rep', 'manager'],
  }),
  event('LeadEscalated', 'ld_e', '2027-03-16T14:30:00Z', {
    owner: dev,
    level: 2,
    notified: ['manager', 'ops'],
  }),
  event('LeadReassigned', 'ld_e', '2027-03-16T14:30:00Z', { from: dev, to: carla, reassignments: 1 }),
  event('LeadAssigned', 'ld_e', '2027-03-16T14:30:00Z', {
    owner: carla,
    followUpDueAt: '2027-03-16T15:30:00Z',
  }),
  // F: LinkedIn without campaign, score 10: a lead, not an MQL; nurtured.
  event('LeadCaptured', 'ld_f', '2027-03-05T10:00:00Z', captured('DE', 'linkedin')),
  event('LeadScored', 'ld_f', '2027-03-05T10:00:00Z', scored(10)),
  event('LeadNurtured', 'ld_f', '2027-03-05T10:00:00Z', { level: 'lead', until: '2027-06-03T10:00:00Z' }),
  // G: Google/Brand, CH. Touched in 10 min, accepted.
  event('LeadCaptured', 'ld_g', '2027-03-08T09:00:00Z', captured('CH', 'google', 'brand')),
  event('LeadQualified', 'ld_g', '2027-03-08T09:00:00Z', qualified),
  event('LeadAssigned', 'ld_g', '2027-03-08T09:00:00Z', {
    owner: ben,
    followUpDueAt: '2027-03-08T10:00:00Z',
  }),
  event('LeadTouched', 'ld_g', '2027-03-08T09:10:00Z', { owner: ben, touchAttempts: 1 }),
  event('LeadAccepted', 'ld_g', '2027-03-08T12:00:00Z', { owner: ben }),
  // H: Google/Spring, FR. Captured and an MQL in February, SQL on 1 March; touched in 40 min,
  // then never decided (its window closed 2027-03-02T08:40Z).
  event('LeadCaptured', 'ld_h', '2027-02-26T10:00:00Z', captured('FR', 'google', 'spring')),
  event('LeadScored', 'ld_h', '2027-02-26T10:00:00Z', scored(30)),
  event('LeadQualified', 'ld_h', '2027-03-01T08:00:00Z', qualified),
  event('LeadAssigned', 'ld_h', '2027-03-01T08:00:00Z', {
    owner: carla,
    followUpDueAt: '2027-03-01T09:00:00Z',
  }),
  event('LeadTouched', 'ld_h', '2027-03-01T08:40:00Z', { owner: carla, touchAttempts: 1 }),
];

/** Wednesday 2027-03-17, 12:00 in Berlin: 3 of the day's 8 business hours have gone. */
export const SEED_NOW = '2027-03-17T11:00:00Z';

/** Runs events through the projection as the store would: per lead, in order. */
export function project(events: readonly ProjectedEvent[], config: BusinessUnitConfig) {
  let counters: CounterRow[] = [];
  const facts = new Map<string, LeadFacts>();
  for (const e of events) {
    const result = countersFor(e, config, facts.get(e.detail.leadId));
    counters = addIncrements(counters, result.increments);
    facts.set(e.detail.leadId, result.facts);
  }
  return { counters, facts };
}
