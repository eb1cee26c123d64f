/**
 * A seeded week on the local runtime (`npm run seed -- --days N`, simulator/seed-local-runtime.ts),
 * then every way the scorecard is read agrees with the others and with the seed's own record:
 * GET /reports/scorecard as JSON, CSV and HTML; the weekly digest the stack's schedule mails on
 * the Monday after; and the Athena named queries run with DuckDB over the event archive the seed
 * wrote under the data dir.
 *
 * Demo unit (Europe/Berlin, UTC+1 in early March 2026; Mon-Fri 09:00-17:00; first touch within
 * 60 business minutes). 60 leads arrive Monday 2 to Friday 6 March, at any hour (the arrival
 * profile), and the simulated reps work them until Saturday 00:00 Berlin, when the figures are
 * read. The expectations are counted off the simulation's timelines and activities:
 *   SQLs delivered    one per `qualified` entry;
 *   first touch       per hand-off (the entries from one `qualified` to the next): judged when
 *                     touched or breached, within SLA when touched before any breach;
 *   rejections        the LeadRejected activities, by the agreed reason they name (a reason
 *                     followed by ": note" is that reason), anything else as Other;
 *   leads by source   the submissions' utm.source, (none) without one.
 * The digest goes out Monday 9 March 08:00 Berlin for 2 to 8 March; no business minute passes
 * between the reading and the send, so the week's figures are the seeded period's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCell } from '../../functions/domain/scorecard/tables.ts';
import type { Scorecard } from '../../functions/domain/scorecard/types.ts';
import { type ArchiveQuery, archiveQueries } from '../../infra/archive/queries.ts';
import type { SentEmail } from '../../local/embedded/ses.ts';
import { generateHistory } from '../../simulator/seed.ts';
import { seedLocalRuntime } from '../../simulator/seed-local-runtime.ts';
import { type SimulationResult, simulate } from '../../simulator/simulate.ts';
import { openArchiveInDuckDb, runArchiveQuery } from '../support/archive-duckdb.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';
import { unitConfig } from '../support/unit-config.ts';

const config = unitConfig();
const PERIOD = { from: '2026-03-02', to: '2026-03-06' };
const WEEK = { from: '2026-03-02', to: '2026-03-08' };
const DIGEST_AT = '2026-03-09T07:00:00Z';
const history = generateHistory(config, { seed: 3, leads: 60, from: PERIOD.from, to: '2026-03-07' });
const READ_AT = history.period.to;
const root = mkdtempSync(join(tmpdir(), 'leadflow-seed-agreement-'));
const dataDir = join(root, 'data');
const keyDir = join(root, 'keys');

let simulated: SimulationResult;
let harness: Harness;
let duck: DuckDBConnection;
const read: { json?: Scorecard; csv?: string; html?: string; week?: Scorecard; digests?: SentEmail[] } = {};

async function scorecard(period: { from: string; to: string }, format: string): Promise<string> {
  const response = await harness.clock.track(() =>
    fetch(`${harness.url}/reports/scorecard?from=${period.from}&to=${period.to}&format=${format}`, {
      headers: { authorization: `Bearer ${harness.opsToken}` },
    }),
  );
  expect(response.status).toBe(200);
  return response.text();
}

beforeAll(async () => {
  await seedLocalRuntime({ config, history, dataDir, keyDir });
  // What the seed played, simulated again on its own (the same seed gives the same run).
  simulated = await simulate(config, history, { horizonDays: 0 });
  harness = await startHarness({ start: READ_AT, config, dataDir, keyDir, resume: false, schedules: true });
  read.json = JSON.parse(await scorecard(PERIOD, 'json')) as Scorecard;
  read.csv = await scorecard(PERIOD, 'csv');
  read.html = await scorecard(PERIOD, 'html');
  duck = await openArchiveInDuckDb(join(dataDir, 'event-archive'), config.name);
  await harness.runUntil(DIGEST_AT);
  // The outbox is the process's: the seed's own runtime mailed the (empty) week before it.
  read.digests = (await harness.local.ses.fetchSentEmails()).filter((m) =>
    m.subject.includes(`scorecard, ${WEEK.from} to ${WEEK.to}: `),
  );
  read.week = JSON.parse(await scorecard(WEEK, 'json')) as Scorecard;
}, 120_000);

afterAll(async () => {
  duck?.closeSync();
  await harness?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** The figures, counted off the simulation's own record (see the header). */
function fromTheRecord() {
  const handoffs = simulated.leads.flatMap((lead) => {
    const starts = lead.timeline.flatMap((e, i) => (e.type === 'qualified' ? [i] : []));
    return starts.map((start, k) => lead.timeline.slice(start, starts[k + 1]));
  });
  const judged = handoffs.filter((h) => h.some((e) => e.type === 'touch' || e.type === 'breached'));
  const touchedBeforeBreach = (h: (typeof handoffs)[number]) => {
    const touch = h.findIndex((e) => e.type === 'touch');
    const breach = h.findIndex((e) => e.type === 'breached');
    return touch >= 0 && (breach < 0 || touch < breach);
  };
  const within = judged.filter(touchedBeforeBreach);
  const untouched = judged.filter((h) => !h.some((e) => e.type === 'touch')).length;
  const agreed = config.sla.rejectionReasons;
  const labelOf = (reason: string) =>
    agreed.find((r) => reason === r || reason.startsWith(`${r}:`)) ?? 'Other';
  const count = (keys: string[]) => {
    const counts: Record<string, number> = {};
    for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
    return counts;
  };
  const sourceOf = (i: number) =>
    (history.leads[i]?.submission.utm as { source?: string } | undefined)?.source ?? '(none)';
  const sourceByLead = new Map(simulated.leads.map((l, i) => [l.leadId, sourceOf(i)]));
  const rejections = simulated.activities.filter((a) => a.type === 'LeadRejected');
  return {
    leads: history.leads.length,
    sqls: handoffs.length,
    firstTouch: { judged: judged.length, within: within.length },
    /** Judged but not within: never touched, or touched only after the breach. */
    breachedUntouched: untouched,
    touchedLate: judged.length - within.length - untouched,
    notYetJudged: handoffs.length - judged.length,
    rejectionsByReason: count(rejections.map((r) => labelOf(String(r.detail.reason)))),
    rejectionsBySource: count(
      rejections.map((r) => `${sourceByLead.get(r.detail.leadId)} / ${labelOf(String(r.detail.reason))}`),
    ),
    leadsBySource: count(history.leads.map((_, i) => sourceOf(i))),
  };
}

/** RFC 4180 records of the CSV (CRLF record ends; quoted fields with doubled quotes). */
function csvRecords(csv: string): string[][] {
  const records: string[][] = [[]];
  const field = /"((?:[^"]|"")*)"|([^,\r\n]*)/y;
  let at = 0;
  while (at < csv.length) {
    field.lastIndex = at;
    const match = field.exec(csv);
    const value = match?.[1] !== undefined ? match[1].replaceAll('""', '"') : (match?.[2] ?? '');
    records.at(-1)?.push(value);
    at = field.lastIndex;
    if (csv.startsWith('\r\n', at)) {
      at += 2;
      if (at < csv.length) records.push([]);
    } else at += 1; // the comma
  }
  return records;
}

/** One CSV section (caption record up to the blank line) as objects keyed by its header. */
function csvSection(caption: string): Array<Record<string, string>> {
  const records = csvRecords(read.csv ?? '');
  const start = records.findIndex((r) => r.length === 1 && r[0]?.startsWith(`${caption} (`));
  expect(start, caption).toBeGreaterThanOrEqual(0);
  const header = records[start + 1] ?? [];
  const rows: Array<Record<string, string>> = [];
  for (const r of records.slice(start + 2)) {
    if (r.length === 1 && r[0] === '') break;
    rows.push(Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
  }
  return rows;
}

/** The rows of the page's table `id`, each cell's text. */
function htmlTable(id: string): string[][] {
  const table = new RegExp(`<table id="table-${id}">(.*?)</table>`, 's').exec(read.html ?? '')?.[1];
  expect(table, id).toBeDefined();
  const body = /<tbody>(.*)<\/tbody>/s.exec(table ?? '')?.[1] ?? '';
  const text = (cell: string) =>
    cell
      .replace(/<[^>]+>/g, '')
      .replaceAll('&amp;', '&')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'");
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((cell) => text(cell[1] ?? '')),
  );
}

const archive = (id: ArchiveQuery['id']) => {
  const query = archiveQueries(config).find((q) => q.id === id);
  if (!query) throw new Error(`no archive query ${id}`);
  return runArchiveQuery(duck, query, PERIOD, READ_AT);
};

const expected = () => fromTheRecord();
const json = () => read.json as Scorecard;
const rate = (x: number | null) => formatCell(x, 'rate');

describe('a seeded week on the local runtime', () => {
  it('did enough for the comparison to mean something', () => {
    const e = expected();
    expect(e.sqls).toBeGreaterThan(10);
    expect(e.firstTouch.judged).toBeGreaterThan(5);
    // Each way a hand-off can stand at the reading: in time, late, never touched, not due yet.
    expect(e.firstTouch.within).toBeGreaterThan(0);
    expect(e.touchedLate).toBeGreaterThan(0);
    expect(e.breachedUntouched).toBeGreaterThan(0);
    expect(e.notYetJudged).toBeGreaterThan(0);
    expect(Object.keys(e.rejectionsByReason).length).toBeGreaterThan(1);
    expect(Object.keys(e.leadsBySource).length).toBeGreaterThan(2);
  });

  it('JSON: the figures counted off the record', () => {
    const e = expected();
    const card = json();
    expect(card.funnel.stages.find((s) => s.stage === 'lead')?.count).toBe(e.leads);
    expect(card.marketing.sqls.delivered).toBe(e.sqls);
    expect({ judged: card.sales.firstTouch.judged, within: card.sales.firstTouch.within }).toEqual(
      e.firstTouch,
    );
    expect(card.sales.firstTouch.rate).toBeCloseTo(e.firstTouch.within / e.firstTouch.judged, 4);
    expect(Object.fromEntries(card.feedback.rejectionReasons.map((r) => [r.label, r.count]))).toEqual(
      e.rejectionsByReason,
    );
    expect(Object.fromEntries(card.marketing.bySource.map((r) => [r.value, r.leads]))).toEqual(
      e.leadsBySource,
    );
  });

  it('CSV: the same headline figures', () => {
    const card = json();
    const all = csvSection('SQLs delivered against the commitment').find((r) => r.Commitment === 'All SQLs');
    expect(Number(all?.Delivered)).toBe(card.marketing.sqls.delivered);
    const touch = csvSection(
      'Targets, each hand-off judged by the agreement version in force when it was handed off',
    ).find((r) => r.Measure === 'First touch within SLA (sales)' && r['Agreement version'] === 'all');
    const ft = card.sales.firstTouch;
    expect([touch?.Judged, touch?.['Met the bar'], touch?.Rate].map(Number)).toEqual([
      ft.judged,
      ft.within,
      ft.rate,
    ]);
    const reasons = csvSection('Why sales rejected SQLs').map((r) => [r.Reason, Number(r.Rejections)]);
    expect(Object.fromEntries(reasons)).toEqual(expected().rejectionsByReason);
  });

  it('HTML: the same headline figures, in the page tables', () => {
    const card = json();
    expect(htmlTable('marketing-sqls').find((r) => r[0] === 'All SQLs')?.[1]).toBe(
      String(card.marketing.sqls.delivered),
    );
    const ft = card.sales.firstTouch;
    const touch = htmlTable('agreement-targets').find(
      (r) => r[0] === 'First touch within SLA (sales)' && r[1] === 'all',
    );
    expect(touch?.slice(2, 5)).toEqual([String(ft.judged), String(ft.within), rate(ft.rate)]);
    const reasons = htmlTable('rejection-reasons').map((r) => [r[0], Number(r[1])]);
    expect(Object.fromEntries(reasons)).toEqual(expected().rejectionsByReason);
  });

  it("the weekly digest: the week's figures, as the JSON for that week says them", () => {
    const e = expected();
    const week = read.week as Scorecard;
    expect(read.digests?.map((m) => m.to)).toEqual([
      ['marketing@demo.example.com'],
      ['sales-lead@demo.example.com'],
    ]);
    expect(week.period).toMatchObject(WEEK);
    expect(week.marketing.sqls.delivered).toBe(e.sqls);
    expect({ judged: week.sales.firstTouch.judged, within: week.sales.firstTouch.within }).toEqual(
      e.firstTouch,
    );
    const ft = week.sales.firstTouch;
    const top = week.feedback.rejectionReasons
      .slice(0, 3)
      .map((r) => `${r.label} (${r.count})`)
      .join(', ');
    for (const digest of read.digests ?? []) {
      expect(digest.subject).toContain(`scorecard, ${WEEK.from} to ${WEEK.to}: ${e.sqls} of `);
      expect(digest.text).toContain(`SQLs delivered: ${e.sqls} of `);
      expect(digest.text).toContain(
        `First touch within SLA: ${rate(ft.rate)} of ${e.firstTouch.judged} judged (target`,
      );
      expect(digest.text).toContain(`Top rejection reasons: ${top}\n`);
    }
    for (const r of week.feedback.rejectionReasons) expect(r.count).toBe(e.rejectionsByReason[r.label]);
  });

  it('the Athena named queries over the archive (DuckDB): SQLs, first touch and rejections by source', async () => {
    const e = expected();
    expect(await archive('sqls-delivered')).toEqual([{ sqls_delivered: e.sqls }]);
    const [touch] = await archive('first-touch-within-sla');
    expect(touch).toMatchObject({ judged: e.firstTouch.judged, within_sla: e.firstTouch.within });
    expect(touch?.rate).toBe(json().sales.firstTouch.rate);
    const bySource = Object.fromEntries(
      (await archive('rejections-by-source')).map((r) => [`${r.source} / ${r.reason}`, r.rejections]),
    );
    expect(bySource).toEqual(e.rejectionsBySource);
  });
});
