/**
 * Replays a history under one agreement (a unit config): every lead arrives when it did, the
 * lifecycle runs on the synthesized definition in virtual time, the reps and marketing act as
 * the history shows, and the figures ops compare are read off what the lifecycle published,
 * mailed and stored. With `workers`, the leads are shared out by team (partition.ts) across
 * worker threads and their results merged in history order, so the report is the same for any
 * number of workers.
 */
import { Worker } from 'node:worker_threads';
import type { BusinessUnitConfig } from '../config/schema.ts';
import type { Asl } from '../local/runtime/asl-engine-definition.ts';
import type { History } from './history.ts';
import { type AgreementMetrics, measure, type RepLoad } from './metrics.ts';
import {
  type PartitionOptions,
  type PartitionResult,
  partitionByTeam,
  runPartition,
  type SimulatedLead,
} from './partition.ts';
import type { SentActivity } from './sales-team.ts';

export type { SimulatedLead };

export interface SimulationOptions extends PartitionOptions {
  /** Worker threads to share the teams across (default 1: in this thread). */
  workers?: number;
}

export interface SimulationResult {
  metrics: AgreementMetrics;
  leads: SimulatedLead[];
  activities: SentActivity[];
}

/** What a worker is given (simulation-worker.ts). */
export interface WorkerTask {
  config: BusinessUnitConfig;
  history: History;
  definition: Asl;
  refs: number[];
  options: Omit<PartitionOptions, 'onProgress'>;
}

async function definitionOf(config: BusinessUnitConfig): Promise<Asl> {
  // Loaded here, not at the top: CDK is a large import that the workers do without.
  const { synthesizeBusinessUnit } = await import('../infra/synth.ts');
  return synthesizeBusinessUnit(config).stateMachineDefinition as Asl;
}

function inWorker(task: WorkerTask, onArrival: () => void): Promise<PartitionResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./simulation-worker.ts', import.meta.url), {
      workerData: task,
      execArgv: ['--import', 'tsx'],
    });
    worker.on('message', (message: { arrived: true } | { result: PartitionResult }) => {
      if ('arrived' in message) onArrival();
      else resolve(message.result);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`A simulation worker stopped with exit code ${code}`));
    });
  });
}

/** The partitions' results as one, in history order; events and activities by time, then lead. */
function merge(parts: readonly PartitionResult[]): PartitionResult {
  if (parts.length === 1) return parts[0] as PartitionResult;
  const refOf = new Map(parts.flatMap((p) => p.leads.map((l) => [l.leadId, l.ref] as const)));
  const byTimeThenLead =
    <T>(at: (item: T) => string, leadId: (item: T) => string) =>
    (a: T, b: T) =>
      at(a).localeCompare(at(b)) || (refOf.get(leadId(a)) ?? 0) - (refOf.get(leadId(b)) ?? 0);
  return {
    leads: parts.flatMap((p) => p.leads).sort((a, b) => a.ref - b.ref),
    // Stable sorts: one lead's events and activities keep the order they happened in.
    events: parts
      .flatMap((p) => p.events)
      .sort(
        byTimeThenLead(
          (e) => e.occurredAt,
          (e) => e.leadId,
        ),
      ),
    emailsSent: parts.reduce((sum, p) => sum + p.emailsSent, 0),
    loads: parts.flatMap((p) => p.loads).sort(([a], [b]) => a.localeCompare(b)),
    activities: parts
      .flatMap((p) => p.activities)
      .sort(
        byTimeThenLead(
          (a) => a.at,
          (a) => a.detail.leadId,
        ),
      ),
  };
}

export async function simulate(
  config: BusinessUnitConfig,
  history: History,
  options: SimulationOptions = {},
): Promise<SimulationResult> {
  const definition = await definitionOf(config);
  const { workers = 1, onProgress, ...partitionOptions } = options;
  let result: PartitionResult;
  if (workers <= 1) result = await runPartition(config, history, definition, undefined, options);
  else {
    let arrived = 0;
    const onArrival = () => onProgress?.(++arrived, history.leads.length);
    const groups = partitionByTeam(config, history, workers);
    result = merge(
      await Promise.all(
        groups.map((refs) =>
          inWorker({ config, history, definition, refs, options: partitionOptions }, onArrival),
        ),
      ),
    );
  }
  const loads = new Map<string, RepLoad>(result.loads);
  const metrics = measure({
    config,
    history,
    leads: result.leads,
    events: result.events,
    emailsSent: result.emailsSent,
    loads,
  });
  return {
    metrics,
    leads: result.leads.map(({ ref: _ref, ...lead }) => lead),
    activities: result.activities,
  };
}
