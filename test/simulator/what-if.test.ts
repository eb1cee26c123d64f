/**
 * The simulator on a small seeded history: the same seed gives the same history and the same
 * figures, and a shorter first-touch SLA breaches more on the same history.
 */
import { describe, expect, it } from 'vitest';
import { generateHistory } from '../../simulator/seed.ts';
import { simulate } from '../../simulator/simulate.ts';
import { unitConfig } from '../support/unit-config.ts';

const config = unitConfig();
const period = { from: '2026-03-02', to: '2026-03-16' };

describe('what-if simulation', () => {
  it('gives the same history and the same figures for the same seed', async () => {
    const history = generateHistory(config, { seed: 11, leads: 60, ...period });
    expect(generateHistory(config, { seed: 11, leads: 60, ...period })).toEqual(history);
    expect(generateHistory(config, { seed: 12, leads: 60, ...period })).not.toEqual(history);
    const first = await simulate(config, history, { horizonDays: 10 });
    const second = await simulate(config, history, { horizonDays: 10 });
    expect(second.metrics).toEqual(first.metrics);
    expect(second.leads.map((l) => l.path)).toEqual(first.leads.map((l) => l.path));
    expect(second.activities).toEqual(first.activities);
    // The run did real work: leads were handed off, touched and breached.
    expect(first.metrics.handedOff).toBeGreaterThan(10);
    expect(first.metrics.touched).toBeGreaterThan(5);
    expect(first.metrics.failedExecutions).toBe(0);
  }, 120_000);

  it('gives the same paths and figures on the library engine (aws-local-stepfunctions) as on the interpreter', async () => {
    const history = generateHistory(config, { seed: 13, leads: 40, ...period });
    const interpreted = await simulate(config, history, { horizonDays: 10 });
    const library = await simulate(config, history, { horizonDays: 10, engine: 'library' });
    expect(library.leads.map((l) => l.path)).toEqual(interpreted.leads.map((l) => l.path));
    expect(library.metrics).toEqual(interpreted.metrics);
    expect(interpreted.metrics.handedOff).toBeGreaterThan(5);
  }, 120_000);

  it('gives the same report for the same seed whatever the number of worker threads', async () => {
    const history = generateHistory(config, { seed: 17, leads: 80, ...period });
    const [one, two, three] = await Promise.all(
      [1, 2, 3].map((workers) => simulate(config, history, { horizonDays: 10, workers })),
    );
    for (const other of [two, three]) {
      expect(other?.metrics).toEqual(one?.metrics);
      expect(other?.leads.map((l) => [l.leadId, l.path, l.lead?.owner?.repId])).toEqual(
        one?.leads.map((l) => [l.leadId, l.path, l.lead?.owner?.repId]),
      );
      expect(other?.activities.map((a) => a.activityId).sort()).toEqual(
        one?.activities.map((a) => a.activityId).sort(),
      );
    }
    expect(one?.metrics.handedOff).toBeGreaterThan(10);
    expect(new Set(one?.leads.map((l) => l.lead?.owner?.teamId).filter(Boolean)).size).toBeGreaterThan(1);
  }, 120_000);

  it('breaches more under a shorter first-touch SLA on the same history', async () => {
    const history = generateHistory(config, { seed: 5, leads: 60, ...period });
    const shorter = unitConfig((c) => ({
      ...c,
      sla: {
        ...c.sla,
        firstTouchMinutes: 15,
        escalation: [{ afterMinutes: 15, notify: ['rep', 'manager'] }],
      },
    }));
    const baseline = await simulate(config, history, { horizonDays: 10 });
    const proposed = await simulate(shorter, history, { horizonDays: 10 });
    expect(proposed.metrics.handedOff).toBe(baseline.metrics.handedOff);
    expect(proposed.metrics.breachedLeads).toBeGreaterThan(baseline.metrics.breachedLeads);
    expect(proposed.metrics.firstTouchWithinSla).toBeLessThan(baseline.metrics.firstTouchWithinSla);
  }, 120_000);
});
