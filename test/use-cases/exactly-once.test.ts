/**
 * Exactly once, on in-memory ports: an activity applied once per id (a redelivery only
 * finishes the waits), concurrent activities on one lead that lose no update, the engagement
 * cap, alerts left pending by a crash sent on resume, and a failure recorded even when the lead
 * cannot be written.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Lead, Stage } from '../../functions/domain/lead.ts';
import { runStep } from '../../functions/use-cases/lifecycle/run-step.ts';
import { registerWait } from '../../functions/use-cases/lifecycle/wait-handshake.ts';
import { recordActivity } from '../../functions/use-cases/record-activity.ts';
import { type InMemoryPorts, inMemoryPorts, storedLead } from '../support/in-memory-ports.ts';
import { unitConfig } from '../support/unit-config.ts';
import { ANNA, HOT, HOT_ID, MONDAY_10, OPS, reload } from './fixtures.ts';

const owner = {
  repId: 'anna',
  name: 'Anna Becker',
  email: ANNA,
  teamId: 'dach',
  managerEmail: 'm@x.example',
};
const leadIn = (ports: InMemoryPorts, stage: Stage, change: Partial<Lead> = {}) =>
  storedLead(ports, HOT, { stage, owner, ...change });

/** An activity's write that claimed the wait holding `token` (its completion then never sent). */
async function claimedByActivity(
  ports: InMemoryPorts,
  leadId: string,
  kind: string,
  token: string,
  result: { decision: string } & Record<string, unknown>,
) {
  const { version } = await reload(ports, leadId);
  const written = await ports.leads.applyActivity(
    leadId,
    {},
    { expectedVersion: version, results: { [kind]: { result, claimWith: token } } },
    ports.clock.now(),
  );
  expect(written).not.toBe('conflict');
}

describe('an activity applied once per id', () => {
  it('does not apply a redelivered TouchLogged again, but completes the wait it left pending', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await leadIn(ports, 'assigned');
    await registerWait(ports, { state: 'AwaitFirstTouch', leadId: HOT_ID, token: 't1' });
    const touch = { leadId: HOT_ID, channel: 'call' as const };
    // The first delivery applies the touch, then crashes calling Step Functions.
    vi.spyOn(ports.callbacks, 'completeWait').mockRejectedValueOnce(new Error('connection reset'));
    await expect(recordActivity(ports, 'TouchLogged', touch, { activityId: 'evt-1' })).rejects.toThrow(
      'connection reset',
    );
    // The token is claimed but unused; put it back as the crash left it, with the result pending.
    await registerWait(ports, { state: 'AwaitFirstTouch', leadId: HOT_ID, token: 't1' });
    const redelivered = await recordActivity(ports, 'TouchLogged', touch, { activityId: 'evt-1' });
    expect(redelivered).toEqual({ status: 'duplicate', completions: [] });
    const lead = await reload(ports, HOT_ID);
    expect(lead.sla?.touchAttempts).toBe(1);
    expect(lead.timeline.filter((e) => e.type === 'touch')).toHaveLength(1);
  });

  it('completes on redelivery a wait whose result the first delivery left pending', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await leadIn(ports, 'assigned');
    const touch = { leadId: HOT_ID, channel: 'call' as const };
    // The wait has no token yet when the touch is applied; the delivery then stops.
    expect(await recordActivity(ports, 'TouchLogged', touch, { activityId: 'evt-1' })).toMatchObject({
      completions: [{ kind: 'first-touch', result: 'pending' }],
    });
    // A token appears (stored by a wait that has not looked at its result yet).
    const { waits } = await ports.leads.waits(HOT_ID);
    expect(waits).toEqual({});
    const registered = await ports.leads.registerWait(HOT_ID, 'first-touch', {
      token: 't2',
      state: 'AwaitFirstTouch',
      registeredAt: MONDAY_10,
    });
    expect(registered.pending).toBeDefined();
    const redelivered = await recordActivity(ports, 'TouchLogged', touch, { activityId: 'evt-1' });
    expect(redelivered).toEqual({
      status: 'duplicate',
      completions: [{ kind: 'first-touch', result: 'completed' }],
    });
    expect(ports.callbacks.completed.map((c) => c.token)).toEqual(['t2']);
  });

  it('counts two touches logged at the same moment as two, with two timeline entries', async () => {
    const config = unitConfig((c) => ({ ...c, sla: { ...c.sla, minTouchAttempts: 2 } }));
    const ports = inMemoryPorts({ now: MONDAY_10, config });
    await leadIn(ports, 'assigned');
    const touch = (id: string) =>
      recordActivity(ports, 'TouchLogged', { leadId: HOT_ID, channel: 'call' }, { activityId: id });
    await Promise.all([touch('a'), touch('b')]);
    const lead = await reload(ports, HOT_ID);
    expect(lead.sla?.touchAttempts).toBe(2);
    expect(lead.timeline.filter((e) => e.type === 'touch')).toHaveLength(2);
    expect(lead.stage).toBe('touched'); // the second attempt met the unit's minimum of two
  });

  it('applies one of two LeadAccepted arriving at once; the other finds the lead accepted', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await leadIn(ports, 'touched');
    const accept = (id: string) =>
      recordActivity(ports, 'LeadAccepted', { leadId: HOT_ID }, { activityId: id });
    const results = await Promise.all([accept('x'), accept('y')]);
    expect(results.map((r) => r.status).sort()).toEqual(['ignored', 'recorded']);
    const lead = await reload(ports, HOT_ID);
    expect(lead.timeline.filter((e) => e.type === 'accepted')).toHaveLength(1);
    expect(ports.events.names(HOT_ID)).toEqual(['LeadAccepted']);
  });

  it('gives up with an error (for the bus to redeliver) when the lead keeps changing under it', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await leadIn(ports, 'assigned');
    vi.spyOn(ports.leads, 'applyActivity').mockResolvedValue('conflict');
    await expect(recordActivity(ports, 'TouchLogged', { leadId: HOT_ID, channel: 'call' })).rejects.toThrow(
      'kept changing',
    );
    expect(ports.leads.applyActivity).toHaveBeenCalledTimes(10);
  });
});

describe('the engagement cap', () => {
  it('records but does not score, nor wake the nurture wait for, an engagement over the cap', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    const recent = Array.from({ length: 3 }, () => ({ type: 'email-clicked', at: MONDAY_10 }));
    await leadIn(ports, 'nurturing', { engagements: recent });
    const result = await recordActivity(ports, 'EngagementRecorded', {
      leadId: HOT_ID,
      type: 'email-clicked',
    });
    expect(result).toEqual({ status: 'recorded', completions: [] });
    const lead = await reload(ports, HOT_ID);
    expect(lead.engagements).toHaveLength(3);
    expect(lead.timeline.at(-1)?.summary).toBe(
      'Engagement: email-clicked (not scored: at most 3 per 30 days)',
    );
  });
});

describe('alerts and failures that do not depend on the step finishing', () => {
  it('sends on resume an alert recorded but never marked sent (the runtime stopped in between)', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await leadIn(ports, 'touched');
    const message = { to: [ANNA], subject: 'SLA breached: Eva', text: 'Please call.\n' };
    await ports.alerts.record(HOT_ID, 'breach-1', message, ports.clock.now());
    await runStep(ports, 'Start', HOT_ID, {});
    expect(ports.mailer.grouped()).toEqual([message]);
    expect(ports.alerts.markersOf(HOT_ID)).toEqual(['breach-1']);
    await runStep(ports, 'Start', HOT_ID, {});
    expect(ports.mailer.grouped()).toHaveLength(1);
  });

  it('alerts ops and ends the execution even when the lead itself cannot be written', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await leadIn(ports, 'assigned');
    vi.spyOn(ports.leads, 'transition').mockRejectedValue(
      new Error('Item size has exceeded the maximum allowed size'),
    );
    const error = { Error: 'ValidationException', Cause: 'Item size has exceeded the maximum allowed size' };
    expect(await runStep(ports, 'RecordFailure', HOT_ID, { error })).toEqual({ decision: 'failed' });
    expect(ports.mailer.grouped().map((m) => m.to)).toEqual([[OPS]]);
    expect(ports.events.names(HOT_ID)).toEqual(['LifecycleFailed']);
  });
});

describe('a completion lost on its way to the wait', () => {
  /** The activity claimed the wait's token and stopped before telling Step Functions. */
  async function lostOnTheWay(
    ports: InMemoryPorts,
    kind: string,
    result: { decision: string } & Record<string, unknown>,
  ) {
    await ports.leads.registerWait(HOT_ID, kind, { token: 'lost', state: 'x', registeredAt: MONDAY_10 });
    await claimedByActivity(ports, HOT_ID, kind, 'lost', result);
  }

  it('is taken by the first-touch overdue step, which moves on to the decision wait', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await leadIn(ports, 'touched', {
      sla: {
        acceptanceDueAt: '2026-03-24T09:00:00.000Z',
        ladder: {
          assignedAt: MONDAY_10,
          followUpDueAt: MONDAY_10,
          reminderSent: true,
          escalationLevel: 0,
          reassignments: 0,
        },
      },
    });
    await lostOnTheWay(ports, 'first-touch', { decision: 'touched', timeoutSeconds: 999 });
    expect(
      await runStep(ports, 'FirstTouchOverdue', HOT_ID, {
        previous: { decision: 'assigned', timeoutSeconds: 60 },
      }),
    ).toEqual({
      decision: 'touched',
      timeoutSeconds: 24 * 3600, // until the acceptance deadline stored on the lead
    });
    expect(ports.mailer.grouped()).toEqual([]); // no breach alert for a lead that was touched
    expect(await ports.leads.takeResult(HOT_ID, 'first-touch')).toBeUndefined();
  });

  it('is taken by the decision and outcome overdue steps', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await leadIn(ports, 'accepted', { sla: { outcomeDueAt: '2026-03-23T10:00:00.000Z' } });
    await lostOnTheWay(ports, 'decision', { decision: 'accepted', timeoutSeconds: 5 });
    expect(
      await runStep(ports, 'DecisionOverdue', HOT_ID, {
        previous: { decision: 'touched', timeoutSeconds: 60 },
      }),
    ).toEqual({
      decision: 'accepted',
      timeoutSeconds: 3600,
    });
    await lostOnTheWay(ports, 'outcome', { decision: 'closed', result: 'won' });
    expect(
      await runStep(ports, 'OutcomeOverdue', HOT_ID, {
        previous: { decision: 'accepted', timeoutSeconds: 60 },
      }),
    ).toEqual({
      decision: 'closed',
      result: 'won',
    });
  });

  it('counts as a wake-up for the nurture check', async () => {
    const ports = inMemoryPorts({ now: MONDAY_10 });
    await storedLead(
      ports,
      { email: 'nina@widgets.example', company: 'Widgets AG', country: 'DE' },
      {
        stage: 'nurturing',
        sla: { nurtureStartedAt: MONDAY_10 },
      },
    );
    const leadId = 'ld_nina_widgets_example';
    await ports.leads.registerWait(leadId, 'nurture', {
      token: 'n',
      state: 'Nurture',
      registeredAt: MONDAY_10,
    });
    await claimedByActivity(ports, leadId, 'nurture', 'n', { decision: 'engaged' });
    await runStep(ports, 'NurtureCheck', leadId, { previous: { decision: 'nurture', timeoutSeconds: 60 } });
    expect((await reload(ports, leadId)).timeline.at(-1)?.type).toBe('rescored');
  });
});
