/**
 * Runs the HTTP surface fuzz properties (http-surface.ts) against one local runtime, then checks
 * the process (no unhandled rejection or uncaught exception, /health answers) and that every lead
 * the API accepted went through its lifecycle without ending in RecordFailure.
 *
 * `FUZZ_RUNS` is the total number of cases, spread over the properties (default 1,200, what
 * `npm test` runs); `npm run fuzz` runs 20,000. `FUZZ_SEED` replays a run. The case count and
 * the number of 5xx answers are printed at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';
import {
  checkProperty,
  closeConnections,
  isFailedLifecycle,
  newStats,
  readRequests,
  requests,
  send,
} from './http-surface.ts';

const TOTAL = Number(process.env.FUZZ_RUNS ?? 1_200);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** Share of the cases per property. */
const SHARE = { json: 0.3, form: 0.25, headers: 0.15, read: 0.3 } as const;
const runs = (property: keyof typeof SHARE) => Math.max(1, Math.round(TOTAL * SHARE[property]));
/** Generous: about 1,000 cases a minute on a slow 2-core machine, plus start-up. */
const timeout = (property: keyof typeof SHARE) => 60_000 + runs(property) * 60;

let h: Harness;
const stats = newStats();
const knownIds: string[] = [];
const faults: Array<{ kind: string; error: unknown }> = [];
const onRejection = (error: unknown) => faults.push({ kind: 'unhandledRejection', error });
const onException = (error: unknown) => faults.push({ kind: 'uncaughtException', error });
const started = Date.now();

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  h = await startHarness({ start: '2026-03-23T09:00:00Z' });
  // Leads that exist, so reads also reach the store and the ownership check.
  knownIds.push(await h.captureLead(contactSales('fuzz-known@kunde-gmbh.example')));
  knownIds.push(await h.captureLead({ email: 'fuzz-nurtured@widgets.example', intent: 'content' }));
}, 120_000);

afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
  closeConnections();
  await h?.settle();
  await h?.stop();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `HTTP surface fuzz: ${stats.cases} cases, ${stats.fiveXx} 5xx, in ${seconds} s; statuses ${JSON.stringify(stats.byStatus)}`,
  );
});

describe('HTTP surface fuzz', () => {
  it('POST /leads with arbitrary JSON bodies', { timeout: timeout('json') }, async () => {
    await checkProperty(h, requests.json, runs('json'), stats, SEED);
  });

  it('POST /leads with arbitrary urlencoded bodies', { timeout: timeout('form') }, async () => {
    await checkProperty(h, requests.form, runs('form'), stats, SEED);
  });

  it('POST /leads with arbitrary content types and headers', { timeout: timeout('headers') }, async () => {
    await checkProperty(h, requests.headers, runs('headers'), stats, SEED);
  });

  it('GET /leads/{id} with arbitrary ids and tokens', { timeout: timeout('read') }, async () => {
    await checkProperty(h, readRequests(h, knownIds), runs('read'), stats, SEED);
  });

  it('left no unhandled rejection or uncaught exception, and /health still answers', async () => {
    await h.settle();
    expect(faults).toEqual([]);
    const health = await send(h.url, { method: 'GET', path: '/health', headers: {} });
    expect(health.status).toBe(200);
    expect(stats.fiveXx).toBe(0);
    expect(stats.cases).toBeGreaterThanOrEqual(Math.min(TOTAL, 1_000));
  });

  it('worked every lead it accepted: no lifecycle ended in RecordFailure', () => {
    // A 202 is a promise: the lead must also be workable afterwards (scored, routed, mailed).
    const failed = h.local.stepFunctions
      .list()
      .filter(isFailedLifecycle)
      .map((e) => ({ lead: e.name, path: e.path.join(' > '), error: e.error }));
    expect(failed).toEqual([]);
  });
});
