/**
 * FirstTouchOverdue against in-memory ports: one rung of the escalation ladder per call
 * (wait, remind, breach, escalate 1 and 2, reassign; exhausted and give-up when no
 * reassignment is left), each alert sent once, and a failed mail left for the retry.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_WAIT_SECONDS } from '../../functions/domain/wait-limits.ts';
import { firstTouchOverdue } from '../../functions/use-cases/lifecycle/first-touch-ladder.ts';
import { runStep } from '../../functions/use-cases/lifecycle/run-step.ts';
import { StepContext } from '../../functions/use-cases/lifecycle/step-context.ts';
import type { Entering } from '../../workflows/lifecycle-contract.ts';
import { type InMemoryPorts, inMemoryPorts, storedLead } from '../support/in-memory-ports.ts';
import { unitConfig } from '../support/unit-config.ts';
import {
  ANNA,
  at,
  BEN,
  EVA,
  HOT,
  HOT_ID,
  handedOff,
  MARA,
  MINUTE,
  MONDAY_10,
  OPS,
  reload,
  SALES_LEAD,
} from './fixtures.ts';

// Assigned to Anna at 10:00 in Berlin: reminder 10:45, due 11:00, level 1 at 11:30, level 2 at 12:30.
const NOW = MONDAY_10;
const DUE = '2026-03-23T10:00:00.000Z';
const previous: Entering<'FirstTouchOverdue'> = { decision: 'assigned', timeoutSeconds: 1 };
const anna = { repId: 'anna', teamId: 'dach' };

afterEach(() => {
  vi.restoreAllMocks();
});

async function overdueAt(ports: InMemoryPorts, iso: string) {
  ports.clock.set(iso);
  return runStep(ports, 'FirstTouchOverdue', HOT_ID, { previous });
}

/** What one call added: its timeline entry, events and mails. */
function added(
  ports: InMemoryPorts,
  before: { timeline: number; events: number; mails: number },
  lead: { timeline: { type: string; summary: string }[] },
) {
  return {
    entries: lead.timeline.slice(before.timeline).map((e) => [e.type, e.summary]),
    events: ports.events.published.slice(before.events).map((e) => [e.name, e.eventId, e.data]),
    mails: ports.mailer
      .grouped()
      .slice(before.mails)
      .map((m) => [m.to, m.subject]),
  };
}

describe('FirstTouchOverdue', () => {
  it('walks the ladder one rung per call: remind, breach, escalate 1 and 2, then reassign', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await handedOff(ports);
    const rungs = [
      {
        at: '2026-03-23T09:45:00.000Z',
        outcome: { decision: 'remind', timeoutSeconds: 15 * 60 },
        entry: ['reminder', `Reminder sent to Anna Becker: first touch due ${DUE}`],
        event: ['FollowUpReminder', `${HOT_ID}:reminder:1`, { owner: anna, followUpDueAt: DUE }],
        mail: [[ANNA], `Reminder: follow up with ${EVA} before 23 Mar 2026, 11:00 (Europe/Berlin)`],
        marker: 'reminder-1',
        ladder: { reminderSent: true, escalationLevel: 0 },
      },
      {
        at: DUE,
        outcome: { decision: 'breach', timeoutSeconds: 30 * 60 },
        entry: ['breached', 'First-touch SLA breached after 60 business minutes (SLA 60)'],
        event: [
          'FollowUpBreached',
          `${HOT_ID}:breach:1`,
          { owner: anna, followUpDueAt: DUE, businessMinutesWaited: 60 },
        ],
        mail: [[ANNA, MARA, SALES_LEAD], `SLA breached: ${EVA} has not been contacted`],
        marker: 'breach-1',
        ladder: { reminderSent: true, escalationLevel: 1 },
      },
      {
        at: '2026-03-23T10:30:00.000Z',
        outcome: { decision: 'escalate', timeoutSeconds: 60 * 60 },
        entry: ['escalated', 'Escalation level 1: notified rep, manager'],
        event: [
          'LeadEscalated',
          `${HOT_ID}:escalated:1:1`,
          { owner: anna, level: 1, notified: ['rep', 'manager'] },
        ],
        mail: [[ANNA, MARA, SALES_LEAD], `Escalation level 1: ${EVA} still not contacted`],
        marker: 'escalation-1-1',
        ladder: { reminderSent: true, escalationLevel: 2 },
      },
      {
        at: '2026-03-23T11:30:00.000Z',
        outcome: { decision: 'escalate', timeoutSeconds: 1 },
        entry: ['escalated', 'Escalation level 2: notified manager, ops'],
        event: [
          'LeadEscalated',
          `${HOT_ID}:escalated:1:2`,
          { owner: anna, level: 2, notified: ['manager', 'ops'] },
        ],
        mail: [[MARA, SALES_LEAD, OPS], `Escalation level 2: ${EVA} still not contacted`],
        marker: 'escalation-1-2',
        ladder: { reminderSent: true, escalationLevel: 3 },
      },
    ];
    const markers = ['assigned-1'];
    for (const rung of rungs) {
      const before = {
        timeline: (await reload(ports, HOT_ID)).timeline.length,
        events: ports.events.published.length,
        mails: ports.mailer.grouped().length,
      };
      expect(await overdueAt(ports, rung.at)).toEqual(rung.outcome);
      const lead = await reload(ports, HOT_ID);
      expect(added(ports, before, lead)).toEqual({
        entries: [rung.entry],
        events: [rung.event],
        mails: [rung.mail],
      });
      expect(lead.sla?.ladder).toEqual({
        assignedAt: NOW,
        followUpDueAt: DUE,
        reassignments: 0,
        ...rung.ladder,
      });
      markers.push(rung.marker);
      expect(ports.alerts.markersOf(HOT_ID)).toEqual(markers);
    }
    expect((await reload(ports, HOT_ID)).sla?.breachedAt).toBe(DUE);

    const version = (await reload(ports, HOT_ID)).version;
    expect(await overdueAt(ports, '2026-03-23T11:30:01.000Z')).toEqual({
      decision: 'reassign',
      reassignments: 1,
    });
    expect((await reload(ports, HOT_ID)).version).toBe(version);
    expect(ports.mailer.grouped()).toHaveLength(5);
  });

  it('waits when woken before the next rung: until the reminder, then until the deadline', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const assigned = await handedOff(ports);
    expect(await overdueAt(ports, at(NOW, 20 * MINUTE))).toEqual({
      decision: 'wait',
      timeoutSeconds: 25 * 60,
    });
    await overdueAt(ports, at(NOW, 45 * MINUTE));
    expect(await overdueAt(ports, at(NOW, 50 * MINUTE))).toEqual({
      decision: 'wait',
      timeoutSeconds: 10 * 60,
    });
    await overdueAt(ports, DUE);
    expect(await overdueAt(ports, at(DUE, 10 * MINUTE))).toEqual({
      decision: 'wait',
      timeoutSeconds: 20 * 60,
    });
    expect((await reload(ports, HOT_ID)).version).toBe(assigned.version + 2);
    expect(ports.mailer.grouped()).toHaveLength(3);
  });

  it('keys markers and event ids by hand-off, so the next owner gets a fresh ladder', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await handedOff(ports);
    await runStep(ports, 'HandOff', HOT_ID, { previous: { decision: 'reassign', reassignments: 1 } });
    expect(await overdueAt(ports, at(NOW, 45 * MINUTE))).toEqual({
      decision: 'remind',
      timeoutSeconds: 15 * 60,
    });
    expect(ports.mailer.grouped().at(-1)?.to).toEqual([BEN]);
    expect(ports.events.published.at(-1)?.eventId).toBe(`${HOT_ID}:reminder:2`);
    expect(ports.alerts.markersOf(HOT_ID)).toContain('reminder-2');
  });

  it('sends each alert once even when the same rung is performed again', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await handedOff(ports);
    const ladder = (await reload(ports, HOT_ID)).sla?.ladder;
    expect((await overdueAt(ports, DUE)).decision).toBe('breach');
    // A retry of the step finds the rung done and waits.
    expect(await overdueAt(ports, DUE)).toEqual({ decision: 'wait', timeoutSeconds: 30 * 60 });
    // Even a step that performs the rung again (ladder rolled back) does not mail twice.
    await ports.leads.transition(HOT_ID, { set: { 'sla.ladder': ladder } }, ports.clock.now());
    expect((await overdueAt(ports, DUE)).decision).toBe('breach');
    expect(ports.mailer.subjectsTo(MARA)).toEqual([`SLA breached: ${EVA} has not been contacted`]);
  });

  it('leaves the marker unset when the mail fails, and the step fails', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await handedOff(ports);
    vi.spyOn(ports.mailer, 'send').mockRejectedValueOnce(new Error('SES down'));
    await expect(overdueAt(ports, DUE)).rejects.toThrow('SES down');
    expect(ports.alerts.markersOf(HOT_ID)).toEqual(['assigned-1']);
    expect(ports.mailer.grouped()).toHaveLength(1);
  });

  it('the retry after a failed mail sends the breach alert', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await handedOff(ports);
    vi.spyOn(ports.mailer, 'send').mockRejectedValueOnce(new Error('SES down'));
    await expect(overdueAt(ports, DUE)).rejects.toThrow('SES down');
    await overdueAt(ports, DUE);
    expect(ports.mailer.subjectsTo(MARA)).toEqual([`SLA breached: ${EVA} has not been contacted`]);
  });

  it('does not count an alert nobody could receive as sent', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const ladder = {
      assignedAt: NOW,
      followUpDueAt: DUE,
      reminderSent: false,
      escalationLevel: 0,
      reassignments: 0,
    };
    await storedLead(ports, HOT, { stage: 'assigned', sla: { ladder, handoffs: 1 } });
    expect(await overdueAt(ports, at(NOW, 45 * MINUTE))).toEqual({
      decision: 'remind',
      timeoutSeconds: 15 * 60,
    });
    expect(ports.mailer.grouped()).toEqual([]);
    expect(ports.alerts.markersOf(HOT_ID)).toEqual([]);
  });

  it.each([
    ['no ladder', {}],
    ['no SLA facts at all', undefined],
  ])('fails for a lead with %s', async (_, sla) => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT, { stage: 'assigned', sla });
    await expect(overdueAt(ports, DUE)).rejects.toThrow(`Lead ${HOT_ID} has no first-touch ladder`);
  });
});

describe('FirstTouchOverdue when no reassignment is left', () => {
  const noReassignment = () =>
    unitConfig((c) => ({ ...c, sla: { ...c.sla, maxReassignments: 0, outcomeMinutes: 120 } }));
  const HARD_BOUND = '2026-03-23T13:30:00.000Z'; // level 2 (12:30 in Berlin) + 120 business minutes

  async function exhausted(ports: InMemoryPorts) {
    await handedOff(ports);
    await ports.leads.transition(
      HOT_ID,
      { set: { 'sla.ladder.escalationLevel': 3, 'sla.ladder.reminderSent': true } },
      ports.clock.now(),
    );
  }

  it('alerts manager and ops once that escalation is exhausted, then waits for the hard bound', async () => {
    const ports = inMemoryPorts({ now: NOW, config: noReassignment() });
    await exhausted(ports);
    expect(await overdueAt(ports, '2026-03-23T11:30:01.000Z')).toEqual({
      decision: 'escalation-exhausted',
      timeoutSeconds: 2 * 3600 - 1,
    });
    const lead = await reload(ports, HOT_ID);
    expect(lead.sla?.ladder?.escalationLevel).toBe(4);
    expect(lead.timeline.at(-1)).toMatchObject({
      type: 'escalated',
      summary: 'Escalation level 3: notified manager, ops',
    });
    expect(ports.events.published.at(-1)).toMatchObject({
      name: 'LeadEscalated',
      eventId: `${HOT_ID}:escalated:1:3`,
      data: { owner: anna, level: 3, notified: ['manager', 'ops'] },
    });
    expect(
      ports.mailer
        .grouped()
        .slice(1)
        .map((m) => [m.to, m.subject]),
    ).toEqual([
      [[MARA, SALES_LEAD, OPS], `Escalation exhausted: ${EVA} still not contacted after every level`],
    ]);
    expect(ports.mailer.grouped()[1]?.text).toContain('Waited so far: 2 h 30 min of business time');
    expect(ports.alerts.markersOf(HOT_ID)).toEqual(['assigned-1', 'escalation-1-3']);
    expect(await overdueAt(ports, '2026-03-23T12:30:00.000Z')).toEqual({
      decision: 'wait',
      timeoutSeconds: 3600,
    });
  });

  it('gives up at the hard bound: ops told once, the lead goes to the fallback queue', async () => {
    const ports = inMemoryPorts({ now: NOW, config: noReassignment() });
    await exhausted(ports);
    await overdueAt(ports, '2026-03-23T11:30:01.000Z');
    const before = await reload(ports, HOT_ID);
    expect(await overdueAt(ports, HARD_BOUND)).toEqual({
      decision: 'reassign',
      reassignments: 0,
      fallback: true,
    });
    const lead = await reload(ports, HOT_ID);
    expect(lead.timeline.slice(before.timeline.length).map((e) => [e.type, e.summary])).toEqual([
      ['given-up', 'Never contacted: moving the lead to the fallback queue'],
    ]);
    expect(lead.sla?.ladder).toEqual(before.sla?.ladder);
    expect(ports.events.published).toHaveLength(2);
    expect(ports.mailer.grouped().at(-1)).toMatchObject({
      to: [OPS],
      subject: `Lead moved to the queue: ${EVA} was never contacted`,
    });
    expect(ports.alerts.markersOf(HOT_ID)).toContain('give-up-1');

    // Retried: the timeline says it again, but ops are not mailed twice.
    expect((await overdueAt(ports, HARD_BOUND)).decision).toBe('reassign');
    expect(ports.mailer.subjectsTo(OPS)).toHaveLength(2);
  });

  it('gives up on a lead that lost its owner too', async () => {
    const ports = inMemoryPorts({ now: NOW, config: noReassignment() });
    await exhausted(ports);
    await ports.leads.transition(
      HOT_ID,
      { set: { owner: undefined, 'sla.ladder.escalationLevel': 4 } },
      ports.clock.now(),
    );
    expect(await overdueAt(ports, HARD_BOUND)).toEqual({
      decision: 'reassign',
      reassignments: 0,
      fallback: true,
    });
    expect(ports.mailer.grouped().at(-1)?.to).toEqual([OPS]);
  });

  it('leaves a lead already with the fallback queue waiting 30 days, without alerts', async () => {
    const ports = inMemoryPorts({ now: NOW, config: noReassignment() });
    await exhausted(ports);
    await runStep(ports, 'HandOff', HOT_ID, {
      previous: { decision: 'reassign', reassignments: 0, fallback: true },
    });
    await ports.leads.transition(HOT_ID, { set: { 'sla.ladder.escalationLevel': 4 } }, ports.clock.now());
    const before = await reload(ports, HOT_ID);
    const mails = ports.mailer.grouped().length;
    ports.clock.set('2026-03-24T12:00:00.000Z');
    const ctx = new StepContext(ports, HOT_ID);
    expect(await firstTouchOverdue(ctx, { previous })).toEqual({
      decision: 'wait',
      timeoutSeconds: 30 * 86_400,
    });
    // Through the dispatcher the wait is capped like any other.
    expect(await runStep(ports, 'FirstTouchOverdue', HOT_ID, { previous })).toEqual({
      decision: 'wait',
      timeoutSeconds: MAX_WAIT_SECONDS,
    });
    expect(await reload(ports, HOT_ID)).toEqual(before);
    expect(ports.mailer.grouped()).toHaveLength(mails);
  });
});
