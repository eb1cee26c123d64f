/**
 * Result shape every benchmark returns, small statistics helpers, and the plain-text tables
 * `npm run bench` prints. A benchmark module is also runnable on its own
 * (`npx tsx bench/<name>.ts`): `runAsScript` prints its result, or writes it as JSON to
 * `BENCH_OUT` when run.ts starts it as a child process.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. `<= 1.5x`; absent for figures reported for information. */
  target?: string;
  pass?: boolean;
  /** Decimal places to show (default: 2 below 10, 1 below 100, else 0). */
  digits?: number;
}

export interface Table {
  title: string;
  columns: string[];
  rows: Array<Array<string | number>>;
}

export interface BenchResult {
  id: string;
  title: string;
  metrics: Metric[];
  tables?: Table[];
  notes?: string[];
  /** Defects or risks in the code under test that the benchmark ran into. */
  problems?: string[];
  durationMs?: number;
  error?: string;
  /** Raw figures for a parent benchmark that merges this one (see lib/child.ts). */
  data?: unknown;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function formatNumber(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return String(value);
  const d =
    digits ?? (Number.isInteger(value) ? 0 : Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0);
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

export function verdict(metric: Metric): string {
  if (metric.pass === undefined) return metric.target ? '' : 'info';
  return metric.pass ? 'PASS' : 'FAIL';
}

export function renderTable(columns: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((row) => row.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (row: string[]) =>
    row
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function renderMetrics(result: BenchResult): string {
  return renderTable(
    ['Metric', 'Value', 'Unit', 'Target', 'Result'],
    result.metrics.map((m) => [m.name, formatNumber(m.value, m.digits), m.unit, m.target ?? '', verdict(m)]),
  );
}

export function renderResult(result: BenchResult): string {
  const parts = [`== ${result.title} ==`];
  if (result.error) parts.push(`CRASHED: ${result.error}`);
  if (result.metrics.length > 0) parts.push(renderMetrics(result));
  for (const table of result.tables ?? [])
    parts.push(`${table.title}\n${renderTable(table.columns, table.rows)}`);
  for (const note of result.notes ?? []) parts.push(`  note: ${note}`);
  for (const problem of result.problems ?? []) parts.push(`  PROBLEM: ${problem}`);
  return parts.join('\n\n');
}

/** Runs `main` when this module is the process entry point (not when imported). */
export async function runAsScript(moduleUrl: string, main: () => Promise<BenchResult>): Promise<void> {
  const entry = process.argv[1];
  if (!entry || resolve(entry) !== fileURLToPath(moduleUrl)) return;
  const started = performance.now();
  const result = await main();
  result.durationMs = performance.now() - started;
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(result, null, 2));
  else console.log(renderResult(result));
  // Servers, SDK keep-alive sockets and parked workflow timers must not keep a finished benchmark alive.
  process.exit(0);
}
