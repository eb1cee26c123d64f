// Prints the mutation score per scope (domain, use cases) and per file from Stryker's JSON report
// (mutation-testing-report-schema). Run at the end of `npm run mutation` and `npm run mutation:domain`.
// Usage: tsx scripts/mutation-summary.ts [report.json]
import { readFileSync } from 'node:fs';

type Status =
  | 'Killed'
  | 'Survived'
  | 'NoCoverage'
  | 'Timeout'
  | 'CompileError'
  | 'RuntimeError'
  | 'Ignored'
  | 'Pending';
interface Report {
  files: Record<string, { mutants: { status: Status }[] }>;
}
interface Tally {
  detected: number;
  survived: number;
  noCoverage: number;
}

const SCOPES = [
  { name: 'DOMAIN', prefix: 'functions/domain/' },
  { name: 'USE CASES', prefix: 'functions/use-cases/' },
];

const report = JSON.parse(
  readFileSync(process.argv[2] ?? '.leadflow/mutation/mutation.json', 'utf8'),
) as Report;

/** Stryker's own score: (killed + timeout) / (killed + timeout + survived + no coverage). */
function tally(statuses: Status[]): Tally {
  const count = (...s: Status[]) => statuses.filter((x) => s.includes(x)).length;
  return {
    detected: count('Killed', 'Timeout'),
    survived: count('Survived'),
    noCoverage: count('NoCoverage'),
  };
}

function row(label: string, t: Tally): string {
  const valid = t.detected + t.survived + t.noCoverage;
  const score = valid === 0 ? 'n/a' : `${((100 * t.detected) / valid).toFixed(2)}%`;
  const cells = [score.padStart(7), t.detected, t.survived, t.noCoverage].map((c) => String(c).padStart(9));
  return `${cells.join('')}  ${label}`;
}

const lines = [
  '',
  'Mutation score per scope and file',
  `${['score', 'detected', 'survived', 'no test'].map((h) => h.padStart(9)).join('')}  file`,
];
for (const { name, prefix } of SCOPES) {
  const files = Object.entries(report.files)
    .map(([path, file]) => [path.replaceAll('\\', '/'), file.mutants.map((m) => m.status)] as const)
    .filter(([path]) => path.includes(prefix))
    .sort(([a], [b]) => a.localeCompare(b));
  if (files.length === 0) {
    lines.push(`${'-'.padStart(9)}${''.padStart(27)}  ${name} (${prefix}**): not mutated in this run`);
    continue;
  }
  lines.push(row(`${name} (${prefix}**)`, tally(files.flatMap(([, statuses]) => statuses))));
  for (const [path, statuses] of files)
    lines.push(row(`  ${path.slice(path.indexOf(prefix) + prefix.length)}`, tally(statuses)));
}
console.log(lines.join('\n'));
