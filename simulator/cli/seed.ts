/**
 * `npm run seed -- --unit demo [--seed 42] [--leads 2000] [--from 2026-01-01 --to 2026-04-01] [--out history.json]`:
 * writes a seeded synthetic history of the unit (simulator/seed.ts) for `npm run simulate`.
 *
 * `npm run seed -- --unit demo --days 30 [--seed 7] [--leads 600] [--from 2026-01-01]
 *  [--data-dir .leadflow/data/demo] [--keys-dir DIR] [--horizon-days 0]`: generates `--days` days
 * of history (20 leads a day unless `--leads`) and plays them onto the local runtime's store, the
 * one `npm start` then serves (simulator/seed-local-runtime.ts). With `--out`, `--days` only sets
 * the period of the history file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadBusinessUnitConfig } from '../../config/load.ts';
import { addDays } from '../../functions/domain/agreement/dates.ts';
import { generateHistory } from '../seed.ts';
import { seedLocalRuntime, seedProgressLine } from '../seed-local-runtime.ts';
import { parseArgs } from './args.ts';

const LEADS_PER_DAY = 20;
const DEFAULT_FROM = '2026-01-01';

function count(name: string, value: string | undefined, fallback: number, min: number): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number of at least ${min}, not ${value}`);
    process.exit(2);
  }
  return n;
}

const args = parseArgs(process.argv.slice(2));
const unit = args.get('unit') ?? 'demo';
const config = await loadBusinessUnitConfig(unit);
const days = args.has('days') ? count('days', args.get('days'), 0, 1) : undefined;
const from = args.get('from') ?? (days ? DEFAULT_FROM : undefined);
const history = generateHistory(config, {
  seed: count('seed', args.get('seed'), 42, 0),
  leads: count('leads', args.get('leads'), days ? days * LEADS_PER_DAY : 2000, 1),
  from,
  to: days && from ? addDays(from, days) : args.get('to'),
});
const out = args.get('out');

if (days === undefined || out !== undefined) {
  const file = out ?? `.leadflow/history-${unit}.json`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(history, null, 1)}\n`);
  console.log(
    `Wrote ${history.leads.length} leads of unit ${unit} (${history.period.from} to ${history.period.to}, seed ${history.seed}) to ${file}`,
  );
} else {
  const dataDir = args.get('data-dir') ?? join('.leadflow', 'data', config.name);
  let startedAt = performance.now();
  let lastDrawn = 0;
  try {
    const summary = await seedLocalRuntime({
      config,
      history,
      dataDir,
      keyDir: args.get('keys-dir'),
      horizonDays: count('horizon-days', args.get('horizon-days'), 0, 0),
      onProgress: (phase, done, total) => {
        if (phase === 'simulate') {
          if (done < total) return;
          process.stderr.write(`simulated what reps and marketing do with ${total} leads\n`);
          startedAt = performance.now();
          return;
        }
        const now = performance.now();
        // A redraw a few times a second is enough, and keeps a long seed's log small.
        if (done < total && now - lastDrawn < 200) return;
        lastDrawn = now;
        process.stderr.write(
          `\r${seedProgressLine(done, total, startedAt, now)}${done === total ? '\n' : ''}`,
        );
      },
    });
    const { period } = summary;
    const startArgs = args.has('data-dir') ? ` --data-dir ${dataDir}` : '';
    console.log(
      [
        `Seeded ${summary.leads} leads of unit ${unit} (${period.from} to ${period.to}, seed ${history.seed}) into ${dataDir}`,
        `  SQLs ${summary.sqls}  touches ${summary.touches} (first touches ${summary.firstTouches})  accepted ${summary.accepted}  rejected ${summary.rejected}  won ${summary.won}  lost ${summary.lost}`,
        `  See them: npm start -- --unit ${unit}${startArgs}, then GET /reports/scorecard?from=${period.from}&to=${period.to}`,
      ].join('\n'),
    );
    // Executions still waiting at the end hold no timers worth keeping; the store is closed.
    process.exit(0);
  } catch (error) {
    console.error(`\n${(error as Error).message}`);
    process.exit(1);
  }
}
