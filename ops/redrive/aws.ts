/**
 * The redrive against a deployed unit: its stack outputs name the queues, table, bus and state
 * machine. Clients take their endpoints from the standard AWS_ENDPOINT_URL_<SERVICE> variables
 * and credentials from the usual chain (an ops role, with MFA).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { LeadStore } from '../../functions/adapters/lead-store.ts';
import { startLifecycle } from '../../functions/adapters/workflow-callbacks.ts';
import { restartFailedLeads } from './failed-leads.ts';
import { type PutEvents, redriveParked } from './parked-events.ts';
import { emptyLeadRedrive, errorText, type RedriveReport } from './report.ts';
import { approximateDepth, sqsQueueSource } from './sqs-queue.ts';
import { describeUnitStack, type UnitStack } from './stack-outputs.ts';

export function eventBridgePut(client: EventBridgeClient): PutEvents {
  return async (entries) => {
    const result = await client.send(new PutEventsCommand({ Entries: entries }));
    return entries.map((_, i) => {
      const entry = result.Entries?.[i];
      if (!entry) return 'no result for this entry';
      return entry.ErrorCode ? `${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}` : undefined;
    });
  };
}

export async function redriveOnAws(
  config: BusinessUnitConfig,
  options: { dryRun: boolean },
): Promise<RedriveReport> {
  const region = config.aws?.region;
  const report: RedriveReport = {
    unit: config.name,
    target: `AWS${region ? ` ${region}` : ''}`,
    dryRun: options.dryRun,
    events: [],
    leads: emptyLeadRedrive(),
    errors: [],
  };
  const stackName = unitResourceNames(config.name).stack;
  let stack: UnitStack;
  try {
    stack = await describeUnitStack(new CloudFormationClient(region ? { region } : {}), stackName);
  } catch (error) {
    report.errors.push(`reading stack ${stackName}: ${errorText(error)}`);
    return report;
  }

  const sqs = new SQSClient(region ? { region } : {});
  const put = eventBridgePut(new EventBridgeClient(region ? { region } : {}));
  for (const queue of stack.deadLetterQueues) {
    try {
      const source = sqsQueueSource(sqs, queue, { peek: options.dryRun });
      const result = await redriveParked(source, put, stack.busName, options);
      if (options.dryRun) result.approximateCount = await approximateDepth(sqs, queue.url);
      report.events.push(result);
    } catch (error) {
      report.errors.push(`dead-letter queue ${queue.name}: ${errorText(error)}`);
    }
  }

  try {
    report.leads = await restartFailedLeads(
      {
        leads: new LeadStore(stack.tableName),
        startExecution: (name, input) => startLifecycle(stack.stateMachineArn, name, input),
        now: () => new Date(),
      },
      options,
    );
  } catch (error) {
    report.errors.push(`listing failed leads: ${errorText(error)}`);
  }
  return report;
}
