import { describe, expect, it } from 'vitest';
import type { ProjectedEvent } from '../../functions/domain/scorecard/events.ts';
import { paceFigure } from '../../functions/domain/scorecard/pace.ts';
import { scorecard } from '../../functions/domain/scorecard/scorecard.ts';
import type { Scorecard } from '../../functions/domain/scorecard/types.ts';
import { event, project, seedConfig } from './scorecard-seed.ts';

/** Every number in the scorecard is finite (JSON.stringify would silently turn NaN into null). */
function numbers(value: unknown, path = '$'): Array<[string, number]> {
  if (typeof value === 'number') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => numbers(v, `${path}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
  return [];
}

const sqlAt = (leadId: string, at: string): ProjectedEvent[] => [
  event('LeadCaptured', leadId, at, { resubmission: false }),
  event('LeadQualified', leadId, at, { reasons: [] }),
];

describe('an empty period', () => {
  const config = seedConfig();
  const june = { from: '2027-06-01', to: '2027-06-30' };

  it('gives zeros and nulls, never NaN', () => {
    const card = scorecard({
      counters: [],
      leadFacts: [],
      period: june,
      now: '2027-07-05T10:00:00Z',
      config,
    });
    expect(numbers(card).filter(([, n]) => !Number.isFinite(n))).toEqual([]);
    // June 2027 is under v2 (69 a month) and over: all of it was due, none delivered.
    expect(card.marketing.sqls).toEqual({
      delivered: 0,
      commitment: 69,
      expectedSoFar: 69,
      pace: 0,
      projected: 0,
      status: 'behind',
    });
    const nothingJudged = { judged: 0, within: 0, rate: null, target: null, met: null, byVersion: [] };
    expect(card.marketing.quality).toEqual(nothingJudged);
    expect(card.sales.firstTouch).toEqual({ ...nothingJudged, minutes: { count: 0, p50: null, p90: null } });
    expect(card.sales.decision).toEqual({ ...nothingJudged, minutes: { count: 0, p50: null, p90: null } });
    expect(card.marketing.rates).toEqual({ mqlToSql: null, sqlToAccepted: null });
    expect(card.sales.touchAttemptsPerLead).toBeNull();
    expect(card.sales.byRep).toEqual([]);
    expect(card.funnel.stages.map((s) => [s.stage, s.count, s.conversionFromPrevious])).toEqual([
      ['lead', 0, null],
      ['mql', 0, null],
      ['sql', 0, null],
      ['accepted', 0, null],
      ['won', 0, null],
    ]);
    expect(card.funnel).toMatchObject({ leadToWon: null, averageDealSize: null, wonAmount: 0 });
    expect(card.feedback).toEqual({
      rejectionReasons: [],
      rejectionsBySource: [],
      rejectionsByCampaign: [],
      topics: [],
    });
    expect(Object.values(card.sales.activity).every((n) => n === 0)).toBe(true);
  });

  it('before it starts, nothing is due yet: no pace and no projection', () => {
    const card = scorecard({
      counters: [],
      leadFacts: [],
      period: june,
      now: '2027-05-20T10:00:00Z',
      config,
    });
    expect(card.period).toMatchObject({ businessDays: 22, businessDaysElapsed: 0, complete: false });
    expect(card.marketing.sqls).toEqual({
      delivered: 0,
      commitment: 69,
      expectedSoFar: 0,
      pace: null,
      projected: null,
      status: null,
    });
  });

  it('refuses a period that ends before it starts, or a date that does not exist', () => {
    const now = '2027-07-05T10:00:00Z';
    expect(() =>
      scorecard({
        counters: [],
        leadFacts: [],
        period: { from: '2027-06-30', to: '2027-06-01' },
        now,
        config,
      }),
    ).toThrow('period ends (2027-06-01) before it starts (2027-06-30)');
    expect(() =>
      scorecard({
        counters: [],
        leadFacts: [],
        period: { from: '2027-02-29', to: '2027-03-01' },
        now,
        config,
      }),
    ).toThrow("invalid date '2027-02-29'");
  });
});

describe('a period across the March DST change', () => {
  // Berlin leaves CET (UTC+1) for CEST (UTC+2) on Sunday 28 March 2027.
  const config = seedConfig();
  const { counters, facts } = project(
    [
      ...sqlAt('ld_0', '2027-03-21T22:59:00Z'), // Sunday 21 March 23:59 CET: the week before
      ...sqlAt('ld_1', '2027-03-21T23:30:00Z'), // Monday 22 March 00:30 CET
      ...sqlAt('ld_2', '2027-03-27T23:30:00Z'), // Sunday 28 March 00:30 CET
      ...sqlAt('ld_3', '2027-03-28T21:59:00Z'), // Sunday 28 March 23:59 CEST
      ...sqlAt('ld_4', '2027-03-28T22:30:00Z'), // Monday 29 March 00:30 CEST: the week after
    ],
    config,
  );
  const card = (from: string, to: string, now = '2027-03-29T07:00:00Z'): Scorecard =>
    scorecard({ counters, leadFacts: [...facts.values()], period: { from, to }, now, config });

  it('cuts the days at local midnight on both sides of the change', () => {
    const week = card('2027-03-22', '2027-03-28');
    expect(week.funnel.stages[0]?.count).toBe(3);
    // 5 business days at 3 SQLs a day (v2: 69 over March's 23 business days); the week is over.
    expect(week.marketing.sqls).toMatchObject({
      delivered: 3,
      commitment: 15,
      expectedSoFar: 15,
      pace: 0.2,
      projected: 3,
    });
    expect(week.period).toMatchObject({ days: 7, businessDays: 5, businessDaysElapsed: 5, complete: true });
    expect(card('2027-03-21', '2027-03-21').marketing.sqls.delivered).toBe(1);
    expect(card('2027-03-22', '2027-03-22').marketing.sqls.delivered).toBe(1);
    expect(card('2027-03-28', '2027-03-28').marketing.sqls.delivered).toBe(2);
    expect(card('2027-03-29', '2027-03-29', '2027-03-30T07:00:00Z').marketing.sqls.delivered).toBe(1);
  });

  it('paces by business hours gone on the first day of summer time', () => {
    // Monday 29 March 12:00 CEST (10:00 UTC): 3 of 8 business hours; 23 March business days, 20 gone.
    const month = card('2027-03-01', '2027-03-31', '2027-03-29T10:00:00Z');
    expect(month.period.businessDaysElapsed).toBe(20.38);
    // Expected: 10 days × 2 (v1) + 10.375 days × 3 (v2) = 51.125.
    expect(month.marketing.sqls.expectedSoFar).toBe(51.13);
  });
});

describe('a period across the year end', () => {
  // December 2026 has 21 business days (24 and 25 December are holidays), January 2027 20
  // (1 January is one). 42 a month in 2026 is 2 a day; 60 a month in 2027 is 3 a day.
  const config = seedConfig({
    versions: [
      {
        effectiveFrom: '2026-01-01',
        marketing: { sqlsPerMonth: 42 },
        sales: { firstTouchWithinSlaRate: 0.85, decisionWithinWindowRate: 0.85 },
      },
      { effectiveFrom: '2027-01-01', marketing: { sqlsPerMonth: 60 } },
    ],
  });
  const anna = { repId: 'anna', teamId: 'dach' };
  const { counters, facts } = project(
    [
      ...sqlAt('ld_1', '2026-12-31T10:00:00Z'), // Thursday 31 December 11:00
      ...sqlAt('ld_2', '2026-12-31T23:30:00Z'), // Friday 1 January 00:30: 2027 in Berlin
      // Handed off on New Year's Eve 16:30; the first touch is due after the holiday and the weekend.
      event('LeadAssigned', 'ld_1', '2026-12-31T15:30:00Z', {
        owner: anna,
        followUpDueAt: '2027-01-04T08:30:00Z',
      }),
      event('LeadTouched', 'ld_1', '2027-01-04T08:20:00Z', { owner: anna }),
    ],
    config,
  );
  const card = (from: string, to: string) =>
    scorecard({
      counters,
      leadFacts: [...facts.values()],
      period: { from, to },
      now: '2027-01-11T08:00:00Z',
      config,
    });

  it('splits the commitment between the years and their versions', () => {
    const week = card('2026-12-28', '2027-01-03');
    expect(week.period).toMatchObject({
      days: 7,
      businessDays: 4,
      agreementVersions: ['2026-01-01', '2027-01-01'],
    });
    expect(week.marketing.sqls).toEqual({
      delivered: 2,
      commitment: 8, // 28-31 December at 2 a day; 1-3 January has no business day
      expectedSoFar: 8,
      pace: 0.25,
      projected: 2,
      status: 'behind',
    });
    expect(card('2026-12-01', '2026-12-31').marketing.sqls).toMatchObject({ delivered: 1, commitment: 42 });
    expect(card('2027-01-01', '2027-01-31').marketing.sqls).toMatchObject({ delivered: 1, commitment: 60 });
  });

  it("judges the New Year's Eve hand-off by 2026's version, in business minutes over the holiday", () => {
    const week = card('2026-12-28', '2027-01-03');
    // 16:30-17:00 on the 31st, then 09:00-09:20 on Monday 4 January: 50 business minutes.
    expect(week.sales.firstTouch).toMatchObject({
      judged: 1,
      within: 1,
      target: 0.85,
      byVersion: [{ version: '2026-01-01', judged: 1, within: 1, rate: 1, target: 0.85, met: true }],
      minutes: { count: 1, p50: 50, p90: 50 },
    });
    expect(card('2027-01-01', '2027-01-10').sales.firstTouch.judged).toBe(0);
  });
});

describe('the pace status', () => {
  const config = seedConfig(); // marketingBehindBy 0.15
  // One closed business day owing 20 SQLs: the whole commitment is due.
  const version = config.agreement.versions[0]!;
  const oneDay = {
    days: [{ date: '2027-03-01', open: true, elapsed: 1, version }],
    monthBusinessDays: new Map([['2027-03', 1]]),
  };
  const status = (delivered: number) =>
    paceFigure(oneDay, delivered, () => 20, config.agreement.paceAlerts.marketingBehindBy).status;

  it('is on pace from the full pace, at risk down to 1 − marketingBehindBy, behind below it', () => {
    expect(status(20)).toBe('on pace');
    expect(status(19)).toBe('at risk'); // 0.95
    expect(status(17)).toBe('at risk'); // 0.85, exactly on the margin
    expect(status(16)).toBe('behind'); // 0.8
  });
});
