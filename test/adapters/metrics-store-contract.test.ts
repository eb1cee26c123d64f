/**
 * One contract for the metrics store, run against the DynamoDB adapter (on the table exactly as
 * synthesized) and the in-memory one: events recorded through the use case give the counters and
 * lead facts the pure projection gives, once per event id, and a period reads only the leads
 * indexed on its days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryMetricsStore } from '../../functions/adapters/in-memory/metrics-store.ts';
import { DynamoMetricsStore } from '../../functions/adapters/metrics-store.ts';
import { planMetricsWrite } from '../../functions/domain/metrics/metrics-write.ts';
import type { CounterRow } from '../../functions/domain/scorecard/projection.ts';
import { scorecard } from '../../functions/domain/scorecard/scorecard.ts';
import type { MetricsStore } from '../../functions/use-cases/ports.ts';
import { recordMetrics, scorecardInputFromMetrics } from '../../functions/use-cases/record-metrics.ts';
import { synthesizedTable } from '../support/synthesized-table.ts';
import { event, project, SEED_EVENTS, SEED_NOW, seedConfig } from '../unit/scorecard-seed.ts';

let table: Awaited<ReturnType<typeof synthesizedTable>>;
beforeAll(async () => {
  table = await synthesizedTable('leadflow-metrics-contract');
});
afterAll(async () => {
  await table?.close();
});

const config = seedConfig();
const MARCH = { from: '2027-03-01', to: '2027-03-31' };
const anna = { repId: 'anna', teamId: 'dach' };

const adapters: Array<[string, () => MetricsStore]> = [
  ['DynamoDB', () => new DynamoMetricsStore(table.tableName)],
  ['in memory', () => new InMemoryMetricsStore()],
];

/** Counters as `day dimension value metric=n`, sorted, for comparison. */
const flat = (rows: readonly CounterRow[]) =>
  rows
    .filter((r) => r.value !== 0)
    .map((r) => `${r.key.day} ${r.key.week} ${r.key.dimension} ${r.key.value} ${r.metric}=${r.value}`)
    .sort();

let seq = 0;
/** The seed with lead ids of its own, so runs on the one shared table do not meet. */
function freshSeed() {
  const run = ++seq;
  return SEED_EVENTS.map((e) => ({
    ...e,
    detail: { ...e.detail, leadId: `${e.detail.leadId}_${run}`, eventId: `${e.detail.eventId}_${run}` },
  })) as typeof SEED_EVENTS;
}

describe.each(adapters)('metrics store (%s)', (_name, make) => {
  it('gives the scorecard the counters and lead facts of the pure projection, without leads', async () => {
    const store = make();
    const events = freshSeed();
    for (const e of events) await recordMetrics({ config, metrics: store }, e);
    const expected = project(events, config);
    const read = await scorecardInputFromMetrics(store, MARCH);
    // The first test on each store: March holds only this run's counters.
    expect(flat(read.counters)).toEqual(
      flat(expected.counters.filter((r) => r.key.day >= MARCH.from && r.key.day <= MARCH.to)),
    );
    expect(read.leadFacts.map((f) => f.leadId).sort()).toEqual(
      ['ld_a', 'ld_b', 'ld_c', 'ld_d', 'ld_e', 'ld_g', 'ld_h'].map((id) => `${id}_${seq}`),
    );
    const card = scorecard({ ...read, period: MARCH, now: SEED_NOW, config });
    // Hand-counted in the seed: seven SQLs in March (A, B, C, D, E, G, H), two rejections.
    expect(card.marketing.sqls.delivered).toBe(7);
    expect(card.sales.activity.rejected).toBe(2);
    expect(card).toEqual(
      scorecard({
        counters: expected.counters,
        leadFacts: [...expected.facts.values()],
        period: MARCH,
        now: SEED_NOW,
        config,
      }),
    );
  });

  it('moves the facts of an erased lead to its anonymous id, on the same days, and keeps the counters', async () => {
    const store = make();
    const leadId = `ld_erased_${++seq}`;
    const anonymousId = `anon_${seq}`;
    await recordMetrics(
      { config, metrics: store },
      event('LeadCaptured', leadId, '2027-05-03T08:00:00Z', { resubmission: false }),
    );
    await recordMetrics(
      { config, metrics: store },
      event('LeadQualified', leadId, '2027-05-03T09:00:00Z', { reasons: [] }),
    );
    const day = { from: '2027-05-03', to: '2027-05-03' };
    const counters = flat(await store.counters(day));
    const facts = await store.facts(leadId);
    if (!facts) throw new Error('no facts recorded');
    const anonymous = { ...facts, leadId: anonymousId };
    await store.anonymize(leadId, anonymous, ['2027-05-03']);
    await store.anonymize(leadId, anonymous, ['2027-05-03']);
    expect(await store.facts(leadId)).toBeUndefined();
    expect(await store.facts(anonymousId)).toEqual(anonymous);
    expect((await store.leadFactsIn(day)).map((f) => f.leadId)).toEqual([anonymousId]);
    expect(flat(await store.counters(day))).toEqual(counters);
  });

  it('indexes the lead again when an event is redelivered after a run died before indexing', async () => {
    const store = make();
    const leadId = `ld_crashed_${++seq}`;
    const qualified = event('LeadQualified', leadId, '2027-05-10T09:00:00Z', { reasons: [] });
    const dying = Object.assign(Object.create(store) as MetricsStore, {
      index: () => Promise.reject(new Error('Lambda timed out')),
    });
    await expect(recordMetrics({ config, metrics: dying }, qualified)).rejects.toThrow('timed out');
    const day = { from: '2027-05-10', to: '2027-05-10' };
    expect(await store.leadFactsIn(day)).toEqual([]);
    expect(await recordMetrics({ config, metrics: store }, qualified)).toEqual({ status: 'duplicate' });
    expect((await store.leadFactsIn(day)).map((f) => f.leadId)).toEqual([leadId]);
    expect(flat(await store.counters(day)).some((c) => c.includes(' sqls=1'))).toBe(true);
  });

  it('counts a redelivered event once', async () => {
    const store = make();
    const leadId = `ld_redelivered_${++seq}`;
    const captured = event('LeadCaptured', leadId, '2027-04-05T08:00:00Z', { resubmission: false });
    expect(await recordMetrics({ config, metrics: store }, captured)).toEqual({
      status: 'recorded',
      counters: 3,
    });
    expect(await recordMetrics({ config, metrics: store }, captured)).toEqual({ status: 'duplicate' });
    const leads = (await store.counters({ from: '2027-04-05', to: '2027-04-05' })).filter(
      (r) => r.key.dimension === 'source' && r.metric === 'leads',
    );
    expect(leads).toEqual([expect.objectContaining({ value: 1 })]);
    expect((await store.facts(leadId))?.revision).toBe(1);
  });

  it('applies two events of one lead arriving together one after the other', async () => {
    const store = make();
    const leadId = `ld_together_${++seq}`;
    await recordMetrics(
      { config, metrics: store },
      event('LeadCaptured', leadId, '2027-04-06T08:00:00Z', { resubmission: false }),
    );
    await Promise.all([
      recordMetrics(
        { config, metrics: store },
        event('FollowUpReminder', leadId, '2027-04-06T08:45:00Z', {
          owner: anna,
          followUpDueAt: '2027-04-06T09:00:00Z',
        }),
      ),
      recordMetrics(
        { config, metrics: store },
        event('FollowUpBreached', leadId, '2027-04-06T09:00:00Z', {
          owner: anna,
          followUpDueAt: '2027-04-06T09:00:00Z',
          businessMinutesWaited: 60,
        }),
      ),
    ]);
    const facts = await store.facts(leadId);
    expect(facts?.revision).toBe(3);
    expect(facts?.handoffs[0]).toMatchObject({ reminders: 1, breachedAt: '2027-04-06T09:00:00.000Z' });
  });

  it('writes nothing when the facts moved since they were read', async () => {
    const store = make();
    const leadId = `ld_stale_${++seq}`;
    const first = event('LeadCaptured', leadId, '2027-04-07T08:00:00Z', { resubmission: false });
    const stale = planMetricsWrite(
      event('LeadQualified', leadId, '2027-04-07T09:00:00Z', { reasons: [] }),
      config,
      undefined,
    );
    await recordMetrics({ config, metrics: store }, first);
    if (stale.kind !== 'write') throw new Error('expected a write');
    const day = { from: '2027-04-07', to: '2027-04-07' };
    const before = flat(await store.counters(day));
    expect(await store.commit(stale)).toBe('conflict');
    expect(flat(await store.counters(day))).toEqual(before);
    expect((await store.facts(leadId))?.revision).toBe(1);
    // Its day index entry may stay (the index is written first); it leads to facts left alone.
    for (const facts of await store.leadFactsIn(day))
      if (facts.leadId === leadId) expect(facts.revision).toBe(1);
  });

  it('reads a period’s lead facts by the days of their milestones only', async () => {
    const store = make();
    const events = freshSeed();
    for (const e of events) await recordMetrics({ config, metrics: store }, e);
    // H became an MQL on 26 February; no other lead has a milestone before March.
    const february = await store.leadFactsIn({ from: '2027-02-01', to: '2027-02-28' });
    expect(february.map((f) => f.leadId).filter((id) => id.endsWith(`_${seq}`))).toEqual([`ld_h_${seq}`]);
  });
});
