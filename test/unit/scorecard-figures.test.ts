/**
 * The scorecard of March 2027 over the seeded history (scorecard-seed.ts), as of Wednesday
 * 17 March 12:00 Berlin. Every expected figure is worked out by hand in the comments.
 *
 * March 2027 has 23 business days (no holidays): 1-5, 8-12, 15-19, 22-26, 29-31.
 * v1 (46/month, 23 DACH) is in force 1-14 March: 10 business days at 2 SQLs/day (DACH 1/day);
 * v2 (69/month, 23 DACH) from 15 March: 13 business days at 3 SQLs/day (DACH 1/day).
 * By now: 12 whole business days (1-16 March) and 3 of 8 hours of the 17th (0.375).
 */
import { describe, expect, it } from 'vitest';
import { anonymizeFacts } from '../../functions/domain/scorecard/facts.ts';
import { scorecard } from '../../functions/domain/scorecard/scorecard.ts';
import { project, SEED_EVENTS, SEED_NOW, seedConfig } from './scorecard-seed.ts';

const config = seedConfig();
const { counters, facts } = project(SEED_EVENTS, config);
const march = { from: '2027-03-01', to: '2027-03-31' };
const card = scorecard({ counters, leadFacts: [...facts.values()], period: march, now: SEED_NOW, config });

describe('the marketing side', () => {
  it('paces SQLs delivered against the commitment of each version in force, per business day', () => {
    expect(card.period).toMatchObject({
      days: 31,
      businessDays: 23,
      businessDaysElapsed: 12.38,
      complete: false,
    });
    expect(card.period.agreementVersions).toEqual(['2027-01-01', '2027-03-15']);
    // Delivered: A, B, C, D, E, G and H (qualified 1 March) = 7. Committed: 10 × 2 + 13 × 3 = 59.
    // Expected so far: 10 × 2 + 2 × 3 + 0.375 × 3 = 27.125. Pace 7 / 27.125 = 0.2581;
    // projected 0.25806 × 59 = 15.23.
    expect(card.marketing.sqls).toEqual({
      delivered: 7,
      commitment: 59,
      expectedSoFar: 27.13,
      pace: 0.2581,
      projected: 15.23,
      status: 'behind',
    });
    // DACH (A DE, C AT, D DE, G CH) = 4 of 23 committed, 12.375 due: pace 0.3232, projected 7.43.
    // B (FR), E (GB), H (FR) fall outside every segment and carry no commitment of their own.
    expect(card.marketing.bySegment).toEqual([
      {
        segment: 'dach',
        delivered: 4,
        commitment: 23,
        expectedSoFar: 12.38,
        pace: 0.3232,
        projected: 7.43,
        status: 'behind',
      },
      {
        segment: '(other)',
        delivered: 3,
        commitment: 0,
        expectedSoFar: 0,
        pace: null,
        projected: null,
        status: null,
      },
    ]);
  });

  it('judges the quality bar on the hand-offs of the period, each by the version of its hand-off day', () => {
    // Decided: A accepted, B rejected, C rejected, G accepted (v1, bar 60%): 2 of 4.
    // D accepted (v2, bar 75%): 1 of 1. Overall 3 of 5 = 60% against (4 × 0.6 + 0.75) / 5 = 63%.
    expect(card.marketing.quality).toEqual({
      judged: 5,
      within: 3,
      rate: 0.6,
      target: 0.63,
      met: false,
      byVersion: [
        { version: '2027-01-01', judged: 4, within: 2, rate: 0.5, target: 0.6, met: false },
        { version: '2027-03-15', judged: 1, within: 1, rate: 1, target: 0.75, met: true },
      ],
    });
    // Flow rates of the period: 7 SQLs of 6 MQLs (H was an MQL in February), 3 accepted of 7 SQLs.
    expect(card.marketing.rates).toEqual({ mqlToSql: 1.1667, sqlToAccepted: 0.4286 });
  });

  it('shows acceptance by source and campaign', () => {
    expect(card.marketing.bySource).toEqual([
      { value: 'google', leads: 4, mqls: 4, sqls: 5, accepted: 2, rejected: 1, acceptanceRate: 0.6667 },
      { value: 'linkedin', leads: 2, mqls: 1, sqls: 1, accepted: 0, rejected: 1, acceptanceRate: 0 },
      { value: '(none)', leads: 1, mqls: 1, sqls: 1, accepted: 1, rejected: 0, acceptanceRate: 1 },
    ]);
    expect(card.marketing.byCampaign).toEqual([
      { value: 'spring', leads: 3, mqls: 3, sqls: 4, accepted: 1, rejected: 1, acceptanceRate: 0.5 },
      { value: 'brand', leads: 2, mqls: 2, sqls: 2, accepted: 1, rejected: 1, acceptanceRate: 0.5 },
      { value: '(none)', leads: 2, mqls: 1, sqls: 1, accepted: 1, rejected: 0, acceptanceRate: 1 },
    ]);
  });
});

describe('the sales side', () => {
  it('judges first touch within SLA and the decision window by version, with p50/p90', () => {
    // First touch: A (30 min), G (10), H (40) in time; B (120), C (90, over a weekend) late; all v1.
    // D (20) in time, E never touched and past due; v2. v1 3 of 5, v2 1 of 2; 4 of 7 = 57.14%
    // against (5 × 0.8 + 2 × 0.9) / 7 = 82.86%. Minutes [10, 20, 30, 40, 90, 120]: p50 = 3rd = 30, p90 = 6th = 120.
    expect(card.sales.firstTouch).toEqual({
      judged: 7,
      within: 4,
      rate: 0.5714,
      target: 0.8286,
      met: false,
      byVersion: [
        { version: '2027-01-01', judged: 5, within: 3, rate: 0.6, target: 0.8, met: false },
        { version: '2027-03-15', judged: 2, within: 1, rate: 0.5, target: 0.9, met: false },
      ],
      minutes: { count: 6, p50: 30, p90: 120 },
    });
    // Decision window: A, B, G in time; C late; H's window closed undecided (v1: 3 of 5). D in time (v2).
    // E has no window yet. 4 of 6 against (5 × 0.8 + 0.9) / 6 = 81.67%.
    // Minutes [170 G, 240 A, 280 D, 420 B, 750 C]: p50 = 3rd = 280, p90 = 5th = 750.
    expect(card.sales.decision).toEqual({
      judged: 6,
      within: 4,
      rate: 0.6667,
      target: 0.8167,
      met: false,
      byVersion: [
        { version: '2027-01-01', judged: 5, within: 3, rate: 0.6, target: 0.8, met: false },
        { version: '2027-03-15', judged: 1, within: 1, rate: 1, target: 0.9, met: true },
      ],
      minutes: { count: 5, p50: 280, p90: 750 },
    });
    // A: accepted Tue 2 March 14:30, won Wed 10 March 11:00 = 150 + 5 × 480 + 120 business minutes.
    expect(card.sales.outcome).toEqual({ won: 1, lost: 0, minutes: { count: 1, p50: 2670, p90: 2670 } });
  });

  it('counts what the ladder and sales did', () => {
    expect(card.sales.activity).toEqual({
      handoffs: 7,
      assigned: 8, // E went to Dev, then to Carla
      reminders: 2, // B, E
      breaches: 3, // B, C, E
      escalations: 3, // B level 1, E levels 1 and 2
      reassignments: 1,
      touches: 7, // B twice
      firstTouches: 6,
      accepted: 3,
      rejected: 2,
      won: 1,
      lost: 0,
    });
    expect(card.sales.touchAttemptsPerLead).toBe(1.17); // 7 attempts over 6 touched hand-offs
  });

  it('breaks it down by rep and team', () => {
    const row = (id: string) => card.sales.byRep.find((r) => r.id === id);
    expect(card.sales.byRep.map((r) => r.id)).toEqual(['anna', 'ben', 'carla', 'dev']);
    expect(row('anna')).toEqual({
      id: 'anna',
      name: 'Anna Becker',
      teamId: 'dach',
      assigned: 2,
      firstTouches: 2,
      judged: 2,
      withinSla: 2,
      withinSlaRate: 1,
      firstTouchMinutes: { count: 2, p50: 20, p90: 30 },
      reminders: 0,
      breaches: 0,
      escalations: 0,
      reassignedAway: 0,
      accepted: 2,
      rejected: 0,
      won: 1,
      lost: 0,
    });
    // Dev let E breach and lost it to Carla: judged on it, no touch of his own.
    expect(row('dev')).toMatchObject({
      assigned: 1,
      judged: 1,
      withinSla: 0,
      withinSlaRate: 0,
      firstTouchMinutes: { count: 0, p50: null, p90: null },
      reminders: 1,
      breaches: 1,
      escalations: 2,
      reassignedAway: 1,
    });
    expect(row('carla')).toMatchObject({
      assigned: 3,
      judged: 2,
      withinSla: 1,
      firstTouchMinutes: { p50: 40, p90: 120 },
    });
    expect(
      card.sales.byTeam.map((t) => [t.id, t.judged, t.withinSla, t.withinSlaRate, t.firstTouchMinutes]),
    ).toEqual([
      ['dach', 4, 3, 0.75, { count: 4, p50: 20, p90: 90 }],
      ['international', 3, 1, 0.3333, { count: 2, p50: 40, p90: 120 }],
    ]);
  });
});

describe('the funnel and the closed loop', () => {
  it('counts each stage in the period, with conversion and stage durations', () => {
    // Lead→MQL hours: A 24, C 48, B/D/E/G 0 → p50 = 3rd of 6 = 0, p90 = 6th = 48.
    // MQL→SQL: A 1, C 7, H 70 (26 Feb 10:00 → 1 Mar 08:00), others 0 → p90 = 7th of 7 = 70.
    // SQL→accepted: G 3, A 4.5, D 5 → p50 4.5, p90 5. Accepted→won: A 188.5.
    expect(card.funnel).toEqual({
      stages: [
        { stage: 'lead', count: 7, conversionFromPrevious: null, hoursFromPrevious: null },
        {
          stage: 'mql',
          count: 6,
          conversionFromPrevious: 0.8571,
          hoursFromPrevious: { count: 6, p50: 0, p90: 48 },
        },
        {
          stage: 'sql',
          count: 7,
          conversionFromPrevious: 1.1667,
          hoursFromPrevious: { count: 7, p50: 0, p90: 70 },
        },
        {
          stage: 'accepted',
          count: 3,
          conversionFromPrevious: 0.4286,
          hoursFromPrevious: { count: 3, p50: 4.5, p90: 5 },
        },
        {
          stage: 'won',
          count: 1,
          conversionFromPrevious: 0.3333,
          hoursFromPrevious: { count: 1, p50: 188.5, p90: 188.5 },
        },
      ],
      leadToWon: 0.1429,
      wonAmount: 20_000,
      wonWithAmount: 1,
      averageDealSize: 20_000,
    });
  });

  it('ranks rejection reasons by source and campaign, and the topics leads asked about', () => {
    expect(card.feedback).toEqual({
      rejectionReasons: [
        { label: 'No budget', count: 1, share: 0.5 },
        { label: 'Other', count: 1, share: 0.5 }, // "Wrong industry" is not an agreed reason
      ],
      rejectionsBySource: [
        { source: 'google', reason: 'Other', count: 1 },
        { source: 'linkedin', reason: 'No budget', count: 1 },
      ],
      rejectionsByCampaign: [
        { campaign: 'brand', reason: 'Other', count: 1 },
        { campaign: 'spring', reason: 'No budget', count: 1 },
      ],
      topics: [
        { label: 'pricing', count: 2, share: 0.6667 },
        { label: 'integrations', count: 1, share: 0.3333 },
      ],
    });
  });
});

describe('agreement versions and erased leads', () => {
  it('judges a lead handed off under v1 by v1, though it was decided after v2 took effect', () => {
    // C: handed off Friday 12 March (v1, bar 60%), rejected Tuesday 16 March (v2 in force, bar 75%).
    const c = facts.get('ld_c');
    const only = scorecard({ counters: [], leadFacts: c ? [c] : [], period: march, now: SEED_NOW, config });
    expect(only.marketing.quality).toEqual({
      judged: 1,
      within: 0,
      rate: 0,
      target: 0.6,
      met: false,
      byVersion: [{ version: '2027-01-01', judged: 1, within: 0, rate: 0, target: 0.6, met: false }],
    });
    expect(only.sales.decision.byVersion).toEqual([
      { version: '2027-01-01', judged: 1, within: 0, rate: 0, target: 0.8, met: false },
    ]);
  });

  it('counts erased leads the same, anonymously', () => {
    const erased = [...facts.values()].map((f, i) => anonymizeFacts(f, `erased-${i}`, config));
    const again = scorecard({ counters, leadFacts: erased, period: march, now: SEED_NOW, config });
    expect(again).toEqual(card);
    expect(JSON.stringify(erased)).not.toMatch(/ld_[a-h]/);
  });

  it('gives the final figures once the period is over', () => {
    const done = scorecard({
      counters,
      leadFacts: [...facts.values()],
      period: march,
      now: '2027-04-06T08:00:00Z',
      config,
    });
    expect(done.period).toMatchObject({ complete: true, businessDaysElapsed: 23 });
    expect(done.marketing.sqls).toEqual({
      delivered: 7,
      commitment: 59,
      expectedSoFar: 59,
      pace: 0.1186, // 7 / 59
      projected: 7,
      status: 'behind',
    });
  });
});
