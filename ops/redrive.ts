/**
 * `npm run redrive -- --unit <unit> [--dry-run] [--local [--url http://127.0.0.1:3000]]`
 *
 * Puts a unit back in order after failures, safely and as often as needed:
 * 1. every message in the unit's dead-letter queues (the event rules' target DLQ and each
 *    event-invoked function's async-failure queue) is put back on the unit's bus, and deleted
 *    only once PutEvents accepted it;
 * 2. every lead parked in stage `failed` moves back to the stage it failed in (only from
 *    `failed`, with a timeline entry) and a new execution `<leadId>-r<epoch seconds>` resumes it.
 * It prints what it did and exits 1 when anything is left that it could not handle (2: usage).
 * On AWS it reads the stack's outputs (AWS_ENDPOINT_URL_<SERVICE> and the usual credentials
 * apply); with --local it asks a running `npm start` runtime to do the same with its own bus.
 */

import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadBusinessUnitConfig } from '../config/load.ts';
import { redriveOnAws } from './redrive/aws.ts';
import { errorText, formatReport, problemCount, type RedriveReport } from './redrive/report.ts';

export const USAGE =
  'Usage: npm run redrive -- --unit <unit> [--dry-run] [--local [--url http://127.0.0.1:3000]]';

export interface RedriveOptions {
  unit: string;
  dryRun: boolean;
  local: boolean;
  url: string;
}

export class UsageError extends Error {}

export function parseRedriveArgs(argv: string[]): RedriveOptions {
  let values: { unit?: string; 'dry-run'?: boolean; local?: boolean; url?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        unit: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        local: { type: 'boolean', default: false },
        url: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.unit) throw new UsageError('--unit is required');
  if (values.url && !values.local) throw new UsageError('--url is for --local only');
  return {
    unit: values.unit,
    dryRun: values['dry-run'] ?? false,
    local: values.local ?? false,
    url: (values.url ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''),
  };
}

/** Asks a running local runtime to redrive (or, dry, to say what it would), after checking its unit. */
export async function redriveThroughRuntime(options: RedriveOptions): Promise<RedriveReport> {
  const health = await fetch(`${options.url}/health`);
  const { businessUnit } = (await health.json()) as { businessUnit?: string };
  if (businessUnit !== options.unit)
    throw new Error(`The runtime at ${options.url} runs unit ${businessUnit}, not ${options.unit}`);
  const response = await fetch(`${options.url}/_local/dead-letters/redrive`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dryRun: options.dryRun }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST /_local/dead-letters/redrive answered ${response.status}: ${text}`);
  return { ...(JSON.parse(text) as RedriveReport), target: `the local runtime at ${options.url}` };
}

/** Runs the command; answers the exit code. */
export async function runRedrive(
  argv: string[],
  print: (line: string) => void = console.log,
): Promise<number> {
  let options: RedriveOptions;
  try {
    options = parseRedriveArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    print(`${error.message}\n${USAGE}`);
    return 2;
  }
  let report: RedriveReport;
  try {
    const config = await loadBusinessUnitConfig(options.unit);
    if (options.local) {
      report = await redriveThroughRuntime(options);
    } else {
      // The unit's data lives in its pinned region, whatever the shell's default is.
      if (config.aws?.region) process.env.AWS_REGION = config.aws.region;
      report = await redriveOnAws(config, options);
    }
  } catch (error) {
    print(`Redrive of unit ${options.unit} failed: ${errorText(error)}`);
    return 1;
  }
  print(formatReport(report));
  return problemCount(report) > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runRedrive(process.argv.slice(2));
}
