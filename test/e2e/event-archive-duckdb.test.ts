/**
 * The event archive's Athena named queries (infra/archive/queries.ts), run with DuckDB over the
 * archive the local bus wrote while a handful of leads went through the local runtime, agree
 * with GET /reports/scorecard for the same period.
 *
 * Demo unit (Europe/Berlin, Mon-Fri 09:00-17:00, first touch within 60 business minutes).
 * Monday 23 March 2026 (UTC+1), everything inside opening hours, so wall-clock and business
 * minutes agree (the archive has no calendar; see docs/scorecard.md, "Event archive"):
 *   09:00Z A (DE, google/spring), B (AT), C (FR) and E (DE, linkedin) are SQLs; D is nurtured.
 *          B is rejected at once ("No budget or timing: next year").
 *   09:10Z Anna calls A (TouchLogged): A's first touch, 10 minutes in (LeadTouched).
 *   09:20Z A accepted, 10 minutes after the touch. E rejected with free text (ranked as Other).
 *   09:30Z F (DE, google) is an SQL.
 *   C and F are not touched by their deadlines (breached). F is accepted at 10:45Z, late.
 * Read at 11:30Z, when every deadline has passed.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scorecard } from '../../functions/domain/scorecard/types.ts';
import {
  ARCHIVE_TABLE_NAME,
  type ArchiveQuery,
  archiveDatabaseName,
  archiveQueries,
} from '../../infra/archive/queries.ts';
import { contactSales, contentLead } from '../../local/driver.ts';
import { openArchiveInDuckDb, runArchiveQuery } from '../support/archive-duckdb.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';

const READ_AT = '2026-03-23T11:30:00Z';
const MARCH = { from: '2026-03-01', to: '2026-03-31' };

let h: Harness;
let archiveDir: string;
let card: Scorecard;
let duck: DuckDBConnection;

const run = (query: ArchiveQuery) => runArchiveQuery(duck, query, MARCH, READ_AT);

const query = (id: ArchiveQuery['id']) => {
  const found = archiveQueries(h.local.config).find((q) => q.id === id);
  if (!found) throw new Error(`no archive query ${id}`);
  return run(found);
};

beforeAll(async () => {
  archiveDir = mkdtempSync(join(tmpdir(), 'leadflow-archive-'));
  h = await startHarness({ start: '2026-03-23T09:00:00Z', eventArchiveDir: archiveDir });
  const a = await h.captureLead(
    contactSales('a@acme.example', 'DE', { utm_source: 'Google', utm_campaign: 'spring' }),
  );
  const b = await h.captureLead(contactSales('b@acme.example', 'AT', { utm_source: 'LinkedIn' }));
  await h.activity('LeadRejected', { leadId: b, reason: 'No budget or timing: next year' });
  await h.captureLead(contactSales('c@acme.example', 'FR'));
  await h.captureLead(contentLead('d@widgets.example'));
  const e = await h.captureLead(contactSales('e@acme.example', 'DE', { utm_source: 'linkedin ' }));
  await h.runUntil('2026-03-23T09:10:00Z');
  await h.activity('TouchLogged', { leadId: a, channel: 'call' });
  await h.runUntil('2026-03-23T09:20:00Z');
  await h.activity('LeadAccepted', { leadId: a });
  await h.activity('LeadRejected', { leadId: e, reason: 'they were not interested at all' });
  await h.runUntil('2026-03-23T09:30:00Z');
  const f = await h.captureLead(contactSales('f@acme.example', 'DE', { utm_source: 'google' }));
  await h.runUntil('2026-03-23T10:45:00Z');
  await h.activity('LeadAccepted', { leadId: f });
  await h.runUntil(READ_AT);

  const response = await fetch(`${h.url}/reports/scorecard?from=${MARCH.from}&to=${MARCH.to}`, {
    headers: { authorization: `Bearer ${h.opsToken}` },
  });
  expect(response.status).toBe(200);
  card = (await response.json()) as Scorecard;

  duck = await openArchiveInDuckDb(archiveDir, h.local.config.name);
}, 180_000);

afterAll(async () => {
  duck?.closeSync();
  await h?.stop();
});

describe('the event archive on the local runtime', () => {
  it('holds every lifecycle event once, as newline-delimited JSON under unit and local day', async () => {
    expect(readdirSync(join(archiveDir, 'events'))).toEqual(['unit=demo']);
    expect(readdirSync(join(archiveDir, 'events', 'unit=demo'))).toEqual(['dt=2026-03-23']);
    const rows = await duck.runAndReadAll(
      `SELECT detail_type, count(*) AS n FROM ${archiveDatabaseName('demo')}.${ARCHIVE_TABLE_NAME} GROUP BY 1`,
    );
    const archived = Object.fromEntries(rows.getRows().map(([type, n]) => [type, Number(n)]));
    const onBus = h.local.bus.log.filter(
      (ev) => ev.source === 'leadflow' && ev['detail-type'] !== 'LifecycleFailed',
    );
    const expected: Record<string, number> = {};
    for (const ev of onBus) expected[ev['detail-type']] = (expected[ev['detail-type']] ?? 0) + 1;
    expect(archived).toEqual(expected);
    expect(archived).toMatchObject({
      LeadCaptured: 6,
      LeadQualified: 5,
      LeadTouched: 1,
      LeadAccepted: 2,
      LeadRejected: 2,
    });
  });
});

describe('the Athena named queries over it (DuckDB) agree with the scorecard', () => {
  it('SQLs delivered', async () => {
    expect(card.marketing.sqls.delivered).toBe(5);
    expect(await query('sqls-delivered')).toEqual([{ sqls_delivered: card.marketing.sqls.delivered }]);
  });

  it('first touch within SLA: A, B and E in time; C untouched and F late', async () => {
    expect(card.sales.firstTouch).toMatchObject({ judged: 5, within: 3, rate: 0.6 });
    const { judged, within, rate } = card.sales.firstTouch;
    expect(await query('first-touch-within-sla')).toEqual([{ judged, within_sla: within, rate }]);
  });

  it("time to first touch p50/p90, A's from the touch logged before its acceptance", async () => {
    const { count, p50, p90 } = card.sales.firstTouch.minutes;
    // B 0, A 10 (touched at 09:10, not accepted at 09:20), E 20, F 75.
    expect(card.sales.firstTouch.minutes).toMatchObject({ count: 4, p50: 10, p90: 75 });
    expect(await query('time-to-first-touch')).toEqual([
      { touched: count, p50_minutes: p50, p90_minutes: p90 },
    ]);
  });

  it('acceptance rate of the decided hand-offs', async () => {
    expect(card.marketing.quality).toMatchObject({ judged: 4, within: 2, rate: 0.5 });
    const { judged, within, rate } = card.marketing.quality;
    expect(await query('acceptance-rate')).toEqual([
      { decided: judged, accepted: within, acceptance_rate: rate },
    ]);
  });

  it('rejection reasons by source', async () => {
    expect(card.feedback.rejectionsBySource).toHaveLength(2);
    const fromScorecard = card.feedback.rejectionsBySource
      .map((r) => ({ source: r.source, reason: r.reason, rejections: r.count }))
      .sort((x, y) => `${x.source}${x.reason}`.localeCompare(`${y.source}${y.reason}`));
    const fromArchive = (await query('rejections-by-source')).sort((x, y) =>
      `${x.source}${x.reason}`.localeCompare(`${y.source}${y.reason}`),
    );
    expect(fromArchive).toEqual(fromScorecard);
  });
});
