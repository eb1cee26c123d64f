/**
 * The redrive inside a local runtime (`npm start`), behind POST /_local/dead-letters/redrive:
 * the bus's own dead letters stand in for the SQS queues, and failed leads are restarted with
 * the same code as on AWS, over the runtime's embedded DynamoDB and Step Functions endpoint.
 */
import { unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { LeadStore } from '../../functions/adapters/lead-store.ts';
import { startLifecycle } from '../../functions/adapters/workflow-callbacks.ts';
import type { Clock } from '../../functions/domain/lead.ts';
import type { DeadLetter, LocalEventBus } from '../../local/runtime/local-event-bus.ts';
import { type FailedLeadPorts, restartFailedLeads } from './failed-leads.ts';
import { type ParkedSource, type PutEvents, redriveParked } from './parked-events.ts';
import { emptyLeadRedrive, errorText, type LeadRedrive, type RedriveReport } from './report.ts';

export interface LocalRedriveParts {
  config: BusinessUnitConfig;
  clock: Clock;
  bus: Pick<LocalEventBus, 'put' | 'deadLetters' | 'takeDeadLetters'>;
  busName: string;
  stateMachineArn: string;
  /** The runtime's URL, for the report. */
  url?: string;
}

/** The local bus's dead letters as a ParkedSource: read once per run, taken once put back. */
export function localBusSource(bus: LocalRedriveParts['bus']): ParkedSource {
  let read = false;
  return {
    name: 'local-bus',
    async next() {
      if (read) return [];
      read = true;
      return bus.deadLetters().map((d) => ({ messageId: d.id, event: { ...d.event } }));
    },
    async remove(messages) {
      bus.takeDeadLetters(messages.map((m) => m.messageId));
      return [];
    },
  };
}

export function localBusPut(bus: LocalRedriveParts['bus']): PutEvents {
  return async (entries) =>
    entries.map((e) => {
      const result = bus.put({
        Source: e.Source,
        DetailType: e.DetailType,
        Detail: e.Detail,
        EventBusName: e.EventBusName,
      });
      return result.ErrorCode ? `${result.ErrorCode}: ${result.ErrorMessage ?? ''}` : undefined;
    });
}

function leadPorts(parts: LocalRedriveParts): FailedLeadPorts {
  return {
    leads: new LeadStore(unitResourceNames(parts.config.name).table),
    startExecution: (name, input) => startLifecycle(parts.stateMachineArn, name, input),
    now: () => parts.clock.now(),
  };
}

/** What GET /_local/dead-letters shows: the parked events and the failed leads a redrive would restart. */
export async function localDeadLetters(
  parts: LocalRedriveParts,
): Promise<{ events: DeadLetter[]; failedLeads: LeadRedrive }> {
  return {
    events: parts.bus.deadLetters(),
    failedLeads: await restartFailedLeads(leadPorts(parts), { dryRun: true }),
  };
}

export async function redriveLocalRuntime(
  parts: LocalRedriveParts,
  options: { dryRun: boolean },
): Promise<RedriveReport> {
  const report: RedriveReport = {
    unit: parts.config.name,
    target: parts.url ?? 'the local runtime',
    dryRun: options.dryRun,
    events: [await redriveParked(localBusSource(parts.bus), localBusPut(parts.bus), parts.busName, options)],
    leads: emptyLeadRedrive(),
    errors: [],
  };
  try {
    report.leads = await restartFailedLeads(leadPorts(parts), options);
  } catch (error) {
    report.errors.push(`listing failed leads: ${errorText(error)}`);
  }
  return report;
}
