/**
 * Measures one lead's lifecycle scenario on the local runtime: states entered (each one a
 * billable Step Functions transition on AWS), retries, Lambda invocations, DynamoDB requests
 * and capacity, bus events and emails, all counted from the moment the scenario starts until
 * its execution ends (or the scenario returns) and the runtime is idle. Scenarios run one
 * after another, so every count belongs to the one lead.
 */
import { LeadStore } from '../../functions/adapters/lead-store.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import type { Table } from './report.ts';
import { type BenchRuntime, type DynamoTally, historyEvents, PRICES, totalDynamo } from './runtime.ts';

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

export function costPer1000(m: ScenarioMeasure) {
  const n = 1000;
  const stepFunctions = transitions(m) * n * PRICES.stepFunctionsTransition;
  const lambda = m.lambdaInvocations * n * PRICES.lambdaRequest;
  const writes = (m.dynamo.wruTable + m.dynamo.wruGsi) * n * PRICES.dynamoDbWru;
  const reads = m.dynamo.rru * n * PRICES.dynamoDbRru;
  const events = m.busEvents * n * PRICES.eventBridgeEvent;
  const emails = m.emails * n * PRICES.sesEmail;
  const core = stepFunctions + lambda + writes;
  return {
    stepFunctions,
    lambda,
    writes,
    core,
    reads,
    events,
    emails,
    total: core + reads + events + emails,
  };
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
      title:
        'Cost per 1,000 leads (SFN $0.025/1k transitions, Lambda $0.20/M requests, DDB $1.25/M WRU; extras: $0.25/M RRU, EventBridge $1/M events, SES $0.10/1k)',
      columns: [
        'Path',
        'SFN',
        'Lambda',
        'DDB writes',
        'Subtotal',
        'DDB reads',
        'EventBridge',
        'SES',
        'Total',
      ],
      rows: measures.map((m) => {
        const c = costPer1000(m);
        return [
          m.name,
          money(c.stepFunctions),
          money(c.lambda),
          money(c.writes),
          money(c.core),
          money(c.reads),
          money(c.events),
          money(c.emails),
          money(c.total),
        ];
      }),
    },
  ];
}
