/**
 * One contract for the lead repository, run against the DynamoDB adapter (on the table exactly
 * as synthesized) and the in-memory one, so the fast fakes the use-case tests and the simulator
 * run on behave like the store `npm start` and AWS use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryLeadRepository } from '../../functions/adapters/in-memory/lead-repository.ts';
import { LeadStore } from '../../functions/adapters/lead-store.ts';
import { newLead } from '../../functions/domain/capture.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import type { LeadRepository } from '../../functions/use-cases/ports.ts';
import { synthesizedTable } from '../support/synthesized-table.ts';

let table: Awaited<ReturnType<typeof synthesizedTable>>;
beforeAll(async () => {
  table = await synthesizedTable();
});
afterAll(async () => {
  await table?.close();
});

const adapters: Array<[string, () => LeadRepository]> = [
  ['DynamoDB', () => new LeadStore(table.tableName)],
  ['in memory', () => new InMemoryLeadRepository()],
];

const T0 = new Date('2026-03-23T09:00:00.000Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
let seq = 0;
const aLead = (changes: Partial<Lead> = {}): Lead => ({
  ...newLead({
    leadId: `ld_contract_${++seq}_${Date.now()}`,
    businessUnit: 'demo',
    profile: { email: `c${seq}@acme.example`, company: 'Acme GmbH' },
    now: T0,
  }),
  ...changes,
});

type Result = { decision: string } & Record<string, unknown>;

/** An activity's write with one wait result: claiming the wait holding `claimWith`, or left pending. */
async function activityWrites(
  leads: LeadRepository,
  leadId: string,
  kind: string,
  result: Result,
  claimWith?: string,
) {
  const read = await leads.get(leadId);
  return leads.applyActivity(
    leadId,
    { timeline: [{ at: later(1).toISOString(), type: 'touch', summary: kind }] },
    { expectedVersion: read?.version ?? 0, results: { [kind]: { result, claimWith } } },
    later(1),
  );
}

describe.each(adapters)('lead repository (%s)', (_name, make) => {
  it('creates a lead once and reads it back as stored', async () => {
    const leads = make();
    const lead = aLead();
    expect(await leads.create(lead)).toBe('created');
    expect(await leads.create({ ...lead, stage: 'qualified' })).toBe('exists');
    expect(await leads.get(lead.leadId)).toEqual({ ...lead, sla: {} });
    expect(await leads.get('ld_missing')).toBeUndefined();
  });

  it('gives every caller its own copy: changing what was read or written changes nothing stored', async () => {
    const leads = make();
    const lead = aLead({ engagements: [{ type: 'form-submitted', at: T0.toISOString() }] });
    await leads.create(lead);
    lead.engagements.push({ type: 'written-then-changed', at: T0.toISOString() });
    const read = (await leads.get(lead.leadId)) as Lead;
    read.timeline.push({ at: T0.toISOString(), type: 'read-then-changed', summary: '' });
    read.profile.company = 'Changed';
    const after = (await leads.transition(lead.leadId, { stage: 'qualified' }, later(1))) as Lead;
    after.engagements.push({ type: 'returned-then-changed', at: T0.toISOString() });
    const stored = (await leads.get(lead.leadId)) as Lead;
    expect(stored.engagements.map((e) => e.type)).toEqual(['form-submitted']);
    expect(stored.timeline.map((e) => e.type)).not.toContain('read-then-changed');
    expect(stored.profile.company).toBe('Acme GmbH');
  });

  it('applies a transition atomically: dotted paths, removals, timeline, stage and version', async () => {
    const leads = make();
    const lead = aLead();
    await leads.create(lead);
    const after = await leads.transition(
      lead.leadId,
      {
        stage: 'assigned',
        set: {
          'sla.assignedAt': T0.toISOString(),
          'sla.breachedAt': 'x',
          owner: { name: 'Anna', email: 'a@x.example' },
        },
        timeline: [{ at: later(1).toISOString(), type: 'assigned', summary: 'Assigned to Anna' }],
      },
      later(1),
    );
    expect(after).toMatchObject({
      stage: 'assigned',
      updatedAt: later(1).toISOString(),
      version: 2,
      owner: { name: 'Anna', email: 'a@x.example' },
      sla: { assignedAt: T0.toISOString(), breachedAt: 'x' },
    });
    expect(after.timeline.map((e) => e.type)).toEqual(['captured', 'assigned']);
    const removed = await leads.transition(lead.leadId, { set: { 'sla.breachedAt': undefined } }, later(2));
    expect(removed.sla).toEqual({ assignedAt: T0.toISOString() });
    expect(await leads.get(lead.leadId)).toEqual(removed);
  });

  it('refuses a change to a missing lead, a stage guard that does not hold, and a path under a missing map', async () => {
    const leads = make();
    await expect(leads.transition('ld_missing', { set: { a: 1 } }, T0)).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    const lead = aLead();
    await leads.create(lead);
    await expect(
      leads.transition(lead.leadId, { stage: 'touched', onlyFromStages: ['assigned'] }, T0),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await expect(leads.transition(lead.leadId, { set: { 'nothing.here': 1 } }, T0)).rejects.toMatchObject({
      name: 'ValidationException',
    });
    // Nothing of a refused change was written.
    expect((await leads.get(lead.leadId))?.version).toBe(1);
  });

  it('records a re-submission: scored (timeline, engagement, missing profile fields) or only counted', async () => {
    const leads = make();
    const lead = aLead();
    await leads.create(lead);
    const resubmit = async (minutes: number, jobTitle: string, refuseWithinMinutes?: number) => {
      const result = await leads.recordResubmission(lead.leadId, {
        profile: { email: lead.profile.email, company: 'Other Inc', jobTitle },
        entry: { at: later(minutes).toISOString(), type: 'resubmitted', summary: 'Form re-submitted' },
        engagement: { type: 'form-resubmitted', at: later(minutes).toISOString() },
        scoreIfLastScoredBefore: later(minutes - 60).toISOString(),
        ...(refuseWithinMinutes
          ? { refuseIfSubmittedSince: later(minutes - refuseWithinMinutes).toISOString() }
          : {}),
        now: later(minutes),
      });
      if (result === 'too-soon') throw new Error('too soon');
      return result;
    };
    const first = await resubmit(5, 'CTO');
    expect(first.scored).toBe(true);
    expect(first.lead.profile).toMatchObject({ company: 'Acme GmbH', jobTitle: 'CTO' });
    expect(first.lead.engagements).toEqual([{ type: 'form-resubmitted', at: later(5).toISOString() }]);
    expect(first.lead.timeline.map((e) => e.type)).toEqual(['captured', 'resubmitted']);
    expect(first.lead).toMatchObject({
      submissionCount: 2,
      version: 2,
      lastScoredSubmissionAt: later(5).toISOString(),
    });
    // Within the hour: only counted.
    const second = await resubmit(30, 'CEO');
    expect(second.scored).toBe(false);
    expect(second.lead).toMatchObject({
      submissionCount: 3,
      version: 3,
      lastSubmittedAt: later(30).toISOString(),
    });
    expect(second.lead.timeline).toHaveLength(2);
    expect(second.lead.engagements).toHaveLength(1);
    expect(second.lead.profile.jobTitle).toBe('CTO');
    expect((await resubmit(70, 'CEO')).scored).toBe(true);
    // Inside the unit's minimum gap between submissions: refused, nothing written.
    await expect(resubmit(71, 'CFO', 5)).rejects.toThrow('too soon');
    expect((await leads.get(lead.leadId))?.submissionCount).toBe(4);
    await expect(
      leads.recordResubmission('ld_missing', {
        profile: { email: 'x@y.example' },
        entry: first.lead.timeline[1]!,
        engagement: first.lead.engagements[0]!,
        scoreIfLastScoredBefore: T0.toISOString(),
        now: T0,
      }),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  });

  it('lets one caller per window re-announce a lead whose lifecycle never started', async () => {
    const leads = make();
    const lead = aLead();
    await leads.create(lead);
    const claim = (minutes: number) =>
      leads.claimAnnouncement(lead.leadId, later(minutes), later(minutes - 1));
    const first = await Promise.all([claim(2), claim(2), claim(2)]);
    expect(first.filter(Boolean)).toHaveLength(1);
    expect(await claim(2.5)).toBe(false);
    expect(await claim(4)).toBe(true);
    await leads.transition(lead.leadId, { set: { lifecycleStartedAt: later(4).toISOString() } }, later(4));
    expect(await claim(10)).toBe(false);
  });

  it('applies an activity once, on the version it read, claiming the wait it read in the same write', async () => {
    const leads = make();
    const lead = aLead();
    await leads.create(lead);
    const wait = { token: 'd1', state: 'AwaitDecision', registeredAt: T0.toISOString() };
    await leads.registerWait(lead.leadId, 'decision', wait);
    expect(await leads.getWithWaits(lead.leadId)).toMatchObject({
      lead: { leadId: lead.leadId, version: 1 },
      waits: { decision: wait },
    });
    expect(await leads.getWithWaits('ld_missing')).toBeUndefined();
    const change = { stage: 'accepted' as const, set: { processedActivityIds: ['a1'] } };
    const result = { decision: 'accepted', timeoutSeconds: 60 };
    const write = { expectedVersion: 1, results: { decision: { result, claimWith: 'd1' } } };
    const [one, two] = await Promise.all([
      leads.applyActivity(lead.leadId, change, write, later(1)),
      leads.applyActivity(lead.leadId, change, write, later(1)),
    ]);
    const applied = [one, two].filter((r) => r !== 'conflict');
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({ stage: 'accepted', version: 2, processedActivityIds: ['a1'] });
    // Claimed: the token is gone (nobody else completes that wait) and the result kept as claimed.
    expect(await leads.waits(lead.leadId)).toEqual({
      waits: {},
      pending: {},
      claimed: { decision: { token: 'd1', result } },
    });
    expect(await leads.claimWait(lead.leadId, 'decision', 'd1')).toEqual({ claimed: false });
    expect((await leads.get(lead.leadId))?.waitResults).toEqual(['decision']);
  });

  it('refuses an activity whose wait moved since it read the lead, and leaves a result pending without one', async () => {
    const leads = make();
    const lead = aLead();
    await leads.create(lead);
    const result = { decision: 'touched', timeoutSeconds: 60 };
    const wait = (token: string) => ({ token, state: 'AwaitFirstTouch', registeredAt: T0.toISOString() });
    // Read without a wait, then a wait began: leaving the result pending would strand it.
    const unclaimed = { expectedVersion: 1, results: { 'first-touch': { result } } };
    await leads.registerWait(lead.leadId, 'first-touch', wait('t1'));
    expect(await leads.applyActivity(lead.leadId, {}, unclaimed, later(1))).toBe('conflict');
    // Read with t1, then t1 timed out and t2 began: t1 can no longer be claimed.
    await leads.registerWait(lead.leadId, 'first-touch', wait('t2'));
    const stale = { expectedVersion: 1, results: { 'first-touch': { result, claimWith: 't1' } } };
    expect(await leads.applyActivity(lead.leadId, {}, stale, later(1))).toBe('conflict');
    expect((await leads.get(lead.leadId))?.version).toBe(1);
    // No wait of that kind: the result waits as pending.
    expect(await activityWrites(leads, lead.leadId, 'decision', { decision: 'accepted' })).not.toBe(
      'conflict',
    );
    expect((await leads.waits(lead.leadId)).pending).toEqual({ decision: { decision: 'accepted' } });
    expect((await leads.registerWait(lead.leadId, 'decision', wait('d1'))).pending).toEqual({
      decision: 'accepted',
    });
  });

  it('keeps the recent timeline on the lead and the whole of it readable, however long it grows', async () => {
    const leads = make();
    const lead = aLead();
    await leads.create(lead);
    for (let i = 1; i <= 130; i++)
      await leads.transition(
        lead.leadId,
        { timeline: [{ at: later(i).toISOString(), type: 'touch', summary: `Touch ${i}` }] },
        later(i),
      );
    const stored = await leads.get(lead.leadId);
    expect(stored?.timeline.length).toBeLessThanOrEqual(50);
    expect(stored?.timeline.at(-1)?.summary).toBe('Touch 130');
    const all = await leads.timeline(lead.leadId);
    expect(all.map((e) => e.summary)).toEqual([
      'Lead captured',
      ...Array.from({ length: 130 }, (_, i) => `Touch ${i + 1}`),
    ]);
    expect(await leads.timeline('ld_missing')).toEqual([]);
  });

  it('hands a wait over exactly once, whichever side comes first', async () => {
    const leads = make();
    const lead = aLead();
    await leads.create(lead);
    const wait = { token: 'token-1', state: 'AwaitFirstTouch', registeredAt: T0.toISOString() };
    // The wait begins first: the activity's write claims it, and nobody claims it again.
    const registered = await leads.registerWait(lead.leadId, 'first-touch', wait);
    expect(registered.pending).toBeUndefined();
    expect(registered.lead.leadId).toBe(lead.leadId);
    const touched = { decision: 'touched', timeoutSeconds: 60 };
    expect(await activityWrites(leads, lead.leadId, 'first-touch', touched, 'token-1')).not.toBe('conflict');
    expect(await leads.claimWait(lead.leadId, 'first-touch', 'token-1')).toEqual({ claimed: false });
    // The activity comes first: the result waits as pending for the next wait of that kind,
    // which finds it; of two claims of its token exactly one wins.
    expect(
      await activityWrites(leads, lead.leadId, 'decision', { decision: 'accepted', timeoutSeconds: 5 }),
    ).not.toBe('conflict');
    const next = await leads.registerWait(lead.leadId, 'decision', {
      ...wait,
      token: 'token-2',
      state: 'AwaitDecision',
    });
    expect(next.pending).toEqual({ decision: 'accepted', timeoutSeconds: 5 });
    // An older token is refused.
    expect(await leads.claimWait(lead.leadId, 'decision', 'token-1')).toEqual({ claimed: false });
    const claims = await Promise.all([
      leads.claimWait(lead.leadId, 'decision', 'token-2'),
      leads.claimWait(lead.leadId, 'decision', 'token-2'),
    ]);
    expect(claims.filter((c) => c.claimed)).toEqual([
      { claimed: true, pending: { decision: 'accepted', timeoutSeconds: 5 } },
    ]);
  });

  it('keeps a claimed result until the next wait of its kind begins, for the overdue step to take', async () => {
    const leads = make();
    const lead = aLead();
    await leads.create(lead);
    const wait = (token: string) => ({ token, state: 'AwaitDecision', registeredAt: T0.toISOString() });
    await activityWrites(leads, lead.leadId, 'decision', { decision: 'accepted', timeoutSeconds: 5 });
    await leads.registerWait(lead.leadId, 'decision', wait('d1'));
    // Nothing to claim without a result, and not with another token.
    expect(await leads.claimWait(lead.leadId, 'outcome', 'd1')).toEqual({ claimed: false });
    expect((await leads.claimWait(lead.leadId, 'decision', 'd1')).claimed).toBe(true);
    expect((await leads.get(lead.leadId))?.waitResults).toEqual(['decision']);
    // Stale: back to pending, where the next wait of the kind finds it.
    await leads.requeue(lead.leadId, 'decision');
    await leads.requeue(lead.leadId, 'decision');
    expect((await leads.waits(lead.leadId)).pending).toEqual({
      decision: { decision: 'accepted', timeoutSeconds: 5 },
    });
    expect((await leads.registerWait(lead.leadId, 'decision', wait('d2'))).pending).toEqual({
      decision: 'accepted',
      timeoutSeconds: 5,
    });
    // Claimed and delivered: the next wait of the kind forgets it.
    expect((await leads.claimWait(lead.leadId, 'decision', 'd2')).claimed).toBe(true);
    await leads.registerWait(lead.leadId, 'decision', wait('d3'));
    expect(await leads.takeResult(lead.leadId, 'decision')).toBeUndefined();
    // Claimed and lost: the overdue step takes it, once.
    await activityWrites(leads, lead.leadId, 'decision', { decision: 'rejected', reason: 'no budget' }, 'd3');
    expect(await leads.takeResult(lead.leadId, 'decision')).toEqual({
      decision: 'rejected',
      reason: 'no budget',
    });
    expect(await leads.takeResult(lead.leadId, 'decision')).toBeUndefined();
    expect((await leads.get(lead.leadId))?.waitResults).toBeUndefined();
  });

  it('lists leads by status, oldest first, moving a lead only when its status changes', async () => {
    const leads = make();
    const a = aLead({ createdAt: later(1).toISOString() });
    const b = aLead({ createdAt: later(2).toISOString() });
    await leads.create(b);
    await leads.create(a);
    const listed = async (status: 'open' | 'closed' | 'failed') => {
      const ids: string[] = [];
      for await (const id of leads.leadIdsWithStatus(status))
        if (id === a.leadId || id === b.leadId) ids.push(id);
      return ids;
    };
    expect(await listed('open')).toEqual([a.leadId, b.leadId]);
    await leads.transition(a.leadId, { stage: 'touched' }, later(10));
    expect(await listed('open')).toEqual([a.leadId, b.leadId]);
    await leads.transition(b.leadId, { stage: 'won' }, later(20));
    expect(await listed('open')).toEqual([a.leadId]);
    expect(await listed('closed')).toEqual([b.leadId]);
    await leads.transition(a.leadId, { stage: 'failed' }, later(30));
    expect(await listed('failed')).toEqual([a.leadId]);
    expect(await listed('open')).toEqual([]);
  });

  it('keeps spam apart from leads', async () => {
    const leads = make();
    const id = await leads.quarantine({
      profile: { email: 'bot@spam.example' },
      reasons: ['honeypot-filled'],
      now: T0,
    });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    for await (const leadId of leads.leadIdsWithStatus('open')) expect(leadId).not.toContain(id);
  });
});
