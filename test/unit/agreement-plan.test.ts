import { describe, expect, it } from 'vitest';
import emea from '../../config/business-units/emea.ts';
import { BusinessUnitConfig } from '../../config/schema.ts';
import {
  measuredFromCounts,
  PlanError,
  parsePlanPeriod,
  planForUnit,
  planFunnel,
  planText,
} from '../../functions/domain/agreement/plan.ts';

const rates = { leadToMql: 0.3, mqlToSql: 0.4, sqlToAccepted: 0.75, acceptedToWon: 0.25 };

describe('planning the funnel backwards', () => {
  it('works from revenue to deals, accepted SQLs, SQLs, MQLs and leads, rounding each step up', () => {
    const plan = planFunnel({ revenueGoal: 1_200_000, period: '2027-Q1', averageDealSize: 40_000, rates });
    // 1,200,000 / 40,000 = 30 deals; / 0.25 = 120 accepted; / 0.75 = 160 SQLs; / 0.4 = 400 MQLs;
    // / 0.3 = 1,333.3 → 1,334 leads. Per month over 3 months: 10, 40, 53.3 → 54, 133.3 → 134, 444.7 → 445.
    expect(plan.total).toEqual({ deals: 30, acceptedSqls: 120, sqls: 160, mqls: 400, leads: 1334 });
    expect(plan.perMonth).toEqual({ deals: 10, acceptedSqls: 40, sqls: 54, mqls: 134, leads: 445 });
    expect(plan.period).toEqual({
      id: '2027-Q1',
      from: '2027-01-01',
      to: '2027-03-31',
      months: ['2027-01', '2027-02', '2027-03'],
    });
    expect(plan.averageDealSize).toEqual({ value: 40_000, source: 'entered' });
    expect(plan.rates.leadToMql).toEqual({ value: 0.3, source: 'entered' });
  });

  it('does not round floating-point dust up to a whole extra SQL', () => {
    // 21 deals / 0.7 is 30.000000000000004 in floating point: still 30 accepted SQLs, not 31.
    const plan = planFunnel({
      revenueGoal: 210_000,
      period: '2027-03',
      averageDealSize: 10_000,
      rates: { leadToMql: 0.4, mqlToSql: 0.5, sqlToAccepted: 0.5, acceptedToWon: 0.7 },
    });
    expect(plan.total).toEqual({ deals: 21, acceptedSqls: 30, sqls: 60, mqls: 120, leads: 300 });
    expect(plan.perMonth).toEqual(plan.total);
  });

  it('uses a measured value from 30 observations on, and says so with the sample size', () => {
    const measured = {
      averageDealSize: { value: 60_000, sample: 29 },
      rates: { acceptedToWon: { value: 0.5, sample: 30 }, sqlToAccepted: { value: 0.5, sample: 29 } },
    };
    const plan = planFunnel({
      revenueGoal: 1_200_000,
      period: '2027-03',
      averageDealSize: 40_000,
      rates,
      measured,
    });
    expect(plan.averageDealSize).toEqual({ value: 40_000, source: 'entered' });
    expect(plan.rates.acceptedToWon).toEqual({ value: 0.5, source: 'measured', sample: 30 });
    expect(plan.rates.sqlToAccepted).toEqual({ value: 0.75, source: 'entered' });
    // 30 deals / 0.5 = 60 accepted / 0.75 = 80 SQLs / 0.4 = 200 MQLs / 0.3 = 666.7 → 667 leads.
    expect(plan.total).toEqual({ deals: 30, acceptedSqls: 60, sqls: 80, mqls: 200, leads: 667 });
  });

  it('ignores a measured rate of 0 (it cannot be worked backwards) in favour of the entered one', () => {
    const plan = planFunnel({
      revenueGoal: 40_000,
      period: '2027',
      averageDealSize: 40_000,
      rates,
      measured: { rates: { acceptedToWon: { value: 0, sample: 45 } } },
    });
    expect(plan.rates.acceptedToWon.source).toBe('entered');
    expect(plan.total.deals).toBe(1);
    // 1 deal / .25 = 4 accepted / .75 = 5.3 → 6 SQLs / .4 = 15 MQLs / .3 = 50 leads; 50 / 12 months = 4.2 → 5.
    expect(plan.total).toEqual({ deals: 1, acceptedSqls: 4, sqls: 6, mqls: 15, leads: 50 });
    expect(plan.perMonth.leads).toBe(5);
  });

  it('names every missing or wrong input in one error', () => {
    const attempt = () =>
      planFunnel({
        revenueGoal: 0,
        period: '2027-Q5',
        rates: { leadToMql: 0.3, mqlToSql: 1.5, sqlToAccepted: 0.75 },
        measured: { averageDealSize: { value: 50_000, sample: 12 } },
      });
    expect(attempt).toThrow(PlanError);
    try {
      attempt();
    } catch (error) {
      expect((error as PlanError).problems).toEqual([
        "period: '2027-Q5' is not a year (2027), quarter (2027-Q1) or month (2027-03)",
        'revenueGoal: must be a positive amount, got 0',
        'rates.mqlToSql: must be above 0 and at most 1, got 1.5',
        'averageDealSize: not entered, and history has 12 of the 30 observations needed',
        'rates.acceptedToWon: not entered, and no history was given',
      ]);
    }
  });

  it('reads years, quarters and months', () => {
    expect(parsePlanPeriod('2027').months).toHaveLength(12);
    expect(parsePlanPeriod('2027').to).toBe('2027-12-31');
    expect(parsePlanPeriod('2027-Q4')).toMatchObject({ from: '2027-10-01', to: '2027-12-31' });
    expect(parsePlanPeriod('2028-02')).toMatchObject({
      from: '2028-02-01',
      to: '2028-02-29',
      months: ['2028-02'],
    });
    expect(() => parsePlanPeriod('2027-13')).toThrow(PlanError);
  });
});

describe('planning for a unit', () => {
  const config = BusinessUnitConfig.parse(emea);

  it("uses the unit's entered values and currency", () => {
    // emea: deal 42,000; rates .25 / .35 / .75 / .3. 1,260,000 → 30 deals → 100 accepted → 133.3 → 134 SQLs
    // → 382.9 → 383 MQLs → 1,532 leads; per month over 12: 3, 9, 12, 32, 128.
    const plan = planForUnit(config, { revenueGoal: 1_260_000, period: '2027' });
    expect(plan.currency).toBe('GBP');
    expect(plan.total).toEqual({ deals: 30, acceptedSqls: 100, sqls: 134, mqls: 383, leads: 1532 });
    expect(plan.perMonth).toEqual({ deals: 3, acceptedSqls: 9, sqls: 12, mqls: 32, leads: 128 });
  });

  it('takes measured history from funnel counts where it is deep enough', () => {
    const measured = measuredFromCounts({
      leads: 200,
      mqls: 60,
      sqls: 30,
      accepted: 24,
      won: 6,
      wonAmount: 150_000,
      wonWithAmount: 5,
    });
    expect(measured).toEqual({
      rates: {
        leadToMql: { value: 0.3, sample: 200 },
        mqlToSql: { value: 0.5, sample: 60 },
        sqlToAccepted: { value: 0.8, sample: 30 },
        acceptedToWon: { value: 0.25, sample: 24 },
      },
      averageDealSize: { value: 30_000, sample: 5 },
    });
    const plan = planForUnit(config, { revenueGoal: 1_260_000, period: '2027', measured });
    // Deal size (5 deals) and acceptedToWon (24) stay entered: 30 deals, 100 accepted; SQL acceptance
    // 0.8 measured → 125 SQLs; 0.5 → 250 MQLs; 0.3 → 833.3 → 834 leads.
    expect(plan.total).toEqual({ deals: 30, acceptedSqls: 100, sqls: 125, mqls: 250, leads: 834 });
    expect(planText(plan)).toContain('Leads                834         70');
    expect(planText(plan)).toContain('Lead to MQL 30% (measured over 200 observations)');
  });
});
