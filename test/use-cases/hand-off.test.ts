/**
 * HandOff against in-memory ports: routing, the SLA clock, events and alerts, a retried
 * hand-off, reassignment and the fallback queue. Concurrent hand-offs: hand-off-contention.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runStep } from '../../functions/use-cases/lifecycle/run-step.ts';
import { inMemoryPorts, storedLead } from '../support/in-memory-ports.ts';
import { unitConfig } from '../support/unit-config.ts';
import {
  ANNA,
  at,
  BEN,
  EVA,
  entriesAfter,
  HOT,
  HOT_ID,
  handedOff,
  MARA,
  MINUTE,
  reload,
  SALES_LEAD,
} from './fixtures.ts';

// Monday 23 March 2026, 10:00 in Berlin.
const NOW = '2026-03-23T09:00:00.000Z';
const hot = HOT;
const sql = { previous: { decision: 'qualified' as const } };

afterEach(() => {
  vi.restoreAllMocks();
});

/** Counts the routing requests a hand-off makes (each is one DynamoDB request). */
function routingSpies(ports: ReturnType<typeof inMemoryPorts>) {
  const snapshot = vi.spyOn(ports.routing, 'snapshot');
  const takeTicket = vi.spyOn(ports.routing, 'takeTicket');
  const reserve = vi.spyOn(ports.routing, 'reserve');
  return () => ({
    snapshot: snapshot.mock.calls.length,
    takeTicket: takeTicket.mock.calls.length,
    reserve: reserve.mock.calls.length,
  });
}

describe('HandOff', () => {
  it('assigns a qualified lead round-robin, starts the first-touch clock and tells the rep once', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const lead = await storedLead(ports, hot, { stage: 'qualified' });
    const release = vi.spyOn(ports.routing, 'release');
    const routingCalls = routingSpies(ports);
    const outcome = await runStep(ports, 'HandOff', lead.leadId, { previous: { decision: 'qualified' } });
    expect(outcome).toEqual({ decision: 'assigned', timeoutSeconds: 45 * 60 });
    expect(release).not.toHaveBeenCalled();
    const after = await reload(ports, lead.leadId);
    expect(after.stage).toBe('assigned');
    expect(after.owner).toEqual({
      repId: 'anna',
      name: 'Anna Becker',
      email: ANNA,
      teamId: 'dach',
      managerEmail: MARA,
    });
    expect(after.sla).toEqual({
      assignedAt: NOW,
      followUpDueAt: '2026-03-23T10:00:00.000Z',
      reminderAt: '2026-03-23T09:45:00.000Z',
      ladder: {
        assignedAt: NOW,
        followUpDueAt: '2026-03-23T10:00:00.000Z',
        reminderSent: false,
        escalationLevel: 0,
        reassignments: 0,
      },
      handoffs: 1,
      reassignments: 0,
      excludedRepIds: [],
    });
    expect(entriesAfter(after, 1)).toEqual([
      [
        'assigned',
        'Assigned to Anna Becker in team dach by rule dach; first touch due 2026-03-23T10:00:00.000Z',
      ],
    ]);
    expect(after.timeline.at(-1)?.data).toEqual({ skipped: [] });
    expect(ports.events.published).toEqual([
      {
        name: 'LeadAssigned',
        leadId: HOT_ID,
        eventId: `${HOT_ID}:assigned:1`,
        data: {
          owner: { repId: 'anna', teamId: 'dach' },
          followUpDueAt: '2026-03-23T10:00:00.000Z',
          ruleId: 'dach',
        },
        occurredAt: NOW,
      },
    ]);
    expect(ports.mailer.grouped().map((m) => [m.to, m.subject])).toEqual([
      [[ANNA], `New lead for you: ${EVA} — first touch due 23 Mar 2026, 11:00 (Europe/Berlin)`],
    ]);
    expect(ports.routing.leadsOf('anna')).toEqual([lead.leadId]);
    expect(ports.alerts.markersOf(HOT_ID)).toEqual(['assigned-1']);
    // One read, one ticket, one reservation: nothing in routing can conflict or be retried.
    expect(routingCalls()).toEqual({ snapshot: 1, takeTicket: 1, reserve: 1 });
    expect(ports.routing.ticketsTaken('dach')).toBe(1);

    // Retried after it went through: same owner, no second mail or event.
    const again = await runStep(ports, 'HandOff', lead.leadId, { previous: { decision: 'qualified' } });
    expect(again).toEqual({ decision: 'assigned', timeoutSeconds: 45 * 60 });
    expect(ports.mailer.grouped()).toHaveLength(1);
    expect(ports.events.names()).toEqual(['LeadAssigned']);
    expect((await reload(ports, HOT_ID)).version).toBe(after.version);
  });

  it('a retry after the mail failed assigns the rep it reserved and sends the mail it owes', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, hot, { stage: 'qualified' });
    vi.spyOn(ports.mailer, 'send').mockRejectedValueOnce(new Error('SES throttled'));
    await expect(runStep(ports, 'HandOff', HOT_ID, sql)).rejects.toThrow('SES throttled');
    // Nothing is recorded on the lead until the alert went out; Anna's slot stays reserved.
    expect(ports.alerts.markersOf(HOT_ID)).toEqual([]);
    expect((await reload(ports, HOT_ID)).stage).toBe('qualified');
    expect(ports.routing.leadsOf('anna')).toEqual([HOT_ID]);

    ports.clock.set(at(NOW, 20 * MINUTE));
    expect(await runStep(ports, 'HandOff', HOT_ID, sql)).toEqual({
      decision: 'assigned',
      timeoutSeconds: 45 * 60,
    });
    expect(ports.mailer.grouped().map((m) => [m.to, m.subject])).toEqual([
      [[ANNA], `New lead for you: ${EVA} — first touch due 23 Mar 2026, 11:20 (Europe/Berlin)`],
    ]);
    expect(ports.alerts.markersOf(HOT_ID)).toEqual(['assigned-1']);
    expect((await reload(ports, HOT_ID)).owner?.repId).toBe('anna');
    expect(ports.routing.leadsOf('anna')).toEqual([HOT_ID]);
    expect(ports.routing.leadsOf('ben')).toEqual([]);
    // Keeping the reserved rep spends no second ticket (the snapshot comes before the ticket).
    expect(ports.routing.ticketsTaken('dach')).toBe(1);
  });

  it('routes by ticket: a team third hand-off gets the third turn', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await ports.routing.takeTicket('dach'); // anna's turn, taken by earlier hand-offs
    await ports.routing.takeTicket('dach'); // ben's
    await ports.routing.takeTicket('international'); // another team's count is its own
    await storedLead(ports, hot, { stage: 'qualified' });
    await runStep(ports, 'HandOff', HOT_ID, sql);
    expect((await reload(ports, HOT_ID)).owner?.repId).toBe('anna');
    await ports.routing.release('anna', HOT_ID);
    await ports.leads.transition(HOT_ID, { stage: 'qualified' }, ports.clock.now());
    await runStep(ports, 'HandOff', HOT_ID, sql);
    expect((await reload(ports, HOT_ID)).owner?.repId).toBe('ben');
    expect(ports.routing.ticketsTaken('dach')).toBe(4);
  });

  it('a retry that comes after a rung was due waits 1 second so the ladder catches up', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await handedOff(ports);
    ports.clock.set(at(NOW, 65 * MINUTE)); // the breach was due at 11:00 in Berlin
    expect(await runStep(ports, 'HandOff', HOT_ID, sql)).toEqual({ decision: 'assigned', timeoutSeconds: 1 });
  });

  it('a retry after a reassignment was due waits 1 second', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await handedOff(ports);
    await ports.leads.transition(HOT_ID, { set: { 'sla.ladder.escalationLevel': 3 } }, ports.clock.now());
    ports.clock.set(at(NOW, 3 * 60 * MINUTE));
    expect(await runStep(ports, 'HandOff', HOT_ID, sql)).toEqual({ decision: 'assigned', timeoutSeconds: 1 });
  });

  it('hands off a lead again (stage qualified, earlier ladder) with a fresh ladder, keeping its history', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const first = await handedOff(ports);
    await ports.leads.transition(
      HOT_ID,
      { stage: 'qualified', set: { 'sla.reassignments': 1, 'sla.excludedRepIds': ['anna'] } },
      ports.clock.now(),
    );
    expect(await runStep(ports, 'HandOff', HOT_ID, sql)).toEqual({
      decision: 'assigned',
      timeoutSeconds: 45 * 60,
    });
    const lead = await reload(ports, HOT_ID);
    expect(lead.owner?.repId).toBe('ben');
    expect(lead.sla).toMatchObject({ handoffs: 2, reassignments: 1, excludedRepIds: ['anna'] });
    expect(lead.sla?.ladder?.reassignments).toBe(1);
    expect(entriesAfter(lead, first.timeline.length)[0]?.[0]).toBe('assigned');
    expect(ports.events.names()).toEqual(['LeadAssigned', 'LeadAssigned']);
    expect(ports.alerts.markersOf(HOT_ID)).toEqual(['assigned-1', 'assigned-2']);
  });

  it('routes a lead in stage assigned that has no ladder yet', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, hot, { stage: 'assigned' });
    await runStep(ports, 'HandOff', HOT_ID, { previous: { decision: 'qualified' } });
    expect((await reload(ports, HOT_ID)).owner?.repId).toBe('anna');
    expect(ports.routing.leadsOf('anna')).toEqual([HOT_ID]);
  });

  it('reassigns away from the rep who let it breach, releasing and excluding them', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const first = await handedOff(ports);
    await ports.leads.transition(
      HOT_ID,
      { set: { 'sla.breachedAt': at(NOW, 60 * MINUTE) } },
      ports.clock.now(),
    );
    ports.clock.set(at(NOW, 150 * MINUTE)); // 12:30 in Berlin
    const now = ports.clock.now().toISOString();

    const outcome = await runStep(ports, 'HandOff', HOT_ID, {
      previous: { decision: 'reassign', reassignments: 1 },
    });
    expect(outcome).toEqual({ decision: 'assigned', timeoutSeconds: 45 * 60 });
    expect(ports.routing.leadsOf('anna')).toEqual([]);
    expect(ports.routing.leadsOf('ben')).toEqual([HOT_ID]);
    const lead = await reload(ports, HOT_ID);
    expect(lead.owner).toMatchObject({ repId: 'ben', email: BEN, managerEmail: MARA });
    expect(lead.sla).toMatchObject({
      assignedAt: now,
      followUpDueAt: '2026-03-23T12:30:00.000Z',
      reminderAt: '2026-03-23T12:15:00.000Z',
      reassignments: 1,
      handoffs: 2,
      excludedRepIds: ['anna'],
    });
    expect(lead.sla?.ladder).toMatchObject({ assignedAt: now, reassignments: 1, escalationLevel: 0 });
    expect(lead.sla?.breachedAt).toBeUndefined();
    expect(entriesAfter(lead, first.timeline.length)).toEqual([
      [
        'reassigned',
        'Reassigned to Ben Vogel in team dach by rule dach; first touch due 2026-03-23T12:30:00.000Z (skipped anna: excluded)',
      ],
    ]);
    expect(ports.events.published.slice(1).map((e) => [e.name, e.eventId, e.data])).toEqual([
      [
        'LeadAssigned',
        `${HOT_ID}:assigned:2`,
        {
          owner: { repId: 'ben', teamId: 'dach' },
          followUpDueAt: '2026-03-23T12:30:00.000Z',
          ruleId: 'dach',
        },
      ],
      [
        'LeadReassigned',
        `${HOT_ID}:reassigned:2`,
        { from: { repId: 'anna', teamId: 'dach' }, to: { repId: 'ben', teamId: 'dach' }, reassignments: 1 },
      ],
    ]);
    const [, toBen, toManager] = ports.mailer.grouped();
    expect([toBen?.to, toBen?.subject]).toEqual([
      [BEN],
      `New lead for you: ${EVA} — first touch due 23 Mar 2026, 13:30 (Europe/Berlin)`,
    ]);
    expect([toManager?.to, toManager?.subject]).toEqual([
      [MARA, SALES_LEAD],
      `Lead reassigned: ${EVA} moved to another rep after no follow-up`,
    ]);
    expect(toManager?.text).toContain(
      'the lead now belongs to Ben Vogel. Previous owner: anna@demo.example.com.',
    );
    expect(ports.alerts.markersOf(HOT_ID)).toEqual(['assigned-1', 'assigned-2', 'reassigned-away-2']);
  });

  it('reassigns with fallback to the fallback owner of the default team', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await handedOff(ports);
    const previous = { decision: 'reassign' as const, reassignments: 1, fallback: true };
    expect(await runStep(ports, 'HandOff', HOT_ID, { previous })).toEqual({
      decision: 'assigned',
      timeoutSeconds: 45 * 60,
    });
    const lead = await reload(ports, HOT_ID);
    expect(lead.owner).toEqual({
      name: 'Sales queue',
      email: 'sales-queue@demo.example.com',
      fallback: true,
      teamId: 'international',
      managerEmail: 'ian.head@demo.example.com',
    });
    expect(lead.sla).toMatchObject({ reassignments: 1, handoffs: 2, excludedRepIds: ['anna'] });
    expect(lead.timeline.at(-1)?.summary).toBe(
      'Reassigned to Sales queue (fallback: no eligible rep) in team international; first touch due 2026-03-23T10:00:00.000Z',
    );
    expect(ports.routing.leadsOf('anna')).toEqual([]);
    expect(ports.routing.ticketsTaken('international')).toBe(0);
    expect(ports.events.published.slice(1).map((e) => e.data)).toEqual([
      { owner: { teamId: 'international', fallback: true }, followUpDueAt: '2026-03-23T10:00:00.000Z' },
      {
        from: { repId: 'anna', teamId: 'dach' },
        to: { teamId: 'international', fallback: true },
        reassignments: 1,
      },
    ]);
    expect(
      ports.mailer
        .grouped()
        .slice(1)
        .map((m) => m.to),
    ).toEqual([['sales-queue@demo.example.com'], ['ian.head@demo.example.com', SALES_LEAD]]);
  });

  it('refuses a fallback when the default team is not configured', async () => {
    const config = unitConfig((c) => ({ ...c, routing: { ...c.routing, defaultTeam: 'ghosts' } }));
    const ports = inMemoryPorts({ now: NOW, config });
    await storedLead(ports, hot, { stage: 'assigned' });
    const previous = { decision: 'reassign' as const, reassignments: 1, fallback: true };
    await expect(runStep(ports, 'HandOff', HOT_ID, { previous })).rejects.toThrow(
      'Default team ghosts is not configured',
    );
  });

  it('falls back to the queue when every rep is away or at capacity, saying who was skipped', async () => {
    const config = unitConfig((c) => {
      const [dach, ...others] = c.routing.teams;
      const [anna, ben] = dach?.members ?? [];
      const members = [
        { ...anna!, outOfOffice: [{ from: '2026-03-23', to: '2026-03-27' }] },
        { ...ben!, capacity: 1 },
      ];
      return { ...c, routing: { ...c.routing, teams: [{ ...dach!, members }, ...others] } };
    });
    const ports = inMemoryPorts({ now: NOW, config });
    await ports.routing.reserve('ben', 'ld_other', 1);
    await storedLead(ports, hot, { stage: 'qualified' });
    const reserve = vi.spyOn(ports.routing, 'reserve');
    await runStep(ports, 'HandOff', HOT_ID, sql);
    expect(reserve).not.toHaveBeenCalled();
    // Nobody to take a turn: no ticket spent either.
    expect(ports.routing.ticketsTaken('dach')).toBe(0);
    const lead = await reload(ports, HOT_ID);
    expect(lead.owner).toEqual({
      name: 'Sales queue',
      email: 'sales-queue@demo.example.com',
      teamId: 'dach',
      managerEmail: MARA,
      fallback: true,
    });
    expect(lead.timeline.at(-1)).toMatchObject({
      type: 'assigned',
      summary:
        'Assigned to Sales queue (fallback: no eligible rep) in team dach by rule dach; first touch due 2026-03-23T10:00:00.000Z (skipped anna: out-of-office, ben: at-capacity)',
      data: {
        skipped: [
          { repId: 'anna', reason: 'out-of-office' },
          { repId: 'ben', reason: 'at-capacity' },
        ],
      },
    });
    expect(ports.routing.leadsOf('ben')).toEqual(['ld_other']);
    expect(ports.mailer.grouped().map((m) => m.to)).toEqual([['sales-queue@demo.example.com']]);
  });
});
