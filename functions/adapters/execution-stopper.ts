/** Stops a lead's lifecycle execution by name (GDPR erasure). */
import { ExecutionDoesNotExist, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { ExecutionStopper } from '../use-cases/ports.ts';
import { sfnClient } from './clients/sfn.ts';

export const executionArnOf = (stateMachineArn: string, name: string) =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

export class StepFunctionsExecutionStopper implements ExecutionStopper {
  constructor(private readonly stateMachineArn: string) {}

  async stop(name: string, cause: string): Promise<'stopped' | 'not-running'> {
    try {
      await sfnClient().send(
        new StopExecutionCommand({ executionArn: executionArnOf(this.stateMachineArn, name), cause }),
      );
      return 'stopped';
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return 'not-running';
      throw error;
    }
  }
}
