/**
 * `npm run metrics:backfill -- --unit X [--from <date>] [--to <date>] [--local [--data-dir DIR]]`:
 * replays the leads created in the window (all by default) into the scorecard's metrics
 * projection, for leads captured before the projection ran or while it was down. Each event is
 * applied once per event id, so running it again changes nothing. On AWS it uses the unit's
 * table (`leadflow-<unit>`) with the usual credentials; with --local, the local runtime's store
 * under --data-dir (default .leadflow/data/<unit>; stop `npm start` first, the store takes a lock).
 */
import { loadBusinessUnitConfig } from '../config/load.ts';
import { unitResourceNames } from '../config/resource-names.ts';
import { DynamoLeadReports } from '../functions/adapters/lead-reports.ts';
import { DynamoMetricsStore } from '../functions/adapters/metrics-store.ts';
import { backfillMetrics } from '../functions/use-cases/record-metrics.ts';
import { openUnitStore } from '../local/embedded/unit-store.ts';
import { parseArgs } from '../simulator/cli/args.ts';

const args = parseArgs(process.argv.slice(2));
const unit = args.get('unit');
if (!unit) {
  console.error(
    'usage: npm run metrics:backfill -- --unit X [--from <date>] [--to <date>] [--local [--data-dir DIR]]',
  );
  process.exit(2);
}
const date = (name: string, fallback: string) => {
  const value = args.get(name) ?? fallback;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    console.error(`--${name} must be a date or an ISO instant, got ${value}`);
    process.exit(2);
  }
  return new Date(ms);
};

const config = await loadBusinessUnitConfig(unit);
const local = args.has('local') || args.has('data-dir');
const store = await openUnitStore({ unit, local, dataDir: args.get('data-dir') });
try {
  const table = unitResourceNames(unit).table;
  const { leads, recorded } = await backfillMetrics(
    { config, metrics: new DynamoMetricsStore(table), reports: new DynamoLeadReports(table) },
    date('from', '1970-01-01T00:00:00Z'),
    date('to', '9999-12-31T00:00:00Z'),
  );
  console.log(
    `${leads} leads of unit ${unit} replayed: ${recorded} events recorded, the rest already counted`,
  );
} catch (error) {
  if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  console.error(
    `No table ${unitResourceNames(unit).table} ${local ? 'in that data directory (is it the runtime’s --data-dir?)' : 'in this account and region'}`,
  );
  process.exitCode = 1;
} finally {
  await store.close();
}
