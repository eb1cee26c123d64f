/**
 * The deadlines after the first touch and the end of the escalation ladder, through the
 * synthesized state machine: decision and outcome overdue alerts, the exhausted ladder, and
 * the give-up that hands a never-contacted lead to the fallback queue.
 * Demo unit (Europe/Berlin 09:00-17:00): acceptance within 8 business hours, outcome within 30
 * business days (the default), escalation +30 and +60 minutes after the breach.
 */
import { describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import { harnessPerTest, unitConfig } from '../support/local-harness.ts';

const subjectsTo = async (h: { emails(): Promise<Array<{ to: string[]; subject: string }>> }, to: string) =>
  (await h.emails()).filter((m) => m.to.includes(to)).map((m) => m.subject);

describe('decision and outcome deadlines', () => {
  const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' }); // Monday 10:00 in Berlin

  it('chases a touched lead nobody accepts or rejects, once per window, rep and manager', async () => {
    const leadId = await h.captureLead(contactSales('undecided@acme.example'));
    await h.activity('TouchLogged', { leadId, channel: 'call' });
    expect((await h.getLead(leadId)).sla.acceptanceDueAt).toBe('2026-03-24T09:00:00.000Z');
    await h.runUntil('2026-03-24T09:01:00Z'); // Tuesday 10:01: 8 business hours later
    const decisionMails = (await h.emails()).filter((m) => m.subject.startsWith('Accept or reject'));
    expect(decisionMails.flatMap((m) => m.to).sort()).toEqual([
      'anna@demo.example.com',
      'mara.manager@demo.example.com',
      'sales-lead@demo.example.com',
    ]);
    const lead = await h.getLead(leadId);
    expect(lead.timeline.at(-1)).toMatchObject({
      type: 'decision-overdue',
      summary: 'Accept/reject overdue since 2026-03-24T09:00:00.000Z; manager alerted',
    });
    expect(lead.sla.acceptanceDueAt).toBe('2026-03-25T09:00:00.000Z');
    expect(h.path(leadId).slice(-4)).toEqual([
      'AwaitDecision',
      'DecisionOverdue',
      'StillAwaitingDecision?',
      'AwaitDecision',
    ]);
    // The next window passes too: one more alert, for that window only.
    await h.runUntil('2026-03-25T09:02:00Z');
    expect((await h.emails()).filter((m) => m.subject.startsWith('Accept or reject'))).toHaveLength(6);
    await h.activity('LeadAccepted', { leadId });
    expect((await h.getLead(leadId)).stage).toBe('accepted');
  });

  it('chases an accepted lead without an outcome after 30 business days', async () => {
    const leadId = await h.captureLead(contactSales('open-deal@acme.example'));
    await h.activity('LeadAccepted', { leadId });
    const dueAt = (await h.getLead(leadId)).sla.outcomeDueAt as string;
    expect(dueAt).toBe('2026-05-04T08:00:00.000Z'); // 30 business days later, 10:00 CEST
    await h.runUntil(new Date(Date.parse(dueAt) + 60_000));
    expect(await subjectsTo(h, 'anna@demo.example.com')).toEqual([
      expect.stringMatching(/^New lead for you/),
      expect.stringMatching(/^Outcome overdue for Eva Schmidt \(Acme GmbH\)/),
    ]);
    const lead = await h.getLead(leadId);
    expect(lead.timeline.at(-1)?.type).toBe('outcome-overdue');
    expect(h.path(leadId)).toContain('OutcomeOverdue');
    await h.activity('OutcomeRecorded', { leadId, result: 'won' });
    expect((await h.getLead(leadId)).stage).toBe('won');
  });
});

describe('the end of the escalation ladder', () => {
  // No reassignment left: after the last escalation the ladder is exhausted, then gives up.
  const config = unitConfig((c) => ({ ...c, sla: { ...c.sla, maxReassignments: 0, outcomeMinutes: 120 } }));
  const h = harnessPerTest({ start: '2026-03-23T09:00:00Z', config });

  it('alerts manager and ops when the ladder is exhausted, then moves the lead to the fallback queue', async () => {
    const leadId = await h.captureLead(contactSales('ghosted@acme.example'));
    await h.runUntil('2026-03-23T11:31:00Z'); // breach 11:00, level 1 11:30, level 2 + exhausted 12:30 local
    let lead = await h.getLead(leadId);
    expect(lead.owner?.repId).toBe('anna');
    expect(lead.timeline.filter((e) => e.type === 'escalated').map((e) => e.summary)).toEqual([
      'Escalation level 1: notified rep, manager',
      'Escalation level 2: notified manager, ops',
      'Escalation level 3: notified manager, ops',
    ]);
    expect(await subjectsTo(h, 'ops@demo.example.com')).toEqual([
      expect.stringMatching(/^Escalation level 2/),
      expect.stringMatching(/^Escalation exhausted: Eva Schmidt \(Acme GmbH\)/),
    ]);

    await h.runUntil('2026-03-23T13:32:00Z'); // hard bound: 120 business minutes after the last alert
    lead = await h.getLead(leadId);
    expect(lead.owner).toMatchObject({ fallback: true, email: 'sales-queue@demo.example.com' });
    expect(lead.timeline.map((e) => e.type).slice(-2)).toEqual(['given-up', 'reassigned']);
    expect(await subjectsTo(h, 'ops@demo.example.com')).toEqual([
      expect.stringMatching(/^Escalation level 2/),
      expect.stringMatching(/^Escalation exhausted/),
      expect.stringMatching(/^Lead moved to the queue: Eva Schmidt/),
    ]);
    expect(await subjectsTo(h, 'sales-queue@demo.example.com')).toEqual([
      expect.stringMatching(/^New lead for you/),
    ]);
    expect(h.path(leadId).slice(-4)).toEqual([
      'FirstTouchOverdue',
      'Reassign?',
      'HandOff',
      'AwaitFirstTouch',
    ]);
  });
});
