/**
 * One contract for the routing state, run against the DynamoDB adapter (on the table exactly as
 * synthesized) and the in-memory one, so the two cannot drift: a rep's load is a set of lead
 * ids (taking and giving back a lead are idempotent, a full rep is refused but a lead already
 * held always fits), and a team's tickets are handed out once each, counting from 1, however
 * many hand-offs take one at the same moment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryRoutingState } from '../../functions/adapters/in-memory/routing-state.ts';
import { RoutingStore } from '../../functions/adapters/routing-store.ts';
import type { RoutingState } from '../../functions/use-cases/ports.ts';
import { synthesizedTable } from '../support/synthesized-table.ts';

let table: Awaited<ReturnType<typeof synthesizedTable>>;
beforeAll(async () => {
  table = await synthesizedTable();
});
afterAll(async () => {
  await table?.close();
});

let runs = 0;
const adapters: Array<[string, () => RoutingState]> = [
  ['DynamoDB', () => new RoutingStore(table.tableName)],
  ['in memory', () => new InMemoryRoutingState()],
];

describe.each(adapters)('routing state (%s)', (_name, make) => {
  // Every test works on its own team and reps, so tests share nothing.
  const ids = () => {
    runs++;
    return { team: `team-${runs}`, anna: `anna-${runs}`, ben: `ben-${runs}` };
  };

  it('counts a lead once however often its hand-off is retried, and refuses a full rep', async () => {
    const store = make();
    const { team, anna } = ids();
    expect(await store.reserve(anna, 'ld_1', 2)).toBe(true);
    expect(await store.reserve(anna, 'ld_1', 2)).toBe(true);
    expect((await store.snapshot(team, [anna])).openLeadsByRep).toEqual({ [anna]: 1 });
    expect(await store.reserve(anna, 'ld_2', 2)).toBe(true);
    expect(await store.reserve(anna, 'ld_3', 2)).toBe(false);
    // A lead the rep already holds still fits when the rep is full (the retry case).
    expect(await store.reserve(anna, 'ld_2', 2)).toBe(true);
    expect((await store.snapshot(team, [anna])).openLeadsByRep).toEqual({ [anna]: 2 });
  });

  it('gives a lead back idempotently, which frees the slot', async () => {
    const store = make();
    const { team, anna } = ids();
    await store.reserve(anna, 'ld_1', 1);
    await store.release(anna, 'ld_1');
    await store.release(anna, 'ld_1');
    expect((await store.snapshot(team, [anna])).openLeadsByRep).toEqual({ [anna]: 0 });
    expect(await store.reserve(anna, 'ld_2', 1)).toBe(true);
  });

  it('reports every rep asked for, with 0 for reps that hold nothing, and who holds the lead', async () => {
    const store = make();
    const { team, anna, ben } = ids();
    await store.reserve(ben, 'ld_1', 5);
    expect(await store.snapshot(team, [anna, ben])).toEqual({ openLeadsByRep: { [anna]: 0, [ben]: 1 } });
    expect(await store.snapshot(team, [anna, ben], 'ld_1')).toEqual({
      openLeadsByRep: { [anna]: 0, [ben]: 1 },
      heldBy: ben,
    });
    expect(await store.snapshot(team, [], 'ld_1')).toEqual({ openLeadsByRep: {} });
  });

  it('starts a new team tickets at 1 and counts each team on its own', async () => {
    const store = make();
    const { team, anna: other } = ids();
    expect(await store.takeTicket(team)).toBe(1);
    expect(await store.takeTicket(team)).toBe(2);
    expect(await store.takeTicket(other)).toBe(1);
    expect(await store.takeTicket(team)).toBe(3);
  });

  it('hands 50 concurrent takers distinct tickets 1 to 50, and the next taker 51', async () => {
    const store = make();
    const { team } = ids();
    const tickets = await Promise.all(Array.from({ length: 50 }, () => store.takeTicket(team)));
    expect([...tickets].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await store.takeTicket(team)).toBe(51);
  });
});
