/**
 * The local runtime as the benchmarks drive it: in memory, manual virtual clock starting
 * Monday 23 March 2026 09:00Z (10:00 in Berlin), traffic the way clients send it (HTTP capture,
 * EventBridge PutEvents activity), and meters for Lambda invocations and DynamoDB requests.
 *
 * Meters attribute work to the handler that did it: every invocation runs inside an
 * AsyncLocalStorage scope naming the handler, and a middleware on the shared DynamoDB client
 * (the one every adapter and the idempotency layer use) reads that scope for each request.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { loadBusinessUnitConfig } from '../../config/load.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { dynamoDbClient } from '../../functions/adapters/aws-clients.ts';
import { contactSales, contentLead, LeadflowDriver } from '../../local/driver.ts';
import { type LeadflowLocal, startLeadflowLocal } from '../../local/runtime/leadflow-local.ts';
import { VirtualClock } from '../../local/runtime/virtual-clock.ts';
import type { TransportMode } from '../../local/transport/local-transport.ts';
import { indexWriteUnits, type StoredItem } from './index-writes.ts';

/** Monday 23 March 2026, 10:00 in Berlin (CET): inside business hours, before the DST switch. */
export const BENCH_START = '2026-03-23T09:00:00Z';

export interface DynamoTally {
  requests: number;
  reads: number;
  writes: number;
  /** Write request units the table itself consumed (dynalite's item-size based figure; 1 for a failed conditional write). */
  wruTable: number;
  /** Write units gsi1 consumed: computed from the item before and after each write (bench/lib/index-writes.ts). */
  wruGsi: number;
  rru: number;
  conditionalFailures: number;
  byCommand: Record<string, number>;
}

const emptyTally = (): DynamoTally => ({
  requests: 0,
  reads: 0,
  writes: 0,
  wruTable: 0,
  wruGsi: 0,
  rru: 0,
  conditionalFailures: 0,
  byCommand: {},
});

export interface MeterSnapshot {
  invocations: Record<string, number>;
  dynamo: Record<string, DynamoTally>;
}

const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);
const READ_COMMANDS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'ScanCommand']);

type Capacity = { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> | undefined;
const capacityUnits = (c: Capacity): number | undefined =>
  Array.isArray(c)
    ? c.reduce((sum, x) => sum + (x.CapacityUnits ?? 0), 0)
    : typeof c?.CapacityUnits === 'number'
      ? c.CapacityUnits
      : undefined;

/** A key attribute as the command carries it: plain (document client) or marshalled ({ S }) (raw client). */
const keyString = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof (value as { S?: unknown } | undefined)?.S === 'string'
      ? (value as { S: string }).S
      : '';

/** Marks the meter's own reads, which it neither counts nor inspects. */
const PEEK = Symbol('benchMeterPeek');

/** The key of a lead or quarantine item a write touches (the items gsi1 indexes). */
function leadKey(input: Record<string, unknown>): StoredItem | undefined {
  const key = (input.Key ?? input.Item ?? {}) as Record<string, unknown>;
  const pk = keyString(key.pk);
  if (!pk.startsWith('LEAD#') && !pk.startsWith('QUARANTINE#')) return undefined;
  return { pk: { S: pk }, sk: { S: keyString(key.sk) } };
}

export class Meter {
  private readonly scope = new AsyncLocalStorage<string>();
  invocations: Record<string, number> = {};
  dynamo: Record<string, DynamoTally> = {};
  /** Invocations of these handlers are answered with `undefined` instead of running. */
  readonly suppressed = new Set<string>();

  constructor(local: LeadflowLocal, options: { dynamo?: boolean } = {}) {
    const invoker = local.invoker;
    const invoke = invoker.invoke.bind(invoker);
    // Attribution needs an AsyncLocalStorage scope per invocation, whose promise hooks cost a few
    // percent of CPU: throughput benchmarks switch it off along with DynamoDB metering.
    const attribute = options.dynamo !== false;
    invoker.invoke = (name: string, event: unknown) => {
      if (this.suppressed.has(name)) return Promise.resolve(undefined);
      this.invocations[name] = (this.invocations[name] ?? 0) + 1;
      return attribute ? this.scope.run(name, () => invoke(name, event)) : invoke(name, event);
    };
    if (attribute) this.meterDynamo();
  }

  /** The handler whose invocation the current async context belongs to ('bench' outside any). */
  current(): string {
    return this.scope.getStore() ?? 'bench';
  }

  private meterDynamo(): void {
    const client = dynamoDbClient();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const handler = this.current();
        const command = context.commandName ?? 'unknown';
        const input = args.input as Record<string, unknown>;
        const isWrite = WRITE_COMMANDS.has(command);
        const isRead = READ_COMMANDS.has(command);
        this.dynamo[handler] ??= emptyTally();
        const tally = this.dynamo[handler];
        const count = (attempts: number | undefined) => {
          tally.requests += attempts ?? 1;
          tally.byCommand[command.replace(/Command$/, '')] =
            (tally.byCommand[command.replace(/Command$/, '')] ?? 0) + 1;
          if (isWrite) tally.writes++;
          if (isRead) tally.reads++;
        };
        if ((input as Record<symbol, unknown>)[PEEK]) return next(args);
        const indexed = isWrite ? leadKey(input) : undefined;
        const before = indexed && (await this.peek(client, String(input.TableName), indexed));
        const measured =
          isWrite || isRead ? { ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } } : args;
        try {
          const result = await next(measured);
          const output = result.output as { ConsumedCapacity?: Capacity; $metadata?: { attempts?: number } };
          count(output.$metadata?.attempts);
          const units = capacityUnits(output.ConsumedCapacity) ?? 1;
          if (isRead) tally.rru += units;
          if (isWrite) tally.wruTable += units;
          if (indexed) {
            const after = await this.peek(client, String(input.TableName), indexed);
            tally.wruGsi += indexWriteUnits(before || undefined, after);
          }
          return result;
        } catch (error) {
          const e = error as { name?: string; $metadata?: { attempts?: number } };
          count(e.$metadata?.attempts);
          if (isWrite) tally.wruTable += 1;
          if (isRead) tally.rru += 1;
          if (e.name === 'ConditionalCheckFailedException') tally.conditionalFailures++;
          throw error;
        }
      },
      { step: 'initialize', name: 'benchDynamoDbMeter' },
    );
  }

  /** The stored item, read past the meter (the read is the meter's, not the lead's). */
  private async peek(
    client: DynamoDBClient,
    table: string,
    key: StoredItem,
  ): Promise<StoredItem | undefined> {
    const input = { TableName: table, Key: key, ConsistentRead: true };
    Object.defineProperty(input, PEEK, { value: true });
    return (await client.send(new GetItemCommand(input))).Item;
  }

  snapshot(): MeterSnapshot {
    return structuredClone({ invocations: this.invocations, dynamo: this.dynamo });
  }

  /** What happened since `before`, per handler. */
  since(before: MeterSnapshot): MeterSnapshot {
    const now = this.snapshot();
    const invocations: Record<string, number> = {};
    for (const [name, n] of Object.entries(now.invocations)) {
      const d = n - (before.invocations[name] ?? 0);
      if (d) invocations[name] = d;
    }
    const dynamo: Record<string, DynamoTally> = {};
    for (const [name, t] of Object.entries(now.dynamo)) {
      const b = before.dynamo[name] ?? emptyTally();
      const byCommand: Record<string, number> = {};
      for (const [c, n] of Object.entries(t.byCommand)) {
        const d = n - (b.byCommand[c] ?? 0);
        if (d) byCommand[c] = d;
      }
      const d: DynamoTally = {
        requests: t.requests - b.requests,
        reads: t.reads - b.reads,
        writes: t.writes - b.writes,
        wruTable: t.wruTable - b.wruTable,
        wruGsi: t.wruGsi - b.wruGsi,
        rru: t.rru - b.rru,
        conditionalFailures: t.conditionalFailures - b.conditionalFailures,
        byCommand,
      };
      if (d.requests) dynamo[name] = d;
    }
    return { invocations, dynamo };
  }
}

/** Sums the DynamoDB tallies of the given handlers (all when omitted). */
export function totalDynamo(snapshot: MeterSnapshot, handlers?: string[]): DynamoTally {
  const total = emptyTally();
  for (const [name, t] of Object.entries(snapshot.dynamo)) {
    if (handlers && !handlers.includes(name)) continue;
    total.requests += t.requests;
    total.reads += t.reads;
    total.writes += t.writes;
    total.wruTable += t.wruTable;
    total.wruGsi += t.wruGsi;
    total.rru += t.rru;
    total.conditionalFailures += t.conditionalFailures;
    for (const [c, n] of Object.entries(t.byCommand)) total.byCommand[c] = (total.byCommand[c] ?? 0) + n;
  }
  return total;
}

export const describeCommands = (byCommand: Record<string, number>): string =>
  Object.entries(byCommand)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');

export interface BenchRuntime {
  local: LeadflowLocal;
  clock: VirtualClock;
  meter: Meter;
  postLead(body: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  /** POSTs a lead, expects 202, returns its id. */
  capture(body: Record<string, unknown>, headers?: Record<string, string>): Promise<string>;
  /** Puts activity events on the bus (10 per PutEvents call), waits for delivery and for the runtime to settle. */
  activity(entries: Array<{ type: string; detail: Record<string, unknown> }>): Promise<void>;
  settle(): Promise<void>;
  runUntil(until: string | Date): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The demo unit as the benchmarks drive it: every lead comes from 127.0.0.1 within a few virtual
 * minutes, so the per-client rate limits (a protection against floods, measured by
 * store-requests) are off here.
 */
export async function loadDemoConfig(): Promise<BusinessUnitConfig> {
  const demo = await loadBusinessUnitConfig('demo');
  return {
    ...demo,
    capture: { ...demo.capture, rateLimit: { perSourcePerMinute: 0, minSecondsBetweenSubmissions: 0 } },
  };
}

/**
 * How the handlers reach the embedded services: the local runtime's default (in-process), or
 * `BENCH_TRANSPORT=http` to measure the same run over loopback HTTP.
 */
export const benchTransport = (): TransportMode =>
  process.env.BENCH_TRANSPORT === 'http' ? 'http' : 'in-process';

export async function startBenchRuntime(
  options: { config?: BusinessUnitConfig; meterDynamo?: boolean } = {},
): Promise<BenchRuntime> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const clock = new VirtualClock({ mode: 'manual', start: new Date(BENCH_START) });
  const keyDir = mkdtempSync(join(tmpdir(), 'leadflow-bench-keys-'));
  const local = await startLeadflowLocal({
    unit: options.config ?? (await loadDemoConfig()),
    port: 0,
    inMemory: true,
    clock,
    keyDir,
    transport: benchTransport(),
    // The figures are per lead; the scorecard's daily and weekly mail runs are not part of them.
    schedules: false,
  });
  const meter = new Meter(local, { dynamo: options.meterDynamo });
  const driver = new LeadflowDriver(local);
  return {
    local,
    clock,
    meter,
    postLead: (body, headers) => driver.postLead(body, headers),
    capture: (body, headers) => driver.capture(body, headers),
    activity: async (entries) => {
      await driver.activity(entries);
      await driver.settle();
    },
    settle: () => driver.settle(),
    runUntil: (until) => driver.runUntil(until),
    stop: async () => {
      driver.stop();
      await local.stop();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

export { contactSales, contentLead };

/** History events AWS would record for a path: ~5 per Task, 2 per other state, 2 for the execution, ~3 per retry. */
export function historyEvents(
  path: string[],
  retries: number,
  definition: { States: Record<string, { Type: string }> },
): number {
  let events = 2 + retries * 3;
  for (const state of path) events += definition.States[state]?.Type === 'Task' ? 5 : 2;
  return events;
}
