/**
 * One contract for the routing state, run against the DynamoDB adapter (on the table exactly as
 * synthesized) and the in-memory one, so the two cannot drift: a rep's load is a set of lead
 * ids (taking and giving back a lead are idempotent, a full rep is refused but a lead already
 * held always fits) and the rotation cursor only moves from the value a router read.
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

  it('reports every rep asked for, with 0 for reps that hold nothing, and a cursor of 0 for a new team', async () => {
    const store = make();
    const { team, anna, ben } = ids();
    await store.reserve(ben, 'ld_1', 5);
    expect(await store.snapshot(team, [anna, ben])).toEqual({
      cursor: 0,
      openLeadsByRep: { [anna]: 0, [ben]: 1 },
    });
  });

  it('moves the rotation cursor only from the value the router read', async () => {
    const store = make();
    const { team } = ids();
    expect(await store.advanceCursor(team, 1, 2)).toBe(false);
    expect(await store.advanceCursor(team, 0, 1)).toBe(true);
    expect(await store.advanceCursor(team, 0, 1)).toBe(false);
    expect(await store.advanceCursor(team, 1, 2)).toBe(true);
    expect((await store.snapshot(team, [])).cursor).toBe(2);
  });

  it('lets exactly one of two concurrent routers move the cursor from the same value', async () => {
    const store = make();
    const { team } = ids();
    const results = await Promise.all([store.advanceCursor(team, 0, 1), store.advanceCursor(team, 0, 1)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
