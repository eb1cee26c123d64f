/**
 * HandOff under concurrency: hand-offs into one team each take a distinct ticket, so a burst
 * never conflicts or retries and spreads over the reps by weight; the only thing that can send
 * a hand-off round again is a rep filling up between its snapshot and its reservation, and then
 * it routes its same ticket afresh, without pausing, for a bounded number of rounds.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InMemoryRoutingState } from '../../functions/adapters/in-memory/routing-state.ts';
import type { LeadProfile } from '../../functions/domain/lead.ts';
import { runStep } from '../../functions/use-cases/lifecycle/run-step.ts';
import { type InMemoryPorts, inMemoryPorts, storedLead } from '../support/in-memory-ports.ts';
import { unitConfig } from '../support/unit-config.ts';
import { HOT_ID, HOT as hot, MONDAY_10 as NOW, reload } from './fixtures.ts';

const sql = { previous: { decision: 'qualified' as const } };

afterEach(() => {
  vi.restoreAllMocks();
});

function spyOnRouting(routing: InMemoryRoutingState) {
  return {
    snapshot: vi.spyOn(routing, 'snapshot'),
    takeTicket: vi.spyOn(routing, 'takeTicket'),
    reserve: vi.spyOn(routing, 'reserve'),
  };
}

/** Routing state where a rival hand-off takes the last slot of `rep` as soon as we take a ticket. */
class RivalFillsUp extends InMemoryRoutingState {
  constructor(
    private readonly rep: string,
    private readonly capacity: number,
  ) {
    super();
  }
  override async takeTicket(teamId: string): Promise<number> {
    const ticket = await super.takeTicket(teamId);
    for (let i = this.leadsOf(this.rep).length; i < this.capacity; i++)
      await this.reserve(this.rep, `ld_rival_${i}`, this.capacity);
    return ticket;
  }
}

/** `count` qualified leads with `profile` (each its own email), handed off all at once. */
async function burst(ports: InMemoryPorts, profile: LeadProfile, count: number): Promise<string[]> {
  const leadIds = await Promise.all(
    Array.from(
      { length: count },
      async (_, i) =>
        (await storedLead(ports, { ...profile, email: `burst-${i}@acme.example` }, { stage: 'qualified' }))
          .leadId,
    ),
  );
  await Promise.all(leadIds.map((id) => runStep(ports, 'HandOff', id, sql)));
  return leadIds;
}

/** How many of the leads each rep owns. */
async function ownersTally(ports: InMemoryPorts, leadIds: string[]): Promise<Record<string, number>> {
  const tally: Record<string, number> = {};
  for (const id of leadIds) {
    const rep = (await reload(ports, id)).owner?.repId ?? 'fallback';
    tally[rep] = (tally[rep] ?? 0) + 1;
  }
  return tally;
}

/** One request each for snapshot, ticket and reservation, every reservation granted. */
async function expectNoRetry(calls: ReturnType<typeof spyOnRouting>, count: number) {
  expect(calls.snapshot).toHaveBeenCalledTimes(count);
  expect(calls.takeTicket).toHaveBeenCalledTimes(count);
  expect(calls.reserve).toHaveBeenCalledTimes(count);
  expect(await Promise.all(calls.reserve.mock.results.map((r) => r.value))).toEqual(Array(count).fill(true));
  // A real burst: every hand-off read the routing state before any of them reserved.
  expect(Math.max(...calls.snapshot.mock.invocationCallOrder)).toBeLessThan(
    Math.min(...calls.reserve.mock.invocationCallOrder),
  );
}

describe('HandOff: a burst into one team', () => {
  it('assigns 50 concurrent leads round robin with one request each for snapshot, ticket and reservation', async () => {
    // DACH with a third rep and room for the whole burst, so only the rotation decides.
    const config = unitConfig((c) => ({
      ...c,
      routing: {
        ...c.routing,
        teams: c.routing.teams.map((team) =>
          team.id !== 'dach'
            ? team
            : {
                ...team,
                members: [
                  ...team.members.map((m) => ({ ...m, capacity: 50 })),
                  { id: 'cleo', name: 'Cleo Roth', email: 'cleo@demo.example.com', capacity: 50 },
                ],
              },
        ),
      },
    }));
    const ports = inMemoryPorts({ now: NOW, config });
    const calls = spyOnRouting(ports.routing);

    const leadIds = await burst(ports, hot, 50);

    expect(await ownersTally(ports, leadIds)).toEqual({ anna: 17, ben: 17, cleo: 16 });
    expect(['anna', 'ben', 'cleo'].map((rep) => ports.routing.leadsOf(rep).length)).toEqual([17, 17, 16]);
    await expectNoRetry(calls, 50);
    expect(ports.routing.ticketsTaken('dach')).toBe(50);
  });

  it('spreads a burst into a weighted team 2:1, skipping the rep out of office every time', async () => {
    // International (carla 2, dev 1) with a heavier third rep away all week: the turns go to
    // carla and dev only, at their 2:1 (handing eli's turns on would give carla 5 of every 6).
    const config = unitConfig((c) => ({
      ...c,
      routing: {
        ...c.routing,
        teams: c.routing.teams.map((team) =>
          team.id !== 'international'
            ? team
            : {
                ...team,
                members: [
                  ...team.members,
                  {
                    id: 'eli',
                    name: 'Eli Moreau',
                    email: 'eli@demo.example.com',
                    weight: 3,
                    capacity: 30,
                    outOfOffice: [{ from: '2026-03-23', to: '2026-03-27' }],
                  },
                ],
              },
        ),
      },
    }));
    const ports = inMemoryPorts({ now: NOW, config });
    const calls = spyOnRouting(ports.routing);

    const leadIds = await burst(ports, { ...hot, country: 'US' }, 30);

    expect(await ownersTally(ports, leadIds)).toEqual({ carla: 20, dev: 10 });
    expect((await reload(ports, leadIds[0] ?? '')).timeline.at(-1)?.summary).toMatch(
      /\(skipped eli: out-of-office\)$/,
    );
    await expectNoRetry(calls, 30);
    expect(ports.routing.ticketsTaken('international')).toBe(30);
  });
});

describe('HandOff: a rep who fills up after the snapshot', () => {
  it('routes again from a fresh snapshot, which shows the rep full and skips them', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const routing = new RivalFillsUp('anna', 20);
    ports.routing = routing;
    const calls = spyOnRouting(routing);
    await storedLead(ports, hot, { stage: 'qualified' });
    await runStep(ports, 'HandOff', HOT_ID, sql);
    const lead = await reload(ports, HOT_ID);
    expect(lead.owner?.repId).toBe('ben');
    expect(lead.timeline.at(-1)?.summary).toMatch(/\(skipped anna: at-capacity\)$/);
    expect(calls.reserve.mock.calls.filter(([, leadId]) => leadId === HOT_ID)).toEqual([
      ['anna', HOT_ID, 20],
      ['ben', HOT_ID, 20],
    ]);
    expect(calls.snapshot).toHaveBeenCalledTimes(2);
    // The same ticket (turn 0) falls to ben once anna is out of the eligible set.
    expect(calls.takeTicket).toHaveBeenCalledTimes(1);
    expect(routing.leadsOf('anna')).not.toContain(HOT_ID);
  });

  it('keeps its ticket for the new round, so a rep with room again keeps the turn', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const routing = new InMemoryRoutingState();
    // Anna was full at the reservation, then gave a lead back before the next snapshot.
    const reserve = vi.spyOn(routing, 'reserve').mockResolvedValueOnce(false);
    ports.routing = routing;
    await storedLead(ports, hot, { stage: 'qualified' });
    await runStep(ports, 'HandOff', HOT_ID, sql);
    // Turn 0 again: anna. A second ticket (turn 1) would have given ben.
    expect((await reload(ports, HOT_ID)).owner?.repId).toBe('anna');
    expect(reserve.mock.calls).toEqual([
      ['anna', HOT_ID, 20],
      ['anna', HOT_ID, 20],
    ]);
    expect(routing.ticketsTaken('dach')).toBe(1);
    expect(routing.leadsOf('anna')).toEqual([HOT_ID]);
  });

  it('gives up after one round per rep and one more, without pausing in between', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const routing = new InMemoryRoutingState();
    vi.spyOn(routing, 'reserve').mockResolvedValue(false);
    const snapshot = vi.spyOn(routing, 'snapshot');
    ports.routing = routing;
    const pause = vi.spyOn(globalThis, 'setTimeout');
    await storedLead(ports, hot, { stage: 'qualified' });
    await expect(runStep(ports, 'HandOff', HOT_ID, sql)).rejects.toThrow(
      'Could not assign the lead: every rep it was routed to filled up first',
    );
    expect(snapshot).toHaveBeenCalledTimes(3); // DACH has 2 reps
    expect(routing.ticketsTaken('dach')).toBe(1);
    expect(pause).not.toHaveBeenCalled();
    expect((await reload(ports, HOT_ID)).stage).toBe('qualified');
    expect(ports.events.published).toEqual([]);
  });
});
