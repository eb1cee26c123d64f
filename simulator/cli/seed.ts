/**
 * `npm run seed -- --unit demo [--seed 42] [--leads 2000] [--from 2026-01-01 --to 2026-04-01] [--out history.json]`:
 * writes a seeded synthetic history of the unit (simulator/seed.ts) for `npm run simulate`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadBusinessUnitConfig } from '../../config/load.ts';
import { generateHistory } from '../seed.ts';
import { parseArgs } from './args.ts';

const args = parseArgs(process.argv.slice(2));
const unit = args.get('unit') ?? 'demo';
const config = await loadBusinessUnitConfig(unit);
const history = generateHistory(config, {
  seed: Number(args.get('seed') ?? 42),
  leads: Number(args.get('leads') ?? 2000),
  from: args.get('from'),
  to: args.get('to'),
});
const out = args.get('out') ?? `.leadflow/history-${unit}.json`;
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(history, null, 1)}\n`);
console.log(
  `Wrote ${history.leads.length} leads of unit ${unit} (${history.period.from} to ${history.period.to}, seed ${history.seed}) to ${out}`,
);
