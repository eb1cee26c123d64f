/**
 * Measures one lead's lifecycle scenario on the local runtime: states entered (each one a
 * billable Step Functions transition on AWS), retries, Lambda invocations, DynamoDB requests
 * and capacity, bus events and emails, all counted from the moment the scenario starts until
 * its execution ends (or the scenario returns) and the runtime is idle. Scenarios run one
 * after another, so every count belongs to the one lead.
 */
import { LeadStore } from '../../functions/adapters/lead-store.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import { WAIT_STATES } from '../../workflows/lifecycle-contract.ts';
import { costPer1000Leads, type LeadCost } from './prices.ts';
import type { Table } from './report.ts';
import { type BenchRuntime, type DynamoTally, historyEvents, totalDynamo } from './runtime.ts';

export interface ScenarioMeasure {
  name: string;
  leadId: string;
  stage: string;
  status: string;
  path: string[];
  retries: number;
  taskStates: number;
  choiceStates: number;
  historyEvents: number;
  invocations: Record<string, number>;
  lambdaInvocations: number;
  dynamo: DynamoTally;
  dynamoByHandler: Record<string, DynamoTally>;
  busEvents: number;
  emails: number;
  virtualDays: number;
  wallMs: number;
}

type Definition = { States: Record<string, { Type: string }> };

export async function measureScenario(
  rt: BenchRuntime,
  name: string,
  scenario: () => Promise<string>,
): Promise<ScenarioMeasure> {
  const store = new LeadStore(rt.local.tableName);
  const definition = rt.local.synth.stateMachineDefinition as unknown as Definition;
  await rt.settle();
  const before = rt.meter.snapshot();
  const events = rt.local.bus.log.length;
  const emails = (await rt.local.ses.fetchSentEmails()).length;
  const started = performance.now();
  const virtualStart = rt.clock.now().getTime();
  const leadId = await scenario();
  await rt.settle();
  const execution = rt.local.stepFunctions.execution(leadId);
  if (execution && execution.status !== 'RUNNING') await execution.done;
  const wallMs = performance.now() - started;
  const used = rt.meter.since(before);
  const lead: Lead | undefined = await store.get(leadId);
  const path = execution?.path ?? [];
  const retries = execution?.retries.length ?? 0;
  const type = (state: string) => definition.States[state]?.Type;
  return {
    name,
    leadId,
    stage: lead?.stage ?? 'missing',
    status: execution?.status ?? 'NOT STARTED',
    path,
    retries,
    taskStates: path.filter((s) => type(s) === 'Task').length,
    choiceStates: path.filter((s) => type(s) === 'Choice').length,
    historyEvents: historyEvents(path, retries, definition),
    invocations: used.invocations,
    lambdaInvocations: Object.values(used.invocations).reduce((s, n) => s + n, 0),
    // Only what handlers did: the benchmark's own reads are not the lead's cost.
    dynamo: totalDynamo(
      used,
      Object.keys(used.dynamo).filter((h) => h !== 'bench'),
    ),
    dynamoByHandler: Object.fromEntries(Object.entries(used.dynamo).filter(([h]) => h !== 'bench')),
    busEvents: rt.local.bus.log.length - events,
    emails: (await rt.local.ses.fetchSentEmails()).length - emails,
    virtualDays:
      ((execution?.stopDate?.getTime() ?? rt.clock.now().getTime()) -
        (execution?.startDate.getTime() ?? virtualStart)) /
      86_400_000,
    wallMs,
  };
}

/** Billable transitions: every state entered, plus every retry (a retried Task is entered again). */
export const transitions = (m: ScenarioMeasure) => m.path.length + m.retries;

const waits = new Set<string>(WAIT_STATES);

/**
 * The lead's cost per 1,000 leads, all included (bench/lib/prices.ts). AWS requests from
 * Lambda = DynamoDB requests + one PutEvents per event + one SendEmail per mail + one
 * SendTaskSuccess per wait completed; every scenario captures its lead with one HTTP request.
 */
export function costPer1000(m: ScenarioMeasure): LeadCost {
  const waitsEntered = m.path.filter((s) => waits.has(s)).length;
  return costPer1000Leads({
    transitions: transitions(m),
    lambdaInvocations: m.lambdaInvocations,
    awsRequests: m.dynamo.requests + m.busEvents + m.emails + waitsEntered,
    wru: m.dynamo.wruTable + m.dynamo.wruGsi,
    rru: m.dynamo.rru,
    busEvents: m.busEvents,
    emails: m.emails,
    httpRequests: 1,
    executions: 1 + m.path.filter((s) => s === 'ContinueAsNew').length,
  });
}

/** `A › B › [C › D] ×3 › E`: repeated runs of up to 6 states folded. */
export function foldPath(path: string[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < path.length) {
    let best = { length: 1, repeats: 1 };
    for (let length = 1; length <= 6 && i + 2 * length <= path.length; length++) {
      let repeats = 1;
      while (
        i + (repeats + 1) * length <= path.length &&
        path.slice(i + repeats * length, i + (repeats + 1) * length).join('|') ===
          path.slice(i, i + length).join('|')
      )
        repeats++;
      if (repeats > 1 && repeats * length > best.repeats * best.length) best = { length, repeats };
    }
    const chunk = path.slice(i, i + best.length);
    parts.push(best.repeats > 1 ? `[${chunk.join(' › ')}] ×${best.repeats}` : chunk.join(' › '));
    i += best.length * best.repeats;
  }
  return parts.join(' › ');
}

const money = (usd: number) => `$${usd < 0.01 ? usd.toFixed(4) : usd.toFixed(3)}`;

export function scenarioTables(measures: ScenarioMeasure[]): Table[] {
  return [
    {
      title: 'Per lead, by path (counted on the local runtime)',
      columns: [
        'Path',
        'End',
        'Transitions',
        'Retries',
        'Hist. events',
        'Lambda',
        'DDB req',
        'WRU table',
        'WRU gsi1',
        'RRU',
        'Events',
        'Emails',
        'Virt. days',
      ],
      rows: measures.map((m) => [
        m.name,
        `${m.stage}/${m.status === 'SUCCEEDED' ? 'done' : m.status.toLowerCase()}`,
        transitions(m),
        m.retries,
        m.historyEvents,
        m.lambdaInvocations,
        m.dynamo.requests,
        m.dynamo.wruTable,
        m.dynamo.wruGsi,
        m.dynamo.rru,
        m.busEvents,
        m.emails,
        Number(m.virtualDays.toFixed(2)),
      ]),
    },
    {
      title: 'Cost per 1,000 leads, all included (prices and assumptions in the notes)',
      columns: [
        'Path',
        'SFN',
        'Lambda req',
        'Lambda GB-s',
        'DDB W',
        'DDB R',
        'EventBridge',
        'SES',
        'API',
        'Logs',
        'X-Ray',
        'Total',
      ],
      rows: measures.map((m) => {
        const c = costPer1000(m);
        return [
          m.name,
          ...[
            c.stepFunctions,
            c.lambdaRequests,
            c.lambdaDuration,
            c.dynamoDbWrites,
            c.dynamoDbReads,
            c.eventBridge,
            c.ses,
            c.httpApi,
            c.cloudWatchLogs,
            c.xRay,
            c.total,
          ].map(money),
        ];
      }),
    },
  ];
}
