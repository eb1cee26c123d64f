/**
 * The local event archive as Athena sees the real one, in DuckDB: the Glue table over the
 * newline-delimited JSON the local bus wrote, and the named queries (infra/archive/queries.ts)
 * run in Athena's spelling. Each dialect difference is listed in docs/scorecard.md.
 */
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ARCHIVE_COLUMNS, duckDbType } from '../../infra/archive/layout.ts';
import { ARCHIVE_TABLE_NAME, type ArchiveQuery, archiveDatabaseName } from '../../infra/archive/queries.ts';

/**
 * Athena (Trino) → DuckDB: the queries keep Athena's spelling; DuckDB gets macros of the same
 * names and two textual changes (`inDuckDbDialect`).
 */
async function speakAthena(db: DuckDBConnection): Promise<void> {
  // Trino parses ISO 8601 with from_iso8601_timestamp; DuckDB casts.
  await db.run('CREATE MACRO from_iso8601_timestamp(text) AS CAST(text AS TIMESTAMPTZ)');
  // Trino's at_timezone(ts, zone) is DuckDB's timezone(zone, ts) (arguments swapped).
  await db.run('CREATE MACRO at_timezone(ts, zone) AS timezone(zone, ts)');
  // Seconds since the epoch.
  await db.run('CREATE MACRO to_unixtime(ts) AS epoch(ts)');
  // Athena's approx_percentile is approximate (t-digest); quantile_disc is the exact nearest
  // rank the scorecard uses, which approx_percentile approaches.
  await db.run('CREATE MACRO approx_percentile(x, p) AS quantile_disc(x, p)');
}

function inDuckDbDialect(sql: string, now: string): string {
  return (
    sql
      // Trino's regexp_replace replaces every match; DuckDB's only the first without 'g'.
      .replaceAll(`'\\s+', ' ')`, `'\\s+', ' ', 'g')`)
      // "Judged now": the scorecard's now is the runtime's virtual clock, not this machine's.
      .replaceAll('current_timestamp', `TIMESTAMPTZ '${now}'`)
  );
}

/** The Glue table over the local archive: same columns (types from the same list), same partitions. */
async function archiveTable(db: DuckDBConnection, dir: string, unit: string): Promise<void> {
  const columns = ARCHIVE_COLUMNS.map((c) => `'${c.jsonKey}': '${duckDbType(c.type)}'`).join(', ');
  const select = ARCHIVE_COLUMNS.map((c) => `"${c.jsonKey}" AS ${c.name}`).join(', ');
  const schema = archiveDatabaseName(unit);
  await db.run(`CREATE SCHEMA ${schema}`);
  await db.run(
    `CREATE VIEW ${schema}.${ARCHIVE_TABLE_NAME} AS SELECT ${select}, unit, dt FROM read_json(
      '${join(dir, 'events', '**', '*.ndjson')}', format = 'newline_delimited', columns = {${columns}},
      hive_partitioning = true, hive_types = {'unit': 'VARCHAR', 'dt': 'VARCHAR'})`,
  );
}

/** An in-memory DuckDB with the unit's archive table over `dir` (an event archive dir). */
export async function openArchiveInDuckDb(dir: string, unit: string): Promise<DuckDBConnection> {
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  await speakAthena(db);
  await archiveTable(db, dir, unit);
  return db;
}

/** One named query over local dates `from` to `to` (both included), judged at `now`; BIGINTs as numbers. */
export async function runArchiveQuery(
  db: DuckDBConnection,
  query: ArchiveQuery,
  period: { from: string; to: string },
  now: string,
): Promise<Array<Record<string, unknown>>> {
  const result = await db.runAndReadAll(inDuckDbDialect(query.sql, now), [period.from, period.to]);
  return result
    .getRowObjects()
    .map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
    );
}
