/** Step Functions callbacks against a mocked client: stale tokens are reported, not thrown. */
import { SendTaskSuccessCommand, SFNClient, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { completeWait } from '../../functions/adapters/workflow-callbacks.ts';

const sfn = mockClient(SFNClient);
beforeEach(() => {
  sfn.reset();
  process.env.AWS_REGION = 'eu-central-1';
});

describe('completeWait', () => {
  it('sends the decision as the task output', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    await expect(completeWait('token-1', { decision: 'touched', timeoutSeconds: 60 })).resolves.toBe(
      'completed',
    );
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'token-1',
      output: '{"decision":"touched","timeoutSeconds":60}',
    });
  });

  it.each([
    ['timed out', new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
    ['gone', new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} })],
  ])('reports a %s token as stale', async (_label, error) => {
    sfn.on(SendTaskSuccessCommand).rejects(error);
    await expect(completeWait('old-token', { decision: 'touched' })).resolves.toBe('stale');
  });

  it('lets throttling through so the caller retries', async () => {
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(completeWait('token-2', { decision: 'touched' })).rejects.toThrow('Rate exceeded');
  });
});
