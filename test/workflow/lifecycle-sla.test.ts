/**
 * SLA scenarios on the synthesized state machine in virtual time: reminder, breach, the
 * escalation ladder, reassignment, and deadlines across a weekend and the DST switches.
 * Demo unit: Europe/Berlin 09:00-17:00, first touch 60 business minutes, reminder at 75%,
 * escalation +30 min (rep, manager) and +60 min (manager, ops), one reassignment.
 */
import { describe, expect, it } from 'vitest';
import { harnessPerTest } from '../support/local-harness.ts';

const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' }); // Monday 10:00 CET

const lead = (email: string, country = 'DE') => ({
  email,
  firstName: 'Paul',
  lastName: 'Kern',
  company: 'Kern KG',
  country,
  intent: 'contact-sales',
});
const to = async (address: string) =>
  (await h.emails()).filter((m) => m.to.includes(address)).map((m) => m.subject);
const leadEvents = (leadId: string) =>
  h.local.bus.log
    .filter((e) => e.detail.leadId === leadId && e.source === 'leadflow')
    .map((e) => e['detail-type']);

describe('first-touch SLA', () => {
  it('reminds, breaches, escalates level by level, then reassigns to the next rep', async () => {
    const leadId = await h.captureLead(lead('paul@kern.example'));
    expect((await h.getLead(leadId)).owner?.repId).toBe('anna');

    await h.runUntil('2026-03-23T09:46:00Z'); // 10:46 local: reminder at 10:45
    expect(await to('anna@demo.example.com')).toEqual([
      expect.stringMatching(/^New lead/),
      expect.stringMatching(/^Reminder: follow up/),
    ]);

    await h.runUntil('2026-03-23T10:01:00Z'); // breach at 11:00
    let current = await h.getLead(leadId);
    expect(current.sla.breachedAt).toBe('2026-03-23T10:00:00.000Z');
    expect(await to('mara.manager@demo.example.com')).toEqual([expect.stringMatching(/^SLA breached/)]);

    await h.runUntil('2026-03-23T11:31:00Z'); // level 1 at 11:30, level 2 + reassignment at 12:30
    current = await h.getLead(leadId);
    expect(current.owner?.repId).toBe('ben');
    expect(current.sla.reassignments).toBe(1);
    // Level 2 fires at 12:30 local; the reassignment is the next rung, one second later.
    expect(current.sla.assignedAt).toBe('2026-03-23T11:30:01.000Z');
    expect(current.followUpDueAt).toBe('2026-03-23T12:30:01.000Z');
    expect(await to('ops@demo.example.com')).toEqual([expect.stringMatching(/^Escalation level 2/)]);
    expect(await to('mara.manager@demo.example.com')).toEqual([
      expect.stringMatching(/^SLA breached/),
      expect.stringMatching(/^Escalation level 1/),
      expect.stringMatching(/^Escalation level 2/),
      expect.stringMatching(/^Lead reassigned/),
    ]);
    expect(await to('ben@demo.example.com')).toEqual([expect.stringMatching(/^New lead for you: Paul Kern/)]);
    const breach = (await h.emails()).find((m) => m.subject.startsWith('SLA breached'));
    expect(breach?.text).toMatch(/Waited so far: 1 h 0 min of business time/);
    expect(leadEvents(leadId)).toEqual([
      'LeadCaptured',
      'LeadScored',
      'LeadQualified',
      'LeadAssigned',
      'FollowUpReminder',
      'FollowUpBreached',
      'LeadEscalated',
      'LeadEscalated',
      'LeadAssigned',
      'LeadReassigned',
    ]);
    expect(h.path(leadId).filter((s) => s === 'FirstTouchOverdue')).toHaveLength(5);
    // The first hand-off is Start's; the reassignment goes through HandOff.
    expect(h.path(leadId).filter((s) => s === 'HandOff')).toHaveLength(1);
    expect(current.timeline.map((e) => e.type)).toEqual([
      'captured',
      'scored',
      'qualified',
      'assigned',
      'reminder',
      'breached',
      'escalated',
      'escalated',
      'reassigned',
    ]);
  });

  it('a touch after the reminder stops the clock: no breach', async () => {
    const leadId = await h.captureLead(lead('lisa@kern.example'));
    const { reminderAt, followUpDueAt } = (await h.getLead(leadId)).sla as {
      reminderAt: string;
      followUpDueAt: string;
    };
    await h.runUntil(new Date(Date.parse(reminderAt) + 60_000));
    const reminder = (await h.emails()).filter(
      (m) => m.subject.startsWith('Reminder') && m.text?.includes('lisa@kern.example'),
    );
    expect(reminder).toHaveLength(1);
    await h.activity('TouchLogged', { leadId, channel: 'call' });
    await h.runUntil(new Date(Date.parse(followUpDueAt) + 3 * 3_600_000));
    const current = await h.getLead(leadId);
    expect(current.stage).toBe('touched');
    expect(current.sla.breachedAt).toBeUndefined();
    expect(leadEvents(leadId)).toEqual([
      'LeadCaptured',
      'LeadScored',
      'LeadQualified',
      'LeadAssigned',
      'FollowUpReminder',
      'LeadTouched',
    ]);
    expect(h.path(leadId)).toContain('AwaitDecision');
  });

  it('a touch logged before the wait registered its token still completes it', async () => {
    const email = 'early@kern.example';
    let leadId = '';
    // Land the touch in the window between hand-off and the first-touch wait storing its token.
    h.local.invoker.intercept('lifecycle-step', {
      times: 1,
      match: (e) => (e as { state?: string }).state === 'AwaitFirstTouch',
      before: async () => {
        await h.activity('TouchLogged', { leadId, channel: 'email' }, { settle: false });
      },
    });
    const response = await h.postLead(lead(email));
    leadId = ((await response.json()) as { leadId: string }).leadId;
    await h.settle();
    const current = await h.getLead(leadId);
    expect(current.stage).toBe('touched');
    expect(current.timeline.map((e) => e.type)).toEqual([
      'captured',
      'scored',
      'qualified',
      'assigned',
      'touch',
    ]);
    expect(h.path(leadId).slice(-3)).toEqual(['AwaitFirstTouch', 'TouchedOrDeclined?', 'AwaitDecision']);
  });
});

describe('business-hours deadlines', () => {
  it('counts over the weekend and the March DST switch (Fri 16:30 CET -> Mon 09:30 CEST)', async () => {
    await h.runUntil('2026-03-27T15:30:00Z'); // Friday 16:30 CET
    const leadId = await h.captureLead(lead('weekend@kern.example'));
    const current = await h.getLead(leadId);
    expect(current.sla.assignedAt).toBe('2026-03-27T15:30:00.000Z');
    expect(current.followUpDueAt).toBe('2026-03-30T07:30:00.000Z');
    expect(current.sla.reminderAt).toBe('2026-03-30T07:15:00.000Z');
  });

  it('counts over the October DST switch (Fri 16:30 CEST -> Mon 09:30 CET)', async () => {
    await h.runUntil('2026-10-23T14:30:00Z');
    const leadId = await h.captureLead(lead('autumn@kern.example'));
    expect((await h.getLead(leadId)).followUpDueAt).toBe('2026-10-26T08:30:00.000Z');
  });

  it('skips a holiday (Wed 23 Dec 16:30 -> Sun 27 Dec closed -> Mon 28 Dec 09:30)', async () => {
    await h.runUntil('2026-12-23T15:30:00Z');
    const leadId = await h.captureLead(lead('xmas@kern.example'));
    expect((await h.getLead(leadId)).followUpDueAt).toBe('2026-12-28T08:30:00.000Z');
  });
});
