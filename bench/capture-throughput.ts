/**
 * Benchmark 3: local capture throughput and latency over HTTP at 32 concurrent clients
 * (distinct emails), as a ratio to the raw store write it is built on: the same number of
 * LeadStore.create calls (one conditional PutItem of a fresh lead) against the same dynalite,
 * also 32 at a time, measured in the same run and interleaved (raw, capture, raw, capture).
 * Lifecycle starts are switched off here (benchmark 5 covers the lifecycle), so this is
 * the capture path alone: API server -> capture-lead -> PutItem + PutEvents.
 * Targets: capture >= 1/3 of raw write throughput, and capture p99 <= 3x the raw write p99
 * (a capture is the HTTP POST plus two SDK calls, one of them that write; the SDK calls of both
 * are served in-process by the local runtime's default transport, BENCH_TRANSPORT=http for HTTP).
 */
import { randomUUID } from 'node:crypto';
import { LeadStore } from '../functions/adapters/lead-store.ts';
import { leadIdFor, newLead } from '../functions/domain/capture.ts';
import { type BenchResult, median, percentile, runAsScript } from './lib/report.ts';
import { BENCH_START, benchTransport, contactSales, startBenchRuntime } from './lib/runtime.ts';

const CONCURRENCY = 32;
const TOTAL = 2000;
const WARMUP = 100;
const TARGET_RATIO = 1 / 3;
/** Tail latency judged against the raw write's own tail (absolute ms swing with the machine). */
const TARGET_P99_RATIO = 3;

interface Run {
  ms: number;
  latencies: number[];
  errors: string[];
}

/** Runs `count` operations with `concurrency` workers; per-operation latency in ms. */
async function closedLoop(
  count: number,
  concurrency: number,
  op: (i: number) => Promise<void>,
): Promise<Run> {
  let next = 0;
  const latencies: number[] = [];
  const errors: string[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        try {
          await op(i);
        } catch (error) {
          errors.push((error as Error).message);
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { ms: performance.now() - started, latencies, errors };
}

const merge = (runs: Run[]): Run => ({
  ms: runs.reduce((s, r) => s + r.ms, 0),
  latencies: runs.flatMap((r) => r.latencies),
  errors: runs.flatMap((r) => r.errors),
});

export async function main(): Promise<BenchResult> {
  const rt = await startBenchRuntime({ meterDynamo: false });
  // Capture alone: neither the lifecycle nor the scorecard projection competes for the process.
  rt.meter.suppressed.add('start-lifecycle');
  rt.meter.suppressed.add('record-metrics');
  const store = new LeadStore(rt.local.tableName);
  const now = new Date(BENCH_START);
  const runId = randomUUID().slice(0, 8);

  const rawWrite = (tag: string) => async (i: number) => {
    const profile = contactSales(`raw-${tag}-${i}-${runId}@acme-corp.example`, i % 2 ? 'DE' : 'US');
    const lead = newLead({
      leadId: leadIdFor('demo', profile.email),
      businessUnit: 'demo',
      profile: { ...profile, intent: 'contact-sales' } as never,
      now,
    });
    if ((await store.create(lead)) !== 'created') throw new Error('raw write: lead already existed');
  };
  const capture = (tag: string) => async (i: number) => {
    const response = await rt.postLead(
      contactSales(`cap-${tag}-${i}-${runId}@acme-corp.example`, i % 2 ? 'DE' : 'US'),
    );
    const text = await response.text();
    if (response.status !== 202) throw new Error(`capture ${response.status}: ${text.slice(0, 200)}`);
  };

  try {
    await closedLoop(WARMUP, CONCURRENCY, rawWrite('warm'));
    await closedLoop(WARMUP, CONCURRENCY, capture('warm'));
    const half = TOTAL / 2;
    const raws: Run[] = [];
    const captures: Run[] = [];
    for (const round of ['a', 'b']) {
      raws.push(await closedLoop(half, CONCURRENCY, rawWrite(round)));
      captures.push(await closedLoop(half, CONCURRENCY, capture(round)));
    }
    const raw = merge(raws);
    const cap = merge(captures);
    const rawRate = (TOTAL / raw.ms) * 1000;
    const capRate = (TOTAL / cap.ms) * 1000;
    const ratio = capRate / rawRate;
    const p99 = percentile(cap.latencies, 99);
    const rawP99 = percentile(raw.latencies, 99);
    const problems = [...new Set([...raw.errors, ...cap.errors])]
      .slice(0, 5)
      .map((e) => `request failed: ${e}`);
    if (cap.errors.length || raw.errors.length)
      problems.unshift(`${cap.errors.length} capture and ${raw.errors.length} raw write errors`);
    return {
      id: 'capture-throughput',
      title: `3. Local capture throughput, ${CONCURRENCY} concurrent clients, ${TOTAL} leads`,
      metrics: [
        { name: 'capture throughput', value: capRate, unit: 'leads/s', digits: 0 },
        { name: 'raw store write throughput', value: rawRate, unit: 'writes/s', digits: 0 },
        {
          name: 'capture / raw write throughput',
          value: ratio,
          unit: 'x',
          target: `>= ${TARGET_RATIO.toFixed(2)}x`,
          pass: ratio >= TARGET_RATIO && cap.errors.length === 0,
        },
        { name: 'capture p99 latency', value: p99, unit: 'ms', digits: 0 },
        { name: 'raw store write p99 latency', value: rawP99, unit: 'ms', digits: 0 },
        {
          name: 'capture p99 / raw write p99',
          value: p99 / rawP99,
          unit: 'x',
          target: `<= ${TARGET_P99_RATIO}x`,
          pass: p99 / rawP99 <= TARGET_P99_RATIO,
        },
      ],
      tables: [
        {
          title: 'Latency (ms) at 32 concurrent',
          columns: ['Operation', 'Count', 'ops/s', 'p50', 'p90', 'p99', 'max', 'errors'],
          rows: [
            [
              'capture (HTTP POST /leads)',
              cap.latencies.length,
              capRate,
              median(cap.latencies),
              percentile(cap.latencies, 90),
              p99,
              Math.max(...cap.latencies),
              cap.errors.length,
            ],
            [
              'raw LeadStore.create (PutItem)',
              raw.latencies.length,
              rawRate,
              median(raw.latencies),
              percentile(raw.latencies, 90),
              rawP99,
              Math.max(...raw.latencies),
              raw.errors.length,
            ],
          ],
        },
      ],
      notes: [
        `Warm-up of ${WARMUP} each first; then raw and capture alternate in two rounds of ${TOTAL / 2}. Everything (dynalite, API server, handlers, clients) shares one Node process on this machine.`,
        'start-lifecycle and record-metrics deliveries are skipped here so lifecycle and projection work do not compete with capture; PutEvents itself still runs.',
        `SDK calls (both sides) reach dynalite and the bus through the ${benchTransport()} transport.`,
      ],
      problems,
    };
  } finally {
    await rt.stop();
  }
}

await runAsScript(import.meta.url, main);
