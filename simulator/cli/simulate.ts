/**
 * `npm run simulate -- --unit demo --from history.json --config proposed.ts [--compare baseline.ts]
 *  [--json out.json] [--html out.html] [--horizon-days 30] [--engine interpreter|library] [--workers N]`: replays the history under the
 * proposed agreement and under the baseline (the unit's own config unless --compare names
 * another), prints the two side by side and writes JSON and HTML reports.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadBusinessUnitConfig, parseBusinessUnitConfig } from '../../config/load.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { localDate } from '../../functions/domain/agreement/dates.ts';
import { SIMULATOR_ENGINES, type SimulatorEngine } from '../engine.ts';
import { History } from '../history.ts';
import { ASSUMPTIONS, progressBar, renderText, type WhatIfReport } from '../report.ts';
import { renderHtml } from '../report-html.ts';
import { simulate } from '../simulate.ts';
import { parseArgs } from './args.ts';

/** A unit config from a module (default export) or a JSON file, validated like a unit file. */
async function configFrom(file: string, unit: string): Promise<BusinessUnitConfig> {
  const path = resolve(file);
  const raw = file.endsWith('.json')
    ? JSON.parse(readFileSync(path, 'utf8'))
    : ((await import(pathToFileURL(path).href)) as { default?: unknown }).default;
  const config = parseBusinessUnitConfig(raw, file);
  // The run's resources are named after the unit: a proposal keeps the unit's name.
  return config.name === unit ? config : { ...config, name: unit };
}

const args = parseArgs(process.argv.slice(2));
const unit = args.get('unit') ?? 'demo';
const historyFile = args.get('from');
const proposedFile = args.get('config');
if (!historyFile || !proposedFile) {
  console.error(
    'usage: npm run simulate -- --unit X --from <history.json> --config <proposed unit config> [--compare <baseline>] [--json out.json] [--html out.html]',
  );
  process.exit(2);
}
const history = History.parse(JSON.parse(readFileSync(historyFile, 'utf8')));
const compareFile = args.get('compare');
const baseline = compareFile ? await configFrom(compareFile, unit) : await loadBusinessUnitConfig(unit);
const proposed = await configFrom(proposedFile, unit);
const horizonDays = Number(args.get('horizon-days') ?? 30);
// The library engine (aws-local-stepfunctions, as `npm start` runs it) is the slower reference.
const engine = (args.get('engine') ?? 'interpreter') as SimulatorEngine;
// Worker threads share the teams out; the report is the same for any number of them.
const workers = Number(args.get('workers') ?? 1);
if (!SIMULATOR_ENGINES.includes(engine)) {
  console.error(`--engine must be one of ${SIMULATOR_ENGINES.join(', ')}`);
  process.exit(2);
}

async function run(label: string, config: BusinessUnitConfig) {
  const started = performance.now();
  const result = await simulate(config, history, {
    horizonDays,
    engine,
    workers,
    onProgress: (done, total) => {
      if (done % 50 === 0 || done === total) process.stderr.write(`\r${progressBar(label, done, total)}`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`  ${seconds.toFixed(1)} s, ${(history.leads.length / seconds).toFixed(0)} leads/s\n`);
  return result.metrics;
}

const report: WhatIfReport = {
  unit,
  history: {
    seed: history.seed,
    leads: history.leads.length,
    from: localDate(history.period.from, baseline.timezone),
    to: localDate(new Date(Date.parse(history.period.to) - 1), baseline.timezone),
  },
  baseline: {
    label: compareFile ?? `config/business-units/${unit}.ts`,
    metrics: await run('baseline', baseline),
  },
  proposed: { label: proposedFile, metrics: await run('proposed', proposed) },
  assumptions: [...ASSUMPTIONS, `The lifecycle runs ${horizonDays} days past the period.`],
};
console.log(renderText(report));
const json = args.get('json');
if (json) writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
const html = args.get('html');
if (html) writeFileSync(html, renderHtml(report));
// Executions still waiting at the horizon hold no timers; nothing else is left to run.
process.exit(0);
