/**
 * `npm run crash-test -- --cycles 20 [--leads 16] [--seed 1234] [--speed 30] [--strict]`
 *
 * Runs the kill/restart cycles of test/resilience/crash-restart.test.ts for longer and prints
 * the figures: cycles run, leads posted, 202s, leads lost, duplicate alerts. Exits 1 when any
 * check failed; the seed replays the same bursts and kill points (the kill lands at the same
 * instant; what the runtime was doing then varies a little from run to run). `--strict` also
 * fails on duplicates from the send/mark-sent crash window (defect D1).
 */
import { parseArgs } from 'node:util';
import { runCrashCycles } from './support/crash-cycle.ts';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '10' },
    leads: { type: 'string', default: '16' },
    seed: { type: 'string' },
    speed: { type: 'string', default: '30' },
    'kill-window': { type: 'string', default: '1500' },
    strict: { type: 'boolean', default: false },
  },
  strict: true,
});

// The runtimes run in their own process groups (a Ctrl-C does not reach them): exiting kills them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const started = Date.now();
const figures = await runCrashCycles({
  cycles: Number(values.cycles),
  leadsPerCycle: Number(values.leads),
  seed,
  speed: Number(values.speed),
  killWindowMs: Number(values['kill-window']),
  staggerMs: 300,
  settleMs: 1_500,
  convergeMs: 15_000,
  strict: values.strict,
  log: (line) => console.log(line),
});

const complaints = [...new Set(figures.complaints)];
console.log(
  [
    '',
    `seed             ${figures.seed}   (replay: npm run crash-test -- --cycles ${values.cycles} --leads ${values.leads} --speed ${values.speed} --seed ${figures.seed})`,
    `cycles run       ${figures.cycles.length}`,
    `kills (SIGKILL)  ${figures.kills}`,
    `leads posted     ${figures.posted}`,
    `202 Accepted     ${figures.accepted}`,
    `leads lost       ${figures.lost}`,
    `duplicate alerts ${figures.duplicateAlerts}`,
    `  plus ${figures.crashWindowDuplicates.length} from the send/mark-sent crash window (D1)${values.strict ? '' : ', tolerated without --strict'}`,
    ...figures.crashWindowDuplicates.map((d) => `    2× ${d}`),
    `violations       ${figures.violations.length}`,
    `took             ${((Date.now() - started) / 1000).toFixed(1)} s`,
    ...(complaints.length
      ? ['', 'The runtimes printed:', ...complaints.slice(0, 20).map((c) => `  ${c}`)]
      : []),
    ...figures.violations.map((v) => `  ${v}`),
  ].join('\n'),
);
process.exit(figures.violations.length > 0 ? 1 : 0);
