/**
 * Step Functions callbacks and starts. A stale or already-used token is not an error for us:
 * it means the wait it belonged to is over, so the caller is told and moves on.
 */
import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { WaitResult } from '../use-cases/ports.ts';
import { sfnClient } from './clients/sfn.ts';

export async function completeWait(token: string, output: WaitResult): Promise<'completed' | 'stale'> {
  try {
    await sfnClient().send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
    return 'completed';
  } catch (error) {
    if (error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken)
      return 'stale';
    throw error;
  }
}

/** Execution names derive from the lead, so a duplicate start (retried event) is a no-op. */
export async function startLifecycle(
  stateMachineArn: string,
  name: string,
  input: Record<string, unknown>,
): Promise<'started' | 'already-running'> {
  try {
    await sfnClient().send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return 'started';
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return 'already-running';
    throw error;
  }
}
