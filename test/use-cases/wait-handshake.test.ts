/**
 * The two halves of a callback wait, in either order: registerWait (the wait begins and stores
 * its token) and the activity side (its write claims the stored wait or leaves the result
 * pending; then the claimed wait is completed), plus completeWait, which finishes a pending
 * result and a stored token that a crash left side by side.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryLeadRepository } from '../../functions/adapters/in-memory/lead-repository.ts';
import { MAX_WAIT_SECONDS } from '../../functions/domain/wait-limits.ts';
import {
  activityResults,
  completeClaimed,
  completeWait,
  registerWait,
  type WaitCompletion,
} from '../../functions/use-cases/lifecycle/wait-handshake.ts';
import type { WaitResult } from '../../functions/use-cases/ports.ts';
import { type InMemoryPorts, inMemoryPorts, storedLead } from '../support/in-memory-ports.ts';
import { HOT, HOT_ID, MONDAY_10, reload } from './fixtures.ts';

const NOW = MONDAY_10;
const touched = {
  kind: 'first-touch' as const,
  result: { decision: 'touched' as const, timeoutSeconds: 3600 },
};
const accepted = { kind: 'decision' as const, result: { decision: 'accepted' as const, timeoutSeconds: 60 } };

/** The activity side as record-activity runs it: one write that claims a stored wait, then its completion. */
async function activityLeaves(ports: InMemoryPorts, leadId: string, completion: WaitCompletion) {
  const read = await ports.leads.getWithWaits(leadId);
  if (!read) throw new Error(`no lead ${leadId}`);
  const results = activityResults([completion], read.waits);
  const written = await ports.leads.applyActivity(
    leadId,
    {},
    { expectedVersion: read.lead.version, results },
    ports.clock.now(),
  );
  if (written === 'conflict') throw new Error('conflict');
  const [done] = await completeClaimed(ports, leadId, results);
  return done?.result;
}

/** A repository where the other side always wins the claim (or wins it but took the result). */
class LosingClaims extends InMemoryLeadRepository {
  constructor(private readonly claim: { claimed: boolean; pending?: WaitResult }) {
    super();
  }
  override async claimWait() {
    return this.claim;
  }
}

async function setUp(stage: 'assigned' | 'touched' = 'assigned') {
  const ports = inMemoryPorts({ now: NOW });
  await storedLead(ports, HOT, { stage });
  return ports;
}

describe('registerWait', () => {
  it('stores the token of the wait and completes nothing when no result is pending', async () => {
    const ports = await setUp();
    expect(await registerWait(ports, { state: 'AwaitFirstTouch', leadId: HOT_ID, token: 't1' })).toEqual({
      registered: 'first-touch',
      completedAtOnce: false,
    });
    expect(ports.callbacks.completed).toEqual([]);
    expect((await ports.leads.waits(HOT_ID)).waits).toEqual({
      'first-touch': { token: 't1', state: 'AwaitFirstTouch', registeredAt: NOW },
    });
    // The stored token is what activity completes.
    expect(await activityLeaves(ports, HOT_ID, touched)).toBe('completed');
    expect(ports.callbacks.completed).toEqual([{ token: 't1', output: touched.result }]);
  });

  it('completes the wait at once with a touch logged before it began, moving assigned to touched', async () => {
    const ports = await setUp();
    expect(await activityLeaves(ports, HOT_ID, touched)).toBe('pending');
    const before = await reload(ports, HOT_ID);
    ports.clock.set('2026-03-23T09:05:00.000Z');
    expect(await registerWait(ports, { state: 'AwaitFirstTouch', leadId: HOT_ID, token: 't1' })).toEqual({
      registered: 'first-touch',
      completedAtOnce: true,
    });
    expect(ports.callbacks.completed).toEqual([{ token: 't1', output: touched.result }]);
    const lead = await reload(ports, HOT_ID);
    expect(lead.stage).toBe('touched');
    expect(lead.updatedAt).toBe('2026-03-23T09:05:00.000Z');
    expect(lead.version).toBe(before.version + 1);
    // The pending result was used up: the next wait of that kind waits.
    expect(await registerWait(ports, { state: 'AwaitFirstTouch', leadId: HOT_ID, token: 't2' })).toEqual({
      registered: 'first-touch',
      completedAtOnce: false,
    });
  });

  it('does not move the stage when the lead is already touched or for another kind of wait', async () => {
    const ports = await setUp('touched');
    await activityLeaves(ports, HOT_ID, touched);
    await registerWait(ports, { state: 'AwaitFirstTouch', leadId: HOT_ID, token: 't1' });
    // Version 2 is the activity's own write: the wait moved nothing.
    expect((await reload(ports, HOT_ID)).version).toBe(2);

    const other = await setUp('assigned');
    await activityLeaves(other, HOT_ID, accepted);
    expect(await registerWait(other, { state: 'AwaitDecision', leadId: HOT_ID, token: 'd1' })).toEqual({
      registered: 'decision',
      completedAtOnce: true,
    });
    expect(other.callbacks.completed).toEqual([{ token: 'd1', output: accepted.result }]);
    expect(await reload(other, HOT_ID)).toMatchObject({ stage: 'assigned', version: 2 });
  });

  it('does nothing when the other side won the claim, or won it with the result', async () => {
    for (const claim of [{ claimed: false }, { claimed: true }]) {
      const ports = inMemoryPorts({ now: NOW });
      ports.leads = new LosingClaims(claim);
      await storedLead(ports, HOT, { stage: 'assigned' });
      await activityLeaves(ports, HOT_ID, touched);
      expect(await registerWait(ports, { state: 'AwaitFirstTouch', leadId: HOT_ID, token: 't1' })).toEqual({
        registered: 'first-touch',
        completedAtOnce: false,
      });
      expect(ports.callbacks.completed).toEqual([]);
      expect((await reload(ports, HOT_ID)).stage).toBe('assigned');
    }
  });
});

describe('the activity side', () => {
  it('leaves the result pending when no wait is in progress', async () => {
    const ports = await setUp();
    expect(await activityLeaves(ports, HOT_ID, accepted)).toBe('pending');
    expect(ports.callbacks.completed).toEqual([]);
  });

  it('completes the stored wait once, capping its timeout', async () => {
    const ports = await setUp();
    await registerWait(ports, { state: 'AwaitDecision', leadId: HOT_ID, token: 'd1' });
    const long = {
      kind: 'decision' as const,
      result: { decision: 'accepted' as const, timeoutSeconds: 40 * 86_400 },
    };
    expect(await activityLeaves(ports, HOT_ID, long)).toBe('completed');
    expect(ports.callbacks.completed).toEqual([
      { token: 'd1', output: { decision: 'accepted', timeoutSeconds: MAX_WAIT_SECONDS } },
    ]);
    // The token was claimed: the same activity again only leaves a result.
    expect(await activityLeaves(ports, HOT_ID, long)).toBe('pending');
    expect(ports.callbacks.completed).toHaveLength(1);
  });

  it('passes a result without a timeout through as it is', async () => {
    const ports = await setUp();
    await registerWait(ports, { state: 'AwaitDecision', leadId: HOT_ID, token: 'd1' });
    const rejected = {
      kind: 'decision' as const,
      result: { decision: 'rejected' as const, reason: 'no budget' },
    };
    expect(await activityLeaves(ports, HOT_ID, rejected)).toBe('completed');
    expect(ports.callbacks.completed).toEqual([
      { token: 'd1', output: { decision: 'rejected', reason: 'no budget' } },
    ]);
  });

  it('keeps the result for the next wait when the stored token is stale', async () => {
    const ports = await setUp();
    await registerWait(ports, { state: 'AwaitDecision', leadId: HOT_ID, token: 'd1' });
    ports.callbacks.markStale('d1'); // that wait timed out meanwhile
    expect(await activityLeaves(ports, HOT_ID, accepted)).toBe('pending');
    expect(ports.callbacks.completed).toEqual([]);
    expect(await registerWait(ports, { state: 'AwaitDecision', leadId: HOT_ID, token: 'd2' })).toEqual({
      registered: 'decision',
      completedAtOnce: true,
    });
    expect(ports.callbacks.completed).toEqual([{ token: 'd2', output: accepted.result }]);
  });

  it('puts the claimed result back to pending when the token turns out stale; the next wait takes it', async () => {
    const ports = await setUp('touched');
    await registerWait(ports, { state: 'AwaitDecision', leadId: HOT_ID, token: 'd1' });
    ports.callbacks.markStale('d1');
    expect(await activityLeaves(ports, HOT_ID, accepted)).toBe('pending');
    expect((await ports.leads.waits(HOT_ID)).pending).toEqual({ decision: accepted.result });
    expect(await registerWait(ports, { state: 'AwaitDecision', leadId: HOT_ID, token: 'd2' })).toEqual({
      registered: 'decision',
      completedAtOnce: true,
    });
    expect(ports.callbacks.completed).toEqual([{ token: 'd2', output: accepted.result }]);
  });

  it("lets the wait's overdue step take a claimed result whose completion never arrived", async () => {
    const ports = await setUp('touched');
    await registerWait(ports, { state: 'AwaitDecision', leadId: HOT_ID, token: 'd1' });
    // The activity's write claims the token, then the process stops before Step Functions hears of it.
    const results = { decision: { result: accepted.result, claimWith: 'd1' } };
    expect(
      await ports.leads.applyActivity(HOT_ID, {}, { expectedVersion: 1, results }, ports.clock.now()),
    ).not.toBe('conflict');
    expect((await ports.leads.waits(HOT_ID)).waits).toEqual({});
    expect((await reload(ports, HOT_ID)).waitResults).toEqual(['decision']);
    expect(await ports.leads.takeResult(HOT_ID, 'decision')).toEqual(accepted.result);
    expect(await ports.leads.takeResult(HOT_ID, 'decision')).toBeUndefined();
    expect((await reload(ports, HOT_ID)).waitResults).toBeUndefined();
  });
});

describe('completeWait (a pending result and a stored token, side by side after a crash)', () => {
  /** The activity left its result, then a wait stored its token and stopped before claiming. */
  async function crashedBetween(ports: InMemoryPorts) {
    await storedLead(ports, HOT, { stage: 'touched' });
    expect(await activityLeaves(ports, HOT_ID, accepted)).toBe('pending');
    const wait = { token: 'd1', state: 'AwaitDecision', registeredAt: NOW };
    await ports.leads.registerWait(HOT_ID, 'decision', wait);
    return wait;
  }

  it('claims the token and completes the wait with the pending result, once', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const wait = await crashedBetween(ports);
    expect(await completeWait(ports, HOT_ID, 'decision', wait)).toBe('completed');
    expect(ports.callbacks.completed).toEqual([{ token: 'd1', output: accepted.result }]);
    expect(await completeWait(ports, HOT_ID, 'decision', wait)).toBe('pending');
    expect(ports.callbacks.completed).toHaveLength(1);
  });

  it('reports pending when the wait side won the claim', async () => {
    const ports = inMemoryPorts({ now: NOW });
    ports.leads = new LosingClaims({ claimed: false });
    const wait = await crashedBetween(ports);
    expect(await completeWait(ports, HOT_ID, 'decision', wait)).toBe('pending');
    expect(ports.callbacks.completed).toEqual([]);
  });

  it('completes with the result found at claim time when one was left meanwhile', async () => {
    const ports = inMemoryPorts({ now: NOW });
    const earlier = { decision: 'rejected', reason: 'left first' };
    ports.leads = new LosingClaims({ claimed: true, pending: earlier });
    const wait = await crashedBetween(ports);
    expect(await completeWait(ports, HOT_ID, 'decision', wait)).toBe('completed');
    expect(ports.callbacks.completed).toEqual([{ token: 'd1', output: earlier }]);
  });

  it('leaves the result pending without a stored wait', async () => {
    const ports = inMemoryPorts({ now: NOW });
    await storedLead(ports, HOT, { stage: 'touched' });
    expect(await completeWait(ports, HOT_ID, 'decision', undefined)).toBe('pending');
    expect(ports.callbacks.completed).toEqual([]);
  });
});
