/**
 * Routing edge cases, failure paths and long nurture on the synthesized state machine, with a
 * New York unit: DST deadlines in America/New_York, an out-of-office rep, capacity caps and
 * the fallback queue, a task that fails then succeeds on retry, one that fails for good, and a
 * year of nurture that stays far below Step Functions' 25,000-event history limit.
 */
import { describe, expect, it } from 'vitest';
import { harnessPerTest, unitConfig } from '../support/local-harness.ts';

const newYork = {
  timezone: 'America/New_York',
  weekly: {
    mon: [['09:00', '17:00']],
    tue: [['09:00', '17:00']],
    wed: [['09:00', '17:00']],
    thu: [['09:00', '17:00']],
    fri: [['09:00', '17:00']],
  },
  holidays: ['2026-11-26'],
} as const;

const config = unitConfig((c) => ({
  ...c,
  timezone: 'America/New_York',
  calendar: structuredClone(newYork) as never,
  nurture: { checkIntervalHours: 24 * 7, maxNurtureDays: 365, onExpiry: 'disqualify' },
  routing: {
    ...c.routing,
    teams: c.routing.teams.map((team) =>
      team.id !== 'dach'
        ? team
        : {
            ...team,
            members: [
              // Ben is first in the rotation but away, so every lead in his absence skips him.
              {
                id: 'ben',
                name: 'Ben Vogel',
                email: 'ben@demo.example.com',
                outOfOffice: [{ from: '2026-03-02', to: '2026-03-13', note: 'Skiing' }],
              },
              { id: 'anna', name: 'Anna Becker', email: 'anna@demo.example.com', capacity: 1 },
            ],
          },
    ),
  },
}));
// Friday 6 March 2026, 16:30 in New York (EST); DST starts Sunday 8 March.
const h = harnessPerTest({ start: '2026-03-06T21:30:00Z', config });

const hot = (email: string, country = 'DE') => ({
  email,
  firstName: 'Jo',
  company: 'Jo Inc',
  country,
  intent: 'contact-sales',
});
const timelineSummaries = async (leadId: string) =>
  (await h.getLead(leadId)).timeline.map((e) => (e as { summary?: string }).summary ?? '');

describe('routing', () => {
  it('skips the out-of-office rep, and the March DST switch in New York moves the deadline correctly', async () => {
    const leadId = await h.captureLead(hot('first@jo.example'));
    const lead = await h.getLead(leadId);
    expect(lead.owner?.repId).toBe('anna');
    expect((await timelineSummaries(leadId)).find((s) => s.startsWith('Assigned'))).toMatch(
      /ben: out-of-office/,
    );
    // Fri 16:30 EST + 30 min, then Mon 09:00 EDT + 30 min = Mon 09:30 EDT (13:30Z).
    expect(lead.followUpDueAt).toBe('2026-03-09T13:30:00.000Z');
  });

  it('sends the lead to the fallback queue when every rep is at capacity or away', async () => {
    await h.captureLead(hot('first@jo.example')); // Anna's one slot
    const leadId = await h.captureLead(hot('second@jo.example'));
    const lead = await h.getLead(leadId);
    expect(lead.owner).toMatchObject({ fallback: true, email: 'sales-queue@demo.example.com' });
    expect((await timelineSummaries(leadId)).find((s) => s.startsWith('Assigned'))).toMatch(
      /fallback.*anna: at-capacity.*ben: out-of-office|fallback.*ben: out-of-office.*anna: at-capacity/,
    );
    expect(
      (await h.emails()).filter((m) => m.to.includes('sales-queue@demo.example.com')).map((m) => m.subject),
    ).toEqual([expect.stringMatching(/^New lead for you: Jo \(Jo Inc\)/)]);
  });

  it('frees capacity when a lead closes, so the next lead goes to the rep again', async () => {
    const leadId = await h.captureLead(hot('first@jo.example'));
    expect((await h.getLead(await h.captureLead(hot('second@jo.example')))).owner?.fallback).toBe(true);
    await h.activity('LeadAccepted', { leadId });
    await h.activity('OutcomeRecorded', { leadId, result: 'lost', reason: 'Chose a competitor' });
    expect((await h.getLead(leadId)).stage).toBe('lost');
    const next = await h.captureLead(hot('third@jo.example'));
    expect((await h.getLead(next)).owner?.repId).toBe('anna');
  });
});

describe('failures', () => {
  it('retries a task that fails once and carries on', async () => {
    h.local.invoker.intercept('lifecycle-step', {
      times: 1,
      match: (e) => (e as { state?: string }).state === 'Start',
      fail: () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    });
    const leadId = await h.captureLead(hot('retry@jo.example', 'US'));
    const execution = h.local.stepFunctions.execution(leadId)!;
    expect(execution.retries).toEqual(['Start']);
    expect(execution.path.slice(0, 3)).toEqual(['Start', 'Started?', 'AwaitFirstTouch']);
    expect((await h.getLead(leadId)).stage).toBe('assigned');
  });

  it('records a task that fails for good on the lead, alerts ops and ends the execution failed', async () => {
    h.local.invoker.intercept('lifecycle-step', {
      times: 10,
      match: (e) => (e as { state?: string }).state === 'Start',
      fail: () => Object.assign(new Error('Table is unavailable'), { name: 'ServiceUnavailable' }),
    });
    const leadId = await h.captureLead(hot('broken@jo.example', 'US'));
    const execution = h.local.stepFunctions.execution(leadId)!;
    await execution.done;
    expect(execution.status).toBe('FAILED');
    expect(execution.retries).toEqual(['Start', 'Start', 'Start']);
    expect(execution.path.slice(-3)).toEqual(['Start', 'RecordFailure', 'LifecycleFailed']);
    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('failed');
    expect(lead.timeline.at(-1)?.type).toBe('failed');
    const alert = (await h.emails()).find(
      (m) => m.to.includes('ops@demo.example.com') && m.subject.includes(leadId),
    );
    expect(alert?.text).toMatch(/ServiceUnavailable: Table is unavailable/);
    expect(
      h.local.bus.log.some((e) => e['detail-type'] === 'LifecycleFailed' && e.detail.leadId === leadId),
    ).toBe(true);
  });
});

describe('long nurture and history', () => {
  it('nurtures a lead for a year with weekly callback waits, far below the 25,000-event history limit', async () => {
    const leadId = await h.captureLead({
      email: 'patient@slow.example',
      country: 'US',
      intent: 'newsletter',
    });
    const started = h.clock.now().getTime();
    await h.runUntil(new Date(started + 366 * 86_400_000));
    const first = h.local.stepFunctions.execution(leadId)!;
    const second = h.local.stepFunctions.execution(`${leadId}-g2`)!;
    await Promise.all([first.done, second.done]);
    expect((await h.getLead(leadId)).stage).toBe('disqualified');
    // Standard executions may run a year at most: after 300 days the lead continues in a new one.
    expect(first.path.slice(-2)).toEqual(['NurtureDone?', 'ContinueAsNew']);
    expect(second.path.slice(0, 3)).toEqual(['Start', 'Started?', 'Nurture']);
    expect(second.path.slice(-2)).toEqual(['NurtureDone?', 'Disqualify']);
    const checks = [...first.path, ...second.path].filter((s) => s === 'NurtureCheck').length;
    expect(checks).toBe(53); // 52 weekly wake-ups plus the last partial week
    // On AWS a Task state writes ~6 history events (entered, scheduled, started, submitted,
    // succeeded, exited) and a Choice 2; each execution is a few hundred events.
    for (const execution of [first, second]) {
      const tasks = execution.path.filter((s) => !s.endsWith('?') && s !== 'Done').length;
      const historyEvents = tasks * 6 + (execution.path.length - tasks) * 2 + 2;
      expect(historyEvents).toBeLessThan(1_000);
    }
  });

  it('counts over the November DST switch in New York (Fri 16:30 EDT -> Mon 09:30 EST)', async () => {
    await h.runUntil('2027-10-29T20:30:00Z'); // Friday 29 Oct 2027, 16:30 EDT; DST ends 7 Nov 2027
    await h.runUntil('2027-11-05T20:30:00Z'); // Friday 5 Nov 2027, 16:30 EDT
    const leadId = await h.captureLead(hot('autumn@jo.example', 'US'));
    expect((await h.getLead(leadId)).followUpDueAt).toBe('2027-11-08T14:30:00.000Z');
  });

  it('continues a lead that outlives the one-year execution limit in a fresh execution', async () => {
    const leadId = await h.captureLead(hot('forever@jo.example', 'US'));
    await h.activity('TouchLogged', { leadId, channel: 'call' });
    await h.activity('LeadAccepted', { leadId });
    const first = h.local.stepFunctions.execution(leadId)!;
    // Accepted but never closed: outcome reminders every window, for eleven months.
    await h.runUntil(new Date(h.clock.now().getTime() + 330 * 86_400_000));
    await first.done;
    expect(first.status).toBe('SUCCEEDED');
    expect(first.path.slice(-2)).toEqual(['StillAwaitingOutcome?', 'ContinueAsNew']);
    const next = h.local.stepFunctions.execution(`${leadId}-g2`)!;
    expect(next.status).toBe('RUNNING');
    expect(next.path.slice(0, 3)).toEqual(['Start', 'Started?', 'AwaitOutcome']);
    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('accepted');
    expect(lead.timeline.filter((e) => e.type === 'continued')).toHaveLength(1);
    await h.activity('OutcomeRecorded', { leadId, result: 'won' });
    await next.done;
    expect((await h.getLead(leadId)).stage).toBe('won');
  });
});
