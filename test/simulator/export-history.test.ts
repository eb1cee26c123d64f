/**
 * `npm run export`'s history, read from the local runtime's own store after a few leads went
 * through the real lifecycle: profiles and arrivals, later engagement, verdicts and outcomes,
 * and each rep's response times measured in business minutes from the timelines.
 */
import { describe, expect, it } from 'vitest';
import { LeadStore } from '../../functions/adapters/lead-store.ts';
import { ENV } from '../../functions/runtime/env.ts';
import { contactSales } from '../../local/driver.ts';
import { exportHistory } from '../../simulator/export.ts';
import { History } from '../../simulator/history.ts';
import { simulate } from '../../simulator/simulate.ts';
import { harnessPerTest, unitConfig } from '../support/local-harness.ts';

// Monday 23 March 2026, 10:00 in Berlin: inside the demo unit's business hours.
const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' });
const config = unitConfig();

describe('export of a unit history', () => {
  it('reads leads, engagement, verdicts and reps’ measured response times from the store', async () => {
    const won = await h.captureLead(contactSales('eva@acme.example', 'DE'));
    const rejected = await h.captureLead(contactSales('jonas@kunde.example', 'DE'));
    const [wonRep, rejectedRep] = [
      (await h.getLead(won)).owner?.repId,
      (await h.getLead(rejected)).owner?.repId,
    ];
    expect(wonRep).toBeDefined();
    expect(rejectedRep).not.toBe(wonRep);

    await h.runUntil('2026-03-23T09:10:00Z');
    await h.activity('TouchLogged', { leadId: rejected, channel: 'call' });
    await h.runUntil('2026-03-23T09:30:00Z');
    await h.activity('TouchLogged', { leadId: won, channel: 'call' });
    await h.activity('LeadRejected', { leadId: rejected, reason: 'No budget' });
    await h.runUntil('2026-03-23T10:30:00Z');
    await h.activity('LeadAccepted', { leadId: won });
    await h.runUntil('2026-03-24T09:00:00Z');
    await h.activity('EngagementRecorded', { leadId: won, type: 'webinar-attended' });
    await h.runUntil('2026-03-25T10:30:00Z');
    await h.activity('OutcomeRecorded', { leadId: won, result: 'won' });
    await h.runUntil('2026-03-26T09:00:00Z');

    const { history } = await exportHistory(new LeadStore(String(process.env[ENV.tableName])), config);
    expect(History.parse(history)).toEqual(history);
    expect(history.period).toEqual({ from: '2026-03-23T09:00:00.000Z', to: '2026-03-23T09:00:00.001Z' });
    const byEmail = Object.fromEntries(history.leads.map((l) => [l.submission.email, l]));
    expect(byEmail['eva@acme.example']).toMatchObject({
      arrivedAt: '2026-03-23T09:00:00.000Z',
      submission: { email: 'eva@acme.example', country: 'DE', intent: 'contact-sales' },
      engagements: [{ afterDays: 1, type: 'webinar-attended' }],
      verdict: 'accept',
      result: 'won',
      outcomeAfterDays: 2,
    });
    expect(byEmail['jonas@kunde.example']).toMatchObject({ verdict: 'reject', rejectionReason: 'No budget' });
    expect(history.reps[String(wonRep)]).toEqual({
      touchMinutes: { median: 30, p90: 30 },
      missRate: 0,
      decisionMinutes: { median: 60, p90: 60 },
    });
    expect(history.reps[String(rejectedRep)]).toMatchObject({
      touchMinutes: { median: 10, p90: 10 },
      decisionMinutes: { median: 20, p90: 20 },
    });

    // The simulator replays what was exported.
    const replay = await simulate(config, history, { horizonDays: 5 });
    expect(replay.metrics.handedOff).toBe(2);
  }, 120_000);
});
