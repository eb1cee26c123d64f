/**
 * Every dead-letter queue is a stack output, so `npm run redrive` (ops/redrive.ts) can find
 * each one on a deployed unit: the rule targets' queue and each event-invoked function's
 * async-failure queue, named so the command knows which is which.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { deadLetterQueueOutputId } from '../../infra/stacks/leadflow-stack.ts';
import { unitStackFromOutputs } from '../../ops/redrive/stack-outputs.ts';
import { LAMBDA_ROUTES } from '../../workflows/event-routes.ts';
import { synthDemoStack } from './demo-stack.ts';
import { functionId, resourcesOf } from './helpers.ts';

let template: Template;

beforeAll(async () => {
  ({ template } = await synthDemoStack());
});

const outputs = () => template.toJSON().Outputs as Record<string, { Value: unknown; Description?: string }>;

/** The queue an event-invoked function's failed async invocations go to. */
const asyncFailureQueue = (target: (typeof LAMBDA_ROUTES)[number]['target']): string => {
  const config = Object.values(resourcesOf(template, 'AWS::Lambda::EventInvokeConfig')).find(
    (c) =>
      JSON.stringify(c.Properties.FunctionName) === JSON.stringify({ Ref: functionId(template, target) }),
  );
  if (!config) throw new Error(`${target} has no EventInvokeConfig`);
  const destination = (
    config.Properties.DestinationConfig as { OnFailure: { Destination: { 'Fn::GetAtt': string[] } } }
  ).OnFailure.Destination['Fn::GetAtt'];
  return destination[0] as string;
};

const targetDlq = (): string => {
  const rule = Object.values(resourcesOf(template, 'AWS::Events::Rule'))[0];
  const targets = rule?.Properties.Targets as Array<{
    DeadLetterConfig: { Arn: { 'Fn::GetAtt': string[] } };
  }>;
  return targets[0]?.DeadLetterConfig.Arn['Fn::GetAtt'][0] as string;
};

describe('dead-letter queue outputs', () => {
  it('names each queue: the rule targets queue and one per event-invoked function', () => {
    expect(deadLetterQueueOutputId('event-targets')).toBe('EventTargetsDeadLetterQueueUrl');
    const targets = [...new Set(LAMBDA_ROUTES.map((r) => r.target))];
    const expected = {
      EventTargetsDeadLetterQueueUrl: targetDlq(),
      ...Object.fromEntries(
        targets.map((t) => [deadLetterQueueOutputId(`${t}-async`), asyncFailureQueue(t)]),
      ),
    };
    expect(expected).toHaveProperty('StartLifecycleAsyncDeadLetterQueueUrl');
    expect(expected).toHaveProperty('CompleteWaitAsyncDeadLetterQueueUrl');
    for (const [key, queueId] of Object.entries(expected)) {
      // An SQS queue's Ref is its URL.
      expect(outputs()[key]?.Value).toEqual({ Ref: queueId });
    }
    // Every queue in the stack is one of them: none left out.
    const queues = Object.keys(resourcesOf(template, 'AWS::SQS::Queue')).sort();
    expect(Object.values(expected).sort()).toEqual(queues);
  });

  it('says what a message of each queue holds', () => {
    expect(outputs().EventTargetsDeadLetterQueueUrl?.Description).toMatch(/body is the undelivered event/);
    expect(outputs().StartLifecycleAsyncDeadLetterQueueUrl?.Description).toMatch(
      /start-lifecycle: Lambda on-failure records, the event at requestPayload/,
    );
  });

  it('is what the redrive command reads back from the deployed stack', () => {
    const deployed = Object.entries(outputs()).map(([OutputKey, o]) => ({
      OutputKey,
      OutputValue: `value-of-${OutputKey}`,
      Description: o.Description,
    }));
    const stack = unitStackFromOutputs('Leadflow-demo', deployed);
    expect(stack.tableName).toBe('value-of-TableName');
    expect(stack.busName).toBe('value-of-EventBusName');
    expect(stack.stateMachineArn).toBe('value-of-StateMachineArn');
    expect(stack.deadLetterQueues.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'complete-wait-async', url: 'value-of-CompleteWaitAsyncDeadLetterQueueUrl' },
      { name: 'event-targets', url: 'value-of-EventTargetsDeadLetterQueueUrl' },
      { name: 'record-metrics-async', url: 'value-of-RecordMetricsAsyncDeadLetterQueueUrl' },
      { name: 'start-lifecycle-async', url: 'value-of-StartLifecycleAsyncDeadLetterQueueUrl' },
    ]);
  });
});
