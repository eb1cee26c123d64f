/**
 * start-lifecycle against a mocked Step Functions client: one execution per lead, named after
 * it, and a duplicate event is not an error.
 */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';

const sfn = mockClient(SFNClient);
let handler: (event: EventBridgeEvent<'LeadCaptured', unknown>, context: Context) => Promise<void>;

const captured = (leadId: string): EventBridgeEvent<'LeadCaptured', unknown> => ({
  version: '0',
  id: 'evt-1',
  'detail-type': 'LeadCaptured',
  source: 'leadflow',
  account: '123456789012',
  time: '2026-03-23T09:00:00Z',
  region: 'eu-central-1',
  resources: [],
  detail: {
    version: 1,
    eventId: `${leadId}:captured`,
    occurredAt: '2026-03-23T09:00:00.000Z',
    businessUnit: 'demo',
    leadId,
    data: { intent: 'demo', resubmission: false },
  },
});

beforeAll(async () => {
  process.env.STATE_MACHINE_ARN =
    'arn:aws:states:eu-central-1:123456789012:stateMachine:leadflow-demo-lifecycle';
  process.env.AWS_REGION = 'eu-central-1';
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  ({ handler } = (await import('../../functions/handlers/start-lifecycle.ts')) as unknown as {
    handler: typeof handler;
  });
});

beforeEach(() => sfn.reset());

describe('start-lifecycle', () => {
  it('starts one execution named after the lead', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    await handler(captured('ld_abc'), {} as Context);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: process.env.STATE_MACHINE_ARN,
      name: 'ld_abc',
      input: JSON.stringify({ leadId: 'ld_abc' }),
    });
  });

  it('treats an execution that already exists as done (duplicate or re-published event)', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(handler(captured('ld_dup'), {} as Context)).resolves.toBeUndefined();
  });

  it('rejects an event that is not a valid LeadCaptured, so EventBridge retries and dead-letters it', async () => {
    const bad = { ...captured('ld_x'), detail: { leadId: '' } };
    await expect(handler(bad, {} as Context)).rejects.toThrow();
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  it('lets other Step Functions errors fail the invocation so EventBridge retries', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(handler(captured('ld_busy'), {} as Context)).rejects.toThrow('Rate exceeded');
  });
});
