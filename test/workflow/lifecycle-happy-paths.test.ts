/**
 * Named lifecycle scenarios run on the synthesized state machine, in virtual time, through
 * the local runtime: HTTP capture, EventBridge activity, SES outbox. Demo unit config
 * (Europe/Berlin, Mon-Fri 09:00-17:00, first touch within 60 business minutes).
 */
import { describe, expect, it } from 'vitest';
import { contactSales as hotLead } from '../../local/driver.ts';
import { HAPPY_PATH_DECISIONS, pathThrough } from '../../workflows/lifecycle-contract.ts';
import { harnessPerTest } from '../support/local-harness.ts';

// Monday 23 March 2026, 10:00 in Berlin (CET, before the DST switch on the 29th).
const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' });

const contactSales = (email: string, extra: Record<string, unknown> = {}) => hotLead(email, 'DE', extra);

describe('happy path', () => {
  it('qualifies a hand-raiser, assigns it, and closes it won after a touch in time and acceptance', async () => {
    const leadId = await h.captureLead(contactSales('eva@acme.example'));
    let lead = await h.getLead(leadId);
    expect(lead.stage).toBe('assigned');
    expect(lead.owner?.repId).toBe('anna');
    expect(lead.sla.assignedAt).toBe('2026-03-23T09:00:00.000Z');
    expect(lead.followUpDueAt).toBe('2026-03-23T10:00:00.000Z');

    await h.runUntil('2026-03-23T09:20:00Z');
    await h.activity('TouchLogged', { leadId, channel: 'call', repEmail: 'anna@demo.example.com' });
    lead = await h.getLead(leadId);
    expect(lead.stage).toBe('touched');
    expect(lead.sla.firstTouchAt).toBe('2026-03-23T09:20:00.000Z');

    await h.activity('LeadAccepted', { leadId });
    expect((await h.getLead(leadId)).stage).toBe('accepted');
    await h.activity('OutcomeRecorded', { leadId, result: 'won', reason: 'Signed annual plan' });
    await h.local.stepFunctions.execution(leadId)?.done;

    lead = await h.getLead(leadId);
    expect(lead.stage).toBe('won');
    expect(h.path(leadId)).toEqual(pathThrough(HAPPY_PATH_DECISIONS));
    expect(h.path(leadId)).toEqual([
      'Start',
      'Started?',
      'AwaitFirstTouch',
      'TouchedOrDeclined?',
      'AwaitDecision',
      'Accepted?',
      'AwaitOutcome',
      'Outcome',
    ]);
    expect(lead.timeline.map((e) => e.type)).toEqual([
      'captured',
      'scored',
      'qualified',
      'assigned',
      'touch',
      'accepted',
      'outcome-logged',
      'won',
    ]);
    const mails = (await h.emails()).filter((m) => m.to.includes('anna@demo.example.com'));
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^New lead for you: Eva Schmidt \(Acme GmbH\)/),
    ]);
    expect(mails[0]?.text).toContain('First touch due');
    const types = h.local.bus.log
      .filter((e) => e.detail.leadId === leadId && e.source === 'leadflow')
      .map((e) => e['detail-type']);
    expect(types).toEqual([
      'LeadCaptured',
      'LeadScored',
      'LeadQualified',
      'LeadAssigned',
      'LeadTouched',
      'LeadAccepted',
      'LeadConverted',
    ]);
  });

  it('does not start a second execution for a duplicate capture event', async () => {
    const leadId = await h.captureLead(contactSales('dup@acme.example'));
    await h.postLead(contactSales('dup@acme.example'));
    await h.settle();
    const runs = h.local.stepFunctions.list().filter((e) => e.name === leadId);
    expect(runs).toHaveLength(1);
    const lead = await h.getLead(leadId);
    expect(lead.timeline.filter((e) => e.type === 'resubmitted')).toHaveLength(1);
    // Start handed the lead off once; the duplicate started no second hand-off either.
    expect(h.path(leadId).filter((s) => s === 'Start' || s === 'HandOff')).toEqual(['Start']);
    expect(lead.timeline.filter((e) => e.type === 'assigned')).toHaveLength(1);
  });
});

describe('nurture', () => {
  it('nurtures a low-fit lead and hands it off once engagement lifts it to SQL', async () => {
    const leadId = await h.captureLead({
      email: 'nina@widgets.example',
      company: 'Widgets AG',
      country: 'DE',
      intent: 'content',
    });
    expect((await h.getLead(leadId)).stage).toBe('nurturing');
    await h.activity('EngagementRecorded', { leadId, type: 'demo-requested' });
    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('assigned');
    expect(h.path(leadId)).toEqual([
      'Start',
      'Started?',
      'Nurture',
      'NurtureCheck',
      'NurtureDone?',
      'HandOff',
      'AwaitFirstTouch',
    ]);
    expect(lead.timeline.map((e) => e.type)).toEqual([
      'captured',
      'scored',
      'nurturing',
      'engagement',
      'rescored',
      'qualified',
      'assigned',
    ]);
  });

  it('disqualifies a lead whose nurture runs out, waking only once a week', async () => {
    const leadId = await h.captureLead({
      email: 'quiet@sleepy.example',
      country: 'FR',
      intent: 'newsletter',
    });
    await h.runUntil('2026-07-01T00:00:00Z');
    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('disqualified');
    const checks = h.path(leadId).filter((s) => s === 'NurtureCheck').length;
    // 90 days of nurture at one check per 7 days: 13 checks, no polling.
    expect(checks).toBe(13);
    expect(h.path(leadId).slice(-2)).toEqual(['NurtureDone?', 'Disqualify']);
    expect(lead.timeline.map((e) => e.type)).toEqual(['captured', 'scored', 'nurturing', 'disqualified']);
    // Marketing's lead: sales is never mailed about it.
    expect((await h.emails()).filter((m) => m.text?.includes('quiet@sleepy.example'))).toEqual([]);
  });
});

describe('reject and recycle', () => {
  it('recycles a rejected lead to nurture with the reason kept, and re-qualifies it on engagement', async () => {
    const leadId = await h.captureLead(contactSales('rita@acme.example', { country: 'AT' }));
    await h.activity('TouchLogged', { leadId, channel: 'email' });
    await h.activity('LeadRejected', { leadId, reason: 'No budget this year' });
    let lead = await h.getLead(leadId);
    expect(lead.stage).toBe('nurturing');
    expect((lead as unknown as { rejection: { reason: string } }).rejection.reason).toBe(
      'No budget this year',
    );
    await h.activity('EngagementRecorded', { leadId, type: 'demo-requested' });
    lead = await h.getLead(leadId);
    expect(lead.stage).toBe('assigned');
    expect(h.path(leadId)).toEqual([
      'Start',
      'Started?',
      'AwaitFirstTouch',
      'TouchedOrDeclined?',
      'AwaitDecision',
      'Accepted?',
      'Recycle',
      'Nurture',
      'NurtureCheck',
      'NurtureDone?',
      'HandOff',
      'AwaitFirstTouch',
    ]);
    const types = h.local.bus.log
      .filter((e) => e.detail.leadId === leadId && e.source === 'leadflow')
      .map((e) => e['detail-type']);
    expect(types).toEqual(expect.arrayContaining(['LeadRejected', 'LeadRecycled', 'LeadNurtured']));
    expect(lead.timeline.map((e) => e.type)).toEqual([
      'captured',
      'scored',
      'qualified',
      'assigned',
      'touch',
      'rejection',
      'recycled',
      'nurturing',
      'engagement',
      'rescored',
      'qualified',
      'assigned',
    ]);
    // Both hand-offs notify the owner: a recycled lead is news again.
    const mails = (await h.emails()).filter(
      (m) => m.text?.includes('rita@acme.example') && m.subject.startsWith('New lead'),
    );
    expect(mails).toHaveLength(2);
  });
});

describe('concurrent hand-offs', () => {
  it('assigns a burst of leads fairly: concurrent hand-offs into one team take distinct turns', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => h.postLead(contactSales(`burst-${i}@acme.example`))),
    );
    const leadIds = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { leadId: string }).leadId),
    );
    await h.settle();
    const owners = await Promise.all(leadIds.map(async (id) => (await h.getLead(id)).owner?.repId));
    const count = (rep: string) => owners.filter((o) => o === rep).length;
    expect(owners.every((o) => o === 'anna' || o === 'ben')).toBe(true);
    expect([count('anna'), count('ben')]).toEqual([10, 10]);
    expect(leadIds.every((id) => h.local.stepFunctions.execution(id)?.status === 'RUNNING')).toBe(true);
  });
});
