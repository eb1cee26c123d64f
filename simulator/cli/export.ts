/**
 * `npm run export -- --unit X --out history.json [--from <date>] [--to <date>] [--seed N]
 *  [--local [--data-dir DIR]]`: writes the unit's own lead history (simulator/export.ts) as the
 * simulator's history file. On AWS it reads the unit's table (`leadflow-<unit>`) through the
 * normal SDK clients, with the usual credentials and region; with --local, the local runtime's
 * store under --data-dir (default .leadflow/data/<unit>; stop `npm start` first, the store
 * takes a lock).
 */
import { writeFileSync } from 'node:fs';
import { loadBusinessUnitConfig } from '../../config/load.ts';
import { unitResourceNames } from '../../config/resource-names.ts';
import { LeadStore } from '../../functions/adapters/lead-store.ts';
import { openUnitStore } from '../../local/embedded/unit-store.ts';
import { exportHistory } from '../export.ts';
import { parseArgs } from './args.ts';

const args = parseArgs(process.argv.slice(2));
const unit = args.get('unit');
const out = args.get('out');
if (!unit || !out) {
  console.error(
    'usage: npm run export -- --unit X --out history.json [--from <date>] [--to <date>] [--seed N] [--local [--data-dir DIR]]',
  );
  process.exit(2);
}
const instant = (name: string) => {
  const value = args.get(name);
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`--${name} must be a date or an ISO instant, got ${value}`);
  return new Date(ms).toISOString();
};

const config = await loadBusinessUnitConfig(unit);
const local = args.has('local') || args.has('data-dir');
const store = await openUnitStore({ unit, local, dataDir: args.get('data-dir') });
try {
  const { history, assumptions } = await exportHistory(new LeadStore(unitResourceNames(unit).table), config, {
    from: instant('from'),
    to: instant('to'),
    seed: args.has('seed') ? Number(args.get('seed')) : undefined,
  });
  writeFileSync(out, `${JSON.stringify(history, null, 2)}\n`);
  console.log(
    `${history.leads.length} leads of unit ${unit} from ${history.period.from} to ${history.period.to} written to ${out}`,
  );
  for (const assumption of assumptions) console.log(`  assumed: ${assumption}`);
} catch (error) {
  if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  console.error(
    `No table ${unitResourceNames(unit).table} ${local ? 'in that data directory (is it the runtime’s --data-dir?)' : 'in this account and region'}`,
  );
  process.exitCode = 1;
} finally {
  await store.close();
}
