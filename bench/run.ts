/**
 * `npm run bench`: runs each benchmark in its own Node process (handler modules cache their
 * config, environment and SDK clients per process), prints every result and a summary table,
 * and writes everything to .leadflow/bench-results.json (git-ignored).
 * `npm run bench -- <id...>` runs only the benchmarks whose id contains one of the words.
 * A benchmark that misses its target is reported as FAIL; the exit code is non-zero only when
 * a benchmark crashes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { runChild } from './lib/child.ts';
import { type BenchResult, formatNumber, renderResult, renderTable, verdict } from './lib/report.ts';

const BENCHMARKS = [
  { id: 'cold-import', file: './cold-import.ts', timeoutMs: 150_000 },
  { id: 'store-requests', file: './store-requests.ts', timeoutMs: 60_000 },
  { id: 'capture-throughput', file: './capture-throughput.ts', timeoutMs: 90_000 },
  { id: 'lifecycle-cost', file: './lifecycle-cost.ts', timeoutMs: 120_000 },
  { id: 'lifecycle-throughput', file: './lifecycle-throughput.ts', timeoutMs: 120_000 },
  { id: 'simulator-throughput', file: './simulator-throughput.ts', timeoutMs: 300_000 },
];
const BUDGET_MS = 180_000;
const OUTPUT = join('.leadflow', 'bench-results.json');

const filters = process.argv.slice(2);
const selected = BENCHMARKS.filter((b) => filters.length === 0 || filters.some((f) => b.id.includes(f)));
const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x${availableParallelism()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${platform()} ${release()}, Node ${process.version}`;
console.log(`Leadflow benchmarks on ${machine}\n`);

const started = performance.now();
const results: BenchResult[] = [];
for (const [i, bench] of selected.entries()) {
  const t0 = performance.now();
  process.stdout.write(`[${i + 1}/${selected.length}] ${bench.id} ... `);
  let result: BenchResult;
  try {
    result = await runChild(new URL(bench.file, import.meta.url).href, { timeoutMs: bench.timeoutMs });
  } catch (error) {
    result = { id: bench.id, title: bench.id, metrics: [], error: (error as Error).message };
  }
  result.durationMs = performance.now() - t0;
  const failures = result.metrics.filter((m) => m.pass === false).length;
  console.log(
    `${result.error ? 'CRASHED' : failures ? `${failures} FAIL` : 'ok'} (${(result.durationMs / 1000).toFixed(1)} s)`,
  );
  results.push(result);
}
const totalMs = performance.now() - started;

console.log();
for (const result of results) console.log(`${renderResult(result)}\n`);

const rows = results.flatMap((r) =>
  r.error
    ? [[r.id, 'CRASHED', '', '', r.error.slice(0, 60)]]
    : r.metrics
        .filter((m) => m.target !== undefined)
        .map((m) => [
          r.id,
          m.name,
          `${formatNumber(m.value, m.digits)} ${m.unit}`,
          m.target ?? '',
          verdict(m),
        ]),
);
const passed = rows.filter((r) => r[4] === 'PASS').length;
console.log('== Summary: targets ==\n');
console.log(renderTable(['Benchmark', 'Metric', 'Value', 'Target', 'Result'], rows));
const problems = results.flatMap((r) => (r.problems ?? []).map((p) => `[${r.id}] ${p}`));
console.log(
  `\n${passed} of ${rows.length} targets met; ${problems.length} problem(s) reported above. ` +
    `Total ${(totalMs / 1000).toFixed(1)} s (budget ${BUDGET_MS / 1000} s${totalMs > BUDGET_MS ? ', EXCEEDED' : ''}).`,
);

mkdirSync('.leadflow', { recursive: true });
writeFileSync(
  OUTPUT,
  `${JSON.stringify({ generatedAt: new Date().toISOString(), machine, totalMs, results }, null, 2)}\n`,
);
console.log(`Results written to ${OUTPUT}`);
process.exitCode = results.some((r) => r.error) ? 1 : 0;
