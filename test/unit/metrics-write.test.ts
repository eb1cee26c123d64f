import { describe, expect, it } from 'vitest';
import { milestoneDays } from '../../functions/domain/metrics/days.ts';
import { planMetricsWrite } from '../../functions/domain/metrics/metrics-write.ts';
import type { LeadFacts } from '../../functions/domain/scorecard/facts.ts';
import { event, seedConfig } from './scorecard-seed.ts';

const config = seedConfig();
const anna = { repId: 'anna', teamId: 'dach' };

function facts(events: ReturnType<typeof event>[]): LeadFacts | undefined {
  let current: LeadFacts | undefined;
  for (const e of events) {
    const plan = planMetricsWrite(e, config, current);
    if (plan.kind === 'write') current = plan.facts;
  }
  return current;
}

describe('planMetricsWrite', () => {
  const captured = event('LeadCaptured', 'ld_1', '2027-03-01T08:00:00Z', {
    resubmission: false,
    utm: { source: 'Google', campaign: 'Spring' },
  });

  it('writes the first event of a lead on revision 0, one ADD per counter key', () => {
    const plan = planMetricsWrite(captured, config, undefined);
    expect(plan).toMatchObject({ kind: 'write', expectedRevision: 0, indexDays: [] });
    if (plan.kind !== 'write') return;
    expect(plan.facts.revision).toBe(1);
    expect(
      plan.counters.map((c) => `${c.key.dimension}=${c.key.value} ${JSON.stringify(c.metrics)}`),
    ).toEqual(['unit=demo {"leads":1}', 'source=google {"leads":1}', 'campaign=spring {"leads":1}']);
  });

  it('plans nothing for an event the facts already applied', () => {
    const before = facts([captured]);
    expect(planMetricsWrite(captured, config, before)).toEqual({ kind: 'duplicate' });
  });

  it('indexes the lead under the local day of each new milestone, once', () => {
    const before = facts([captured]);
    // 23:30 UTC on 1 March is 2 March in Berlin.
    const qualified = event('LeadQualified', 'ld_1', '2027-03-01T23:30:00Z', { reasons: [] });
    const plan = planMetricsWrite(qualified, config, before);
    expect(plan).toMatchObject({ kind: 'write', expectedRevision: 1, indexDays: ['2027-03-02'] });
    const after = facts([captured, qualified]);
    const reminder = event('FollowUpReminder', 'ld_1', '2027-03-02T08:45:00Z', {
      owner: anna,
      followUpDueAt: '2027-03-02T09:00:00Z',
    });
    expect(planMetricsWrite(reminder, config, after)).toMatchObject({ kind: 'write', indexDays: [] });
  });
});

describe('milestoneDays', () => {
  it('lists the local days of MQL, SQL, hand-off, decision and outcome, not of capture', () => {
    const lead = facts([
      event('LeadCaptured', 'ld_2', '2027-02-26T10:00:00Z', { resubmission: false }),
      event('LeadScored', 'ld_2', '2027-02-27T10:00:00Z', { total: 30, fit: 30, engagement: 0 }),
      event('LeadQualified', 'ld_2', '2027-03-01T08:00:00Z', { reasons: [] }),
      event('LeadAssigned', 'ld_2', '2027-03-01T08:00:00Z', {
        owner: anna,
        followUpDueAt: '2027-03-01T09:00:00Z',
      }),
      event('LeadAccepted', 'ld_2', '2027-03-03T08:00:00Z', { owner: anna }),
      event('LeadConverted', 'ld_2', '2027-03-31T22:30:00Z', { result: 'won' }),
    ]) as LeadFacts;
    expect(milestoneDays(lead, 'Europe/Berlin')).toEqual([
      '2027-02-27',
      '2027-03-01',
      '2027-03-03',
      '2027-04-01',
    ]);
  });
});
