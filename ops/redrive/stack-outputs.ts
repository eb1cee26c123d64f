/**
 * What a redrive needs from the unit's deployed stack, read from its CloudFormation outputs:
 * the table, the bus, the state machine and every dead-letter queue (one output each, named
 * `<Name>DeadLetterQueueUrl`, see infra/stacks/leadflow-stack.ts).
 */
import {
  type CloudFormationClient,
  DescribeStacksCommand,
  type Output,
} from '@aws-sdk/client-cloudformation';
import type { DeadLetterQueue } from './sqs-queue.ts';

export const DEAD_LETTER_QUEUE_OUTPUT_SUFFIX = 'DeadLetterQueueUrl';

export interface UnitStack {
  tableName: string;
  busName: string;
  stateMachineArn: string;
  deadLetterQueues: DeadLetterQueue[];
}

/** `StartLifecycleAsyncDeadLetterQueueUrl` → `start-lifecycle-async`. */
const queueName = (outputKey: string): string =>
  outputKey
    .slice(0, -DEAD_LETTER_QUEUE_OUTPUT_SUFFIX.length)
    .replace(/[A-Z]/g, (c, at: number) => `${at === 0 ? '' : '-'}${c.toLowerCase()}`);

export function unitStackFromOutputs(stackName: string, outputs: readonly Output[]): UnitStack {
  const value = (key: string): string => {
    const found = outputs.find((o) => o.OutputKey === key)?.OutputValue;
    if (!found) throw new Error(`Stack ${stackName} has no output ${key}: deploy the current version first`);
    return found;
  };
  const deadLetterQueues = outputs
    .filter((o) => o.OutputKey?.endsWith(DEAD_LETTER_QUEUE_OUTPUT_SUFFIX) && o.OutputValue)
    .map((o) => ({ name: queueName(o.OutputKey as string), url: o.OutputValue as string }));
  if (deadLetterQueues.length === 0)
    throw new Error(
      `Stack ${stackName} has no *${DEAD_LETTER_QUEUE_OUTPUT_SUFFIX} outputs: deploy the current version first`,
    );
  return {
    tableName: value('TableName'),
    busName: value('EventBusName'),
    stateMachineArn: value('StateMachineArn'),
    deadLetterQueues,
  };
}

export async function describeUnitStack(cfn: CloudFormationClient, stackName: string): Promise<UnitStack> {
  const result = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = result.Stacks?.[0];
  if (!stack) throw new Error(`Stack ${stackName} not found`);
  return unitStackFromOutputs(stackName, stack.Outputs ?? []);
}
