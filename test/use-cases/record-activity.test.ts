/**
 * Sales and marketing activity against in-memory ports: what each activity records on the
 * lead, what it publishes, and which waits it completes (or leaves pending) with what.
 */
import { describe, expect, it } from 'vitest';
import type { Lead, Stage } from '../../functions/domain/lead.ts';
import { MAX_WAIT_SECONDS } from '../../functions/domain/wait-limits.ts';
import { runStep } from '../../functions/use-cases/lifecycle/run-step.ts';
import { registerWait } from '../../functions/use-cases/lifecycle/wait-handshake.ts';
import { recordActivity } from '../../functions/use-cases/record-activity.ts';
import { type InMemoryPorts, inMemoryPorts, storedLead } from '../support/in-memory-ports.ts';
import { unitConfig } from '../support/unit-config.ts';
import { ANNA, BEN, HOT, HOT_ID, MONDAY_10, reload, WARM } from './fixtures.ts';

const NOW = MONDAY_10;
/** 480 business minutes after Monday 10:00 in Berlin. */
const TUESDAY_10 = '2026-03-24T09:00:00.000Z';
const owner = { repId: 'anna', name: 'Anna Becker', email: ANNA, teamId: 'dach' };
const recorded = (...completions: ReadonlyArray<readonly [string, 'completed' | 'pending']>) => ({
  status: 'recorded',
  completions: completions.map(([kind, result]) => ({ kind, result })),
});

async function leadIn(ports: InMemoryPorts, stage: Stage, change: Partial<Lead> = {}) {
  return storedLead(ports, HOT, { stage, owner, ...change });
}
const waitFor = (
  ports: InMemoryPorts,
  state: 'AwaitFirstTouch' | 'AwaitDecision' | 'AwaitOutcome' | 'Nurture',
  token: string,
  leadId = HOT_ID,
) => registerWait(ports, { state, leadId, token });

describe('TouchLogged', () => {
  it('before assignment counts the touch and leaves it pending for the first-touch wait', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT, { stage: 'qualified' });
    expect(await recordActivity(ports, 'TouchLogged', { leadId: HOT_ID, channel: 'call' })).toEqual(
      recorded(['first-touch', 'pending']),
    );
    const lead = await reload(ports, HOT_ID);
    expect(lead.stage).toBe('qualified');
    expect(lead.sla).toEqual({ touchAttempts: 1, firstTouchAt: NOW, acceptanceDueAt: TUESDAY_10 });
    expect(lead.timeline.at(-1)).toEqual({
      at: NOW,
      type: 'touch',
      summary: 'Touch logged (call) by sales',
      data: { at: NOW },
    });
    // Not yet anyone's: the touch is published without an owner or minutes since assignment.
    expect(ports.events.published).toEqual([
      expect.objectContaining({
        name: 'LeadTouched',
        data: { owner: {}, channel: 'call', touchAttempts: 1, acceptanceDueAt: TUESDAY_10 },
      }),
    ]);

    // The hand-off then assigns it and its first-touch wait completes the moment it begins.
    await runStep(ports, 'HandOff', HOT_ID, { previous: { decision: 'qualified' } });
    expect(await waitFor(ports, 'AwaitFirstTouch', 'f1')).toEqual({
      registered: 'first-touch',
      completedAtOnce: true,
    });
    expect((await reload(ports, HOT_ID)).stage).toBe('touched');
    expect(ports.callbacks.completed).toEqual([
      { token: 'f1', output: { decision: 'touched', timeoutSeconds: 86_400 } },
    ]);
  });

  it('after assignment moves the lead to touched and completes the first-touch wait', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await leadIn(ports, 'assigned');
    await waitFor(ports, 'AwaitFirstTouch', 'f1');
    expect(await recordActivity(ports, 'TouchLogged', { leadId: HOT_ID, channel: 'email' })).toEqual(
      recorded(['first-touch', 'completed']),
    );
    const lead = await reload(ports, HOT_ID);
    expect(lead.stage).toBe('touched');
    expect(lead.sla).toMatchObject({ touchAttempts: 1, firstTouchAt: NOW, acceptanceDueAt: TUESDAY_10 });
    expect(lead.timeline.at(-1)?.summary).toBe(`Touch logged (email) by ${ANNA}`);
    expect(ports.callbacks.completed).toEqual([
      { token: 'f1', output: { decision: 'touched', timeoutSeconds: 86_400 } },
    ]);
  });

  it.each([
    ['captured', [['first-touch', 'pending']]],
    ['nurturing', []],
    ['touched', []],
    ['accepted', []],
  ] as const)('in stage %s counts the touch and completes %j', async (stage, completions) => {
    const ports = inMemoryPorts({ now: NOW });
    await leadIn(ports, stage);
    expect(await recordActivity(ports, 'TouchLogged', { leadId: HOT_ID, channel: 'other' })).toEqual(
      recorded(...completions),
    );
    const lead = await reload(ports, HOT_ID);
    expect(lead.stage).toBe(stage);
    expect(lead.sla?.touchAttempts).toBe(1);
  });

  it('names the rep who logged it when the event says so', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await leadIn(ports, 'assigned');
    await recordActivity(ports, 'TouchLogged', { leadId: HOT_ID, channel: 'meeting', repEmail: BEN });
    expect((await reload(ports, HOT_ID)).timeline.at(-1)?.summary).toBe(`Touch logged (meeting) by ${BEN}`);
  });

  it('with minTouchAttempts 2 completes the wait only at the second touch', async () => {
    const config = unitConfig((c) => ({ ...c, sla: { ...c.sla, minTouchAttempts: 2 } }));
    const ports = inMemoryPorts({ now: NOW, config });
    await leadIn(ports, 'assigned');
    await waitFor(ports, 'AwaitFirstTouch', 'f1');
    expect(await recordActivity(ports, 'TouchLogged', { leadId: HOT_ID, channel: 'call' })).toEqual(
      recorded(),
    );
    const once = await reload(ports, HOT_ID);
    expect(once.stage).toBe('assigned');
    expect(once.sla).toEqual({ touchAttempts: 1, firstTouchAt: NOW });
    expect(await recordActivity(ports, 'TouchLogged', { leadId: HOT_ID, channel: 'call' })).toEqual(
      recorded(['first-touch', 'completed']),
    );
    expect((await reload(ports, HOT_ID)).sla).toMatchObject({
      touchAttempts: 2,
      acceptanceDueAt: TUESDAY_10,
    });
  });

  it('keeps the earliest touch time when events arrive out of order, and counts later touches only', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await leadIn(ports, 'assigned');
    const touch = (occurredAt: string) =>
      recordActivity(ports, 'TouchLogged', { leadId: HOT_ID, channel: 'call', occurredAt });
    expect(await touch('2026-03-23T08:30:00.000Z')).toEqual(recorded(['first-touch', 'pending']));
    expect(await touch('2026-03-23T08:10:00.000Z')).toEqual(recorded());
    expect(await touch('2026-03-23T08:40:00.000Z')).toEqual(recorded());
    const lead = await reload(ports, HOT_ID);
    expect(lead.sla).toMatchObject({ touchAttempts: 3, firstTouchAt: '2026-03-23T08:10:00.000Z' });
    expect(lead.timeline.slice(-3).map((e) => e.data)).toEqual([
      { at: '2026-03-23T08:30:00.000Z' },
      { at: '2026-03-23T08:10:00.000Z' },
      { at: '2026-03-23T08:40:00.000Z' },
    ]);
  });
});

describe('LeadAccepted', () => {
  it('from assigned counts as the touch, completes the first-touch wait and leaves the acceptance pending', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await leadIn(ports, 'assigned');
    await waitFor(ports, 'AwaitFirstTouch', 'f1');
    expect(await recordActivity(ports, 'LeadAccepted', { leadId: HOT_ID })).toEqual(
      recorded(['first-touch', 'completed'], ['decision', 'pending']),
    );
    const lead = await reload(ports, HOT_ID);
    expect(lead.stage).toBe('accepted');
    expect(lead.sla).toEqual({
      touchAttempts: 1,
      firstTouchAt: NOW,
      acceptanceDueAt: TUESDAY_10,
      acceptedAt: NOW,
      outcomeDueAt: '2026-05-04T08:00:00.000Z',
    });
    expect(lead.timeline.slice(1).map((e) => [e.type, e.summary])).toEqual([
      ['accepted', 'Accepted by Anna Becker'],
    ]);
    expect(ports.events.published).toEqual([
      {
        name: 'LeadAccepted',
        leadId: HOT_ID,
        eventId: `${HOT_ID}:accepted`,
        data: { owner: { repId: 'anna', teamId: 'dach' } },
        occurredAt: NOW,
      },
    ]);
    expect(ports.callbacks.completed).toEqual([
      { token: 'f1', output: { decision: 'touched', timeoutSeconds: 1 } },
    ]);
    await waitFor(ports, 'AwaitDecision', 'd1');
    expect(ports.callbacks.completed.at(-1)).toEqual({
      token: 'd1',
      output: { decision: 'accepted', timeoutSeconds: MAX_WAIT_SECONDS },
    });
  });

  it('from touched completes the decision wait only', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await leadIn(ports, 'touched', { sla: { touchAttempts: 1, firstTouchAt: NOW }, owner: undefined });
    await waitFor(ports, 'AwaitDecision', 'd1');
    expect(await recordActivity(ports, 'LeadAccepted', { leadId: HOT_ID })).toEqual(
      recorded(['decision', 'completed']),
    );
    const lead = await reload(ports, HOT_ID);
    expect(lead.stage).toBe('accepted');
    expect(lead.sla).toEqual({
      touchAttempts: 1,
      firstTouchAt: NOW,
      acceptedAt: NOW,
      outcomeDueAt: '2026-05-04T08:00:00.000Z',
    });
    expect(lead.timeline.at(-1)?.summary).toBe('Accepted by sales');
    expect(ports.events.published[0]?.data).toEqual({ owner: {} });
  });

  it.each(['qualified', 'nurturing', 'accepted', 'won'] as const)('is ignored in stage %s', async (stage) => {
    const ports = inMemoryPorts({ now: NOW });
    await leadIn(ports, stage);
    expect(await recordActivity(ports, 'LeadAccepted', { leadId: HOT_ID })).toEqual({
      status: 'ignored',
      reason: `cannot accept a lead in stage ${stage}`,
    });
    expect((await reload(ports, HOT_ID)).version).toBe(1);
    expect(ports.events.published).toEqual([]);
  });
});

describe('LeadRejected', () => {
  it('from touched records the reason and completes the decision wait with it', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await leadIn(ports, 'touched');
    await waitFor(ports, 'AwaitDecision', 'd1');
    expect(await recordActivity(ports, 'LeadRejected', { leadId: HOT_ID, reason: 'no budget' })).toEqual(
      recorded(['decision', 'completed']),
    );
    const lead = await reload(ports, HOT_ID);
    expect(lead.stage).toBe('touched');
    expect(lead.timeline.at(-1)).toEqual({
      at: NOW,
      type: 'rejection',
      summary: 'Rejected by Anna Becker: no budget',
    });
    expect(ports.callbacks.completed).toEqual([
      { token: 'd1', output: { decision: 'rejected', reason: 'no budget' } },
    ]);
    expect(ports.events.published).toEqual([]);
  });

  it('from assigned also ends the first-touch wait', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await leadIn(ports, 'assigned', { owner: undefined });
    await waitFor(ports, 'AwaitFirstTouch', 'f1');
    expect(await recordActivity(ports, 'LeadRejected', { leadId: HOT_ID, reason: 'spam' })).toEqual(
      recorded(['first-touch', 'completed'], ['decision', 'pending']),
    );
    expect((await reload(ports, HOT_ID)).timeline.at(-1)?.summary).toBe('Rejected by sales: spam');
    expect(ports.callbacks.completed).toEqual([
      { token: 'f1', output: { decision: 'touched', timeoutSeconds: 1 } },
    ]);
  });

  it('is ignored once the lead is accepted', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await leadIn(ports, 'accepted');
    expect(await recordActivity(ports, 'LeadRejected', { leadId: HOT_ID, reason: 'x' })).toEqual({
      status: 'ignored',
      reason: 'cannot reject a lead in stage accepted',
    });
    expect((await reload(ports, HOT_ID)).version).toBe(1);
  });
});

describe('OutcomeRecorded', () => {
  it('of an accepted lead completes the outcome wait with the result', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await leadIn(ports, 'accepted');
    await waitFor(ports, 'AwaitOutcome', 'o1');
    expect(await recordActivity(ports, 'OutcomeRecorded', { leadId: HOT_ID, result: 'won' })).toEqual(
      recorded(['outcome', 'completed']),
    );
    expect((await reload(ports, HOT_ID)).timeline.at(-1)).toEqual({
      at: NOW,
      type: 'outcome-logged',
      summary: 'Outcome logged: won',
    });
    expect(ports.callbacks.completed).toEqual([
      { token: 'o1', output: { decision: 'closed', result: 'won' } },
    ]);
  });

  it('carries the reason of a lost deal', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await leadIn(ports, 'accepted');
    await waitFor(ports, 'AwaitOutcome', 'o1');
    await recordActivity(ports, 'OutcomeRecorded', { leadId: HOT_ID, result: 'lost', reason: 'budget' });
    expect((await reload(ports, HOT_ID)).timeline.at(-1)?.summary).toBe('Outcome logged: lost (budget)');
    expect(ports.callbacks.completed[0]?.output).toEqual({
      decision: 'closed',
      result: 'lost',
      reason: 'budget',
    });
  });

  it('is ignored unless the lead is accepted', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await leadIn(ports, 'touched');
    expect(await recordActivity(ports, 'OutcomeRecorded', { leadId: HOT_ID, result: 'won' })).toEqual({
      status: 'ignored',
      reason: 'an outcome needs an accepted lead, not stage touched',
    });
    expect((await reload(ports, HOT_ID)).version).toBe(1);
  });
});

describe('EngagementRecorded', () => {
  const WARM_ID = 'ld_max_acme_example';

  it('records the engagement and wakes a nurtured lead when the type scores points', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, WARM, { stage: 'nurturing', engagements: [{ type: 'email-clicked', at: NOW }] });
    await waitFor(ports, 'Nurture', 'n1', WARM_ID);
    const occurredAt = '2026-03-23T08:00:00.000Z';
    expect(
      await recordActivity(ports, 'EngagementRecorded', {
        leadId: WARM_ID,
        type: 'webinar-attended',
        occurredAt,
      }),
    ).toEqual(recorded(['nurture', 'completed']));
    const lead = await reload(ports, WARM_ID);
    expect(lead.engagements).toEqual([
      { type: 'email-clicked', at: NOW },
      { type: 'webinar-attended', at: occurredAt },
    ]);
    expect(lead.timeline.at(-1)).toEqual({
      at: NOW,
      type: 'engagement',
      summary: 'Engagement: webinar-attended',
    });
    expect(ports.callbacks.completed).toEqual([{ token: 'n1', output: { decision: 'engaged' } }]);
  });

  it('records but does not wake for a type without points', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, WARM, { stage: 'nurturing' });
    await waitFor(ports, 'Nurture', 'n1', WARM_ID);
    expect(
      await recordActivity(ports, 'EngagementRecorded', { leadId: WARM_ID, type: 'page-viewed' }),
    ).toEqual(recorded());
    expect((await reload(ports, WARM_ID)).engagements).toEqual([{ type: 'page-viewed', at: NOW }]);
    expect(ports.callbacks.completed).toEqual([]);
  });

  it('records but wakes nothing for a lead that is not nurtured', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, WARM, { stage: 'captured' });
    expect(
      await recordActivity(ports, 'EngagementRecorded', { leadId: WARM_ID, type: 'demo-requested' }),
    ).toEqual(recorded());
    expect((await reload(ports, WARM_ID)).engagements).toHaveLength(1);
  });

  it('starts the list for a lead stored without engagements', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, WARM, { stage: 'captured', engagements: undefined });
    await recordActivity(ports, 'EngagementRecorded', { leadId: WARM_ID, type: 'email-clicked' });
    expect((await reload(ports, WARM_ID)).engagements).toEqual([{ type: 'email-clicked', at: NOW }]);
  });
});

describe('recordActivity', () => {
  it('ignores activity about an unknown lead', async () => {
    const ports = inMemoryPorts({ now: NOW });
    expect(await recordActivity(ports, 'TouchLogged', { leadId: 'ld_nobody', channel: 'call' })).toEqual({
      status: 'ignored',
      reason: 'unknown lead',
    });
  });

  it('ignores an activity type it has no recorder for', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await leadIn(ports, 'assigned');
    const outcome = await recordActivity(ports, 'Teleported' as 'TouchLogged', {
      leadId: HOT_ID,
      channel: 'call',
    });
    expect(outcome).toEqual({ status: 'ignored', reason: 'unknown activity Teleported' });
    expect((await reload(ports, HOT_ID)).version).toBe(1);
  });
});
