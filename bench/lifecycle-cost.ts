/**
 * Benchmark 4: what one lead costs on each named lifecycle path, run in virtual time on the
 * synthesized state machine (demo unit): states entered (= billable Step Functions
 * transitions on AWS), Lambda invocations (counted at the invoker), DynamoDB capacity, events
 * and emails, priced per 1,000 leads. The year-long nurture runs in a child process with its
 * own unit config (bench/nurture-year.ts).
 * Targets: happy path <= 15 transitions and <= $0.40 per 1,000 leads all included; a year of
 * nurture far below 25,000 history events.
 */
import { LeadStore } from '../functions/adapters/lead-store.ts';
import { HAPPY_PATH_DECISIONS, pathThrough } from '../workflows/lifecycle-contract.ts';
import { runChild } from './lib/child.ts';
import {
  costPer1000,
  foldPath,
  measureScenario,
  type ScenarioMeasure,
  scenarioTables,
  transitions,
} from './lib/lifecycle.ts';
import { COST_NOTES } from './lib/prices.ts';
import { type BenchResult, type Metric, runAsScript } from './lib/report.ts';
import {
  type BenchRuntime,
  contactSales,
  contentLead,
  describeCommands,
  startBenchRuntime,
} from './lib/runtime.ts';

const HAPPY_TARGET = 15;
const COST_TARGET = 0.4;

const EXPECTED_HAPPY = pathThrough(HAPPY_PATH_DECISIONS);

const minutes = (rt: BenchRuntime, n: number) => new Date(rt.clock.now().getTime() + n * 60_000);

/** Captures over HTTP and lets the lifecycle run until it waits (qualified and assigned, or nurtured). */
async function captureSettled(rt: BenchRuntime, body: Record<string, unknown>): Promise<string> {
  const leadId = await rt.capture(body);
  await rt.settle();
  return leadId;
}

/** Touch, accept and close won: the tail every qualified path ends with here. */
async function closeWon(rt: BenchRuntime, leadId: string): Promise<void> {
  await rt.activity([{ type: 'TouchLogged', detail: { leadId, channel: 'call' } }]);
  await rt.activity([{ type: 'LeadAccepted', detail: { leadId } }]);
  await rt.activity([{ type: 'OutcomeRecorded', detail: { leadId, result: 'won', reason: 'Signed' } }]);
}

export async function main(): Promise<BenchResult> {
  const rt = await startBenchRuntime();
  const store = new LeadStore(rt.local.tableName);
  const problems: string[] = [];
  const expect = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  const measures: ScenarioMeasure[] = [];
  try {
    // Warm every handler module so no scenario pays a cold import in wall time.
    await measureScenario(rt, 'warm-up', async () => {
      const leadId = await captureSettled(rt, contactSales('warmup@acme.example'));
      await closeWon(rt, leadId);
      return leadId;
    });

    measures.push(
      await measureScenario(rt, 'happy: qualified > assigned > touched > accepted > won', async () => {
        const leadId = await captureSettled(rt, contactSales('happy@acme.example'));
        await rt.runUntil(minutes(rt, 20));
        await closeWon(rt, leadId);
        return leadId;
      }),
    );
    const happy = measures[0]!;
    expect(
      happy.path.join(',') === EXPECTED_HAPPY.join(','),
      `happy path entered ${happy.path.join(' > ')}; expected ${EXPECTED_HAPPY.join(' > ')}`,
    );

    measures.push(
      await measureScenario(rt, 'nurture > engagement > qualified (then won)', async () => {
        const leadId = await captureSettled(rt, contentLead('nina@widgets.example'));
        expect((await store.get(leadId))?.stage === 'nurturing', 'content lead was not nurtured');
        await rt.activity([{ type: 'EngagementRecorded', detail: { leadId, type: 'demo-requested' } }]);
        expect((await store.get(leadId))?.stage === 'assigned', 'engaged lead was not handed off');
        await closeWon(rt, leadId);
        return leadId;
      }),
    );

    measures.push(
      await measureScenario(rt, 'breach > escalation > reassign > touch (then won)', async () => {
        const leadId = await captureSettled(rt, contactSales('paul@kern.example'));
        // Reminder at 45 min, breach at 60, escalation +30 and +60, then the reassignment.
        await rt.runUntil(minutes(rt, 151));
        const lead = await store.get(leadId);
        expect(
          lead?.sla?.reassignments === 1,
          `breach scenario: expected 1 reassignment, got ${lead?.sla?.reassignments}`,
        );
        await closeWon(rt, leadId);
        return leadId;
      }),
    );

    measures.push(
      await measureScenario(rt, 'reject > recycle > re-qualify (then won)', async () => {
        const leadId = await captureSettled(rt, contactSales('rita@acme.example', 'AT'));
        await rt.activity([{ type: 'TouchLogged', detail: { leadId, channel: 'email' } }]);
        await rt.activity([{ type: 'LeadRejected', detail: { leadId, reason: 'No budget this year' } }]);
        expect((await store.get(leadId))?.stage === 'nurturing', 'rejected lead was not recycled to nurture');
        await rt.activity([{ type: 'EngagementRecorded', detail: { leadId, type: 'demo-requested' } }]);
        expect((await store.get(leadId))?.stage === 'assigned', 'recycled lead did not re-qualify');
        await closeWon(rt, leadId);
        return leadId;
      }),
    );

    measures.push(
      await measureScenario(rt, 'nurture expiry (90 days, weekly checks)', async () => {
        const leadId = await captureSettled(rt, contentLead('quiet@sleepy.example', 'FR'));
        await rt.runUntil(new Date(rt.clock.now().getTime() + 92 * 86_400_000));
        return leadId;
      }),
    );
  } finally {
    await rt.stop();
  }

  for (const m of measures) {
    const expectedStage = m.name.startsWith('nurture expiry') ? 'disqualified' : 'won';
    expect(
      m.stage === expectedStage && m.status === 'SUCCEEDED',
      `${m.name}: ended ${m.stage}/${m.status}, expected ${expectedStage}/SUCCEEDED`,
    );
    if (m.retries > 0) problems.push(`${m.name}: ${m.retries} task retries (${m.path.length} states)`);
  }

  let year: BenchResult;
  try {
    year = await runChild(new URL('./nurture-year.ts', import.meta.url).href, { timeoutMs: 90_000 });
  } catch (error) {
    year = { id: 'nurture-year', title: 'year', metrics: [], error: (error as Error).message };
    problems.push(`year-long nurture run failed: ${(error as Error).message}`);
  }
  const yearMeasure = year.data as ScenarioMeasure | undefined;
  const all = yearMeasure ? [...measures, yearMeasure] : measures;

  const happy = measures[0]!;
  const happyCost = costPer1000(happy);
  const breach = measures.find((m) => /breach/i.test(m.name));
  const metrics: Metric[] = [
    {
      name: 'happy path transitions per lead',
      value: transitions(happy),
      unit: 'transitions',
      digits: 0,
      target: `<= ${HAPPY_TARGET}`,
      pass: transitions(happy) <= HAPPY_TARGET,
    },
    {
      name: 'happy path Lambda invocations per lead',
      value: happy.lambdaInvocations,
      unit: 'requests',
      digits: 0,
    },
    {
      name: 'happy path DynamoDB WRU per lead (table + gsi1)',
      value: happy.dynamo.wruTable + happy.dynamo.wruGsi,
      unit: 'WRU',
      digits: 0,
    },
    {
      name: 'happy path cost per 1k leads, all included',
      value: happyCost.total,
      unit: 'USD',
      digits: 3,
      target: `<= ${COST_TARGET}`,
      pass: happyCost.total <= COST_TARGET,
    },
    ...(breach
      ? [
          {
            name: 'breach path cost per 1k leads, all included',
            value: costPer1000(breach).total,
            unit: 'USD',
            digits: 3,
          },
        ]
      : []),
    ...measures.slice(1).map((m) => ({
      name: `transitions: ${m.name}`,
      value: transitions(m),
      unit: 'transitions',
      digits: 0,
    })),
    ...year.metrics
      .filter((m) => m.target || m.name === 'states entered')
      .map((m) => ({ ...m, name: `1-year nurture: ${m.name}` })),
  ];

  return {
    id: 'lifecycle-cost',
    title: '4. Lifecycle transitions and cost per lead (virtual time, synthesized definition)',
    metrics,
    tables: [
      ...scenarioTables(all),
      {
        title: 'Happy path by handler',
        columns: [
          'Handler',
          'Invocations',
          'DDB req',
          'Reads',
          'Writes',
          'WRU table',
          'WRU gsi1',
          'Commands',
        ],
        rows: Object.entries(happy.invocations).map(([handler, n]) => {
          const t = happy.dynamoByHandler[handler];
          return [
            handler,
            n,
            t?.requests ?? 0,
            t?.reads ?? 0,
            t?.writes ?? 0,
            t?.wruTable ?? 0,
            t?.wruGsi ?? 0,
            t ? describeCommands(t.byCommand) : '',
          ];
        }),
      },
      {
        title: 'States entered per path',
        columns: ['Path', 'States'],
        rows: all.map((m) => [m.name, foldPath(m.path)]),
      },
    ],
    notes: [
      'Transitions = states entered + task retries; on AWS every entered state (Choice and Succeed included) is one billable transition.',
      'Lambda = every handler invocation for the lead (capture-lead, start-lifecycle, lifecycle-step incl. callback-wait registration, complete-wait).',
      'WRU table = dynalite ConsumedCapacity (item-size based; a failed conditional write 1). WRU gsi1 = from the item before and after each write, by the index rule: entering 1 entry, leaving 1, key moved 2, projected attribute changed 1, else 0 (per started KB).',
      ...COST_NOTES,
      `Lead writes are billed on the whole item: on the happy path a write averages ${(happy.dynamo.wruTable / Math.max(1, happy.dynamo.writes)).toFixed(1)} WRU (the lead item carries profile, timeline, SLA state, markers, waits); gsi1 adds ${happy.dynamo.wruGsi} of ${happy.dynamo.wruTable + happy.dynamo.wruGsi} WRU.`,
      `History events (est.) = 5 per Task + 2 per other state + 2 per execution + 3 per retry; limit 25,000.`,
    ],
    problems: [...problems, ...(year.problems ?? [])],
  };
}

await runAsScript(import.meta.url, main);
