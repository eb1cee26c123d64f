/**
 * The metrics projection on the local runtime: the rule synthesized from EVENT_ROUTES sends the
 * lifecycle's events to record-metrics, which counts them in the unit table (one conditional
 * write per event), so the scorecard can be read from counters and facts instead of leads.
 */
import { describe, expect, it } from 'vitest';
import { DynamoMetricsStore } from '../../functions/adapters/metrics-store.ts';
import { scorecard } from '../../functions/domain/scorecard/scorecard.ts';
import { scorecardInputFromMetrics } from '../../functions/use-cases/record-metrics.ts';
import { contactSales } from '../../local/driver.ts';
import { harnessPerTest, unitConfig } from '../support/local-harness.ts';

// Monday 23 March 2026, 10:00 in Berlin.
const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' });
const MARCH = { from: '2026-03-01', to: '2026-03-31' };

describe('metrics projection on the local runtime', () => {
  it('counts a hand-raiser captured, qualified, handed off, accepted and won, each event once', async () => {
    const leadId = await h.captureLead(contactSales('eva@acme.example', 'DE'));
    await h.runUntil('2026-03-23T09:20:00Z');
    await h.activity('TouchLogged', { leadId, channel: 'call', repEmail: 'anna@demo.example.com' });
    await h.activity('LeadAccepted', { leadId });
    await h.activity('OutcomeRecorded', { leadId, result: 'won' });
    await h.local.stepFunctions.execution(leadId)?.done;
    await h.settle();

    const store = new DynamoMetricsStore(h.local.tableName);
    const read = await scorecardInputFromMetrics(store, MARCH);
    expect(read.leadFacts.map((f) => f.leadId)).toEqual([leadId]);
    const card = scorecard({ ...read, period: MARCH, now: '2026-03-23T12:00:00Z', config: unitConfig() });
    expect(card.funnel.stages.map((s) => `${s.stage}=${s.count}`)).toEqual([
      'lead=1',
      'mql=1',
      'sql=1',
      'accepted=1',
      'won=1',
    ]);
    expect(card.sales.activity).toMatchObject({ handoffs: 1, assigned: 1, accepted: 1, won: 1, breaches: 0 });
    // Every lifecycle event on the bus was delivered to record-metrics.
    const lifecycle = h.local.bus.log.filter(
      (e) => e.source === 'leadflow' && e['detail-type'] !== 'LifecycleFailed',
    );
    expect(lifecycle.length).toBeGreaterThan(0);
    for (const e of lifecycle) expect(e.deliveredTo).toContain('record-metrics');
    expect((await store.facts(leadId))?.revision).toBe(lifecycle.length);
  });

  it('counts a touch logged before the decision as the first touch, timed from the touch', async () => {
    const leadId = await h.captureLead(contactSales('eva@acme.example', 'DE'));
    await h.runUntil('2026-03-23T09:20:00Z');
    await h.activity('TouchLogged', { leadId, channel: 'call', repEmail: 'anna@demo.example.com' });
    await h.runUntil('2026-03-23T09:50:00Z');
    await h.activity('LeadAccepted', { leadId });
    await h.settle();

    const read = await scorecardInputFromMetrics(new DynamoMetricsStore(h.local.tableName), MARCH);
    const handoff = read.leadFacts[0]?.handoffs[0];
    expect(handoff?.firstTouch).toMatchObject({
      at: '2026-03-23T09:20:00.000Z',
      repId: 'anna',
      withinSla: true,
    });
    expect(handoff?.touchAttempts).toBe(1);
    const card = scorecard({ ...read, period: MARCH, now: '2026-03-23T12:00:00Z', config: unitConfig() });
    // 20 business minutes from the assignment to the touch, 30 from the touch to the acceptance.
    expect(card.sales.firstTouch).toMatchObject({ judged: 1, within: 1, minutes: { count: 1, p50: 20 } });
    expect(card.sales.decision).toMatchObject({ judged: 1, within: 1, minutes: { count: 1, p50: 30 } });
    const touched = h.local.bus.log.filter((e) => e['detail-type'] === 'LeadTouched');
    expect(touched).toHaveLength(1);
    expect(touched[0]?.deliveredTo).toContain('record-metrics');
  });
});
