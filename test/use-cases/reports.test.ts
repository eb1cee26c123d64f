/**
 * The agreement's read side over the lead store: which leads a period reads, the period a
 * request asks for, and the planning calculator measuring the unit's last twelve months.
 * Demo unit (Europe/Berlin; planning: EUR 18,000 a deal, at least 30 observations to measure).
 */
import { describe, expect, it } from 'vitest';
import { InMemoryLeadRepository } from '../../functions/adapters/in-memory/lead-repository.ts';
import { InMemoryMetricsStore } from '../../functions/adapters/in-memory/metrics-store.ts';
import type { Lead, Stage, TimelineEntry } from '../../functions/domain/lead.ts';
import type { Period } from '../../functions/domain/scorecard/types.ts';
import type { MetricsStore } from '../../functions/use-cases/ports.ts';
import { PeriodError, planReport, reportPeriod, scorecardReport } from '../../functions/use-cases/reports.ts';
import { metricsOf } from '../support/metrics-of.ts';
import { unitConfig } from '../support/unit-config.ts';

const config = unitConfig();
const clockAt = (iso: string) => ({ now: () => new Date(iso) });

describe('the period of a request', () => {
  const now = new Date('2026-03-31T22:30:00Z'); // already 1 April in Berlin

  it('is the current local month by default, or from a date to the end of its month', () => {
    expect(reportPeriod(config, now, {})).toEqual({ from: '2026-04-01', to: '2026-04-30' });
    expect(reportPeriod(config, now, { from: '2026-02-10' })).toEqual({
      from: '2026-02-10',
      to: '2026-02-28',
    });
    expect(reportPeriod(config, now, { from: '2026-01-01', to: '2026-12-31' })).toEqual({
      from: '2026-01-01',
      to: '2026-12-31',
    });
  });

  it('refuses a backwards, impossible or too long period', () => {
    expect(() => reportPeriod(config, now, { from: '2026-03-02', to: '2026-03-01' })).toThrow(PeriodError);
    expect(() => reportPeriod(config, now, { from: '2026-02-29' })).toThrow("'2026-02-29' is not a date");
    expect(() => reportPeriod(config, now, { from: '2026-13-01' })).toThrow("'2026-13-01' is not a date");
    // 2024 is a leap year: 366 days is the most one request may ask for.
    expect(reportPeriod(config, now, { from: '2024-01-01', to: '2024-12-31' })).toBeDefined();
    expect(() => reportPeriod(config, now, { from: '2024-01-01', to: '2025-01-01' })).toThrow(
      'the period has 367 days; at most 366 per request',
    );
  });
});

describe('the leads a scorecard reads', () => {
  it('are the ones the metrics index names on the days of the period, read day by day', async () => {
    const store = new InMemoryMetricsStore();
    const asked: string[] = [];
    const metrics: MetricsStore = Object.assign(Object.create(store) as MetricsStore, {
      counters: (period: Period) => {
        asked.push(`counters ${period.from}..${period.to}`);
        return store.counters(period);
      },
      leadFactsIn: (period: Period) => {
        asked.push(`facts ${period.from}..${period.to}`);
        return store.leadFactsIn(period);
      },
    });
    await scorecardReport(
      { config, metrics, clock: clockAt('2026-04-02T10:00:00Z') },
      { from: '2026-03-01', to: '2026-03-31' },
    );
    expect(asked.sort()).toEqual(['counters 2026-03-01..2026-03-31', 'facts 2026-03-01..2026-03-31']);
  });
});

describe('the planning calculator', () => {
  /** A lead captured at `at` that scored 40 and went through the funnel as far as `stage`. */
  function funnelLead(i: number, at: Date, stage: Stage): Lead {
    const iso = (minutes: number) => new Date(at.getTime() + minutes * 60_000).toISOString();
    const steps: Array<[number, string, Record<string, unknown>?]> = [
      [0, 'scored', { breakdown: [{ kind: 'fit', id: 'fit', description: 'fit', points: 40 }] }],
      [0, 'qualified'],
      [0, 'assigned'],
      [10, 'touch', { at: iso(10) }],
    ];
    if (stage !== 'touched') steps.push([20, 'accepted']);
    if (stage === 'won' || stage === 'lost') steps.push([60, stage]);
    const timeline: TimelineEntry[] = steps.map(([minutes, type, data]) => ({
      at: iso(minutes),
      type,
      summary: type,
      ...(data ? { data } : {}),
    }));
    return {
      leadId: `ld_plan${i}`,
      businessUnit: 'demo',
      stage,
      profile: { email: `p${i}@acme.example` },
      createdAt: iso(0),
      updatedAt: iso(60),
      submissionCount: 1,
      engagements: [],
      timeline,
      version: 1,
    };
  }

  it('measures the rates of the last twelve months where they rest on 30 observations', async () => {
    // 40 SQLs in January 2027: 10 never decided, 18 accepted and open, 8 won, 4 lost.
    const leads = new InMemoryLeadRepository();
    for (let i = 0; i < 40; i++) {
      const stage: Stage = i < 10 ? 'touched' : i < 28 ? 'accepted' : i < 36 ? 'won' : 'lost';
      await leads.create(funnelLead(i, new Date(Date.UTC(2027, 0, 4 + (i % 20), 9)), stage));
    }
    const plan = await planReport(
      { config, metrics: await metricsOf(leads), clock: clockAt('2027-02-15T10:00:00Z') },
      { revenueGoal: 720_000, period: '2027-03' },
    );
    // Leads → MQL 40 / 40, MQL → SQL 40 / 40, SQL → accepted 30 / 40: measured. Accepted → won
    // 8 / 30: measured (30 observations). No deal amounts: EUR 18,000 as entered.
    expect(plan.rates).toEqual({
      leadToMql: { value: 1, source: 'measured', sample: 40 },
      mqlToSql: { value: 1, source: 'measured', sample: 40 },
      sqlToAccepted: { value: 0.75, source: 'measured', sample: 40 },
      acceptedToWon: { value: 8 / 30, source: 'measured', sample: 30 },
    });
    expect(plan.averageDealSize).toEqual({ value: 18_000, source: 'entered' });
    // 720,000 / 18,000 = 40 deals; / (8/30) = 150 accepted; / 0.75 = 200 SQLs, MQLs and leads.
    expect(plan.total).toEqual({ deals: 40, acceptedSqls: 150, sqls: 200, mqls: 200, leads: 200 });
  });
});
