/**
 * One lifecycle task, as Step Functions invokes it (the lifecycle-step Lambda, or the simulator
 * in-process): the payload is checked against the contract (the state is one of the lifecycle's,
 * the previous decision one that can lead into it), a wait state registers its token, and any
 * other state runs its step.
 */
import * as z from 'zod';
import {
  enteringSchema,
  isTaskState,
  isWaitState,
  spec,
  type TaskStateName,
  type WaitStateName,
} from '../../../workflows/lifecycle-contract.ts';
import type { LifecyclePorts } from '../ports.ts';
import { runStep } from './run-step.ts';
import { registerWait } from './wait-handshake.ts';

export const LifecycleTaskRequest = z.object({
  state: z
    .string()
    .refine((s) => isTaskState(s) || isWaitState(s), 'must be a state of the lifecycle contract'),
  leadId: z.string().min(1),
  previous: z.unknown().optional(),
  token: z.string().min(1).optional(),
  execution: z.string().min(1).optional(),
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});
export type LifecycleTaskRequest = z.infer<typeof LifecycleTaskRequest>;

export type LifecycleTaskResult =
  | {
      kind: 'wait';
      state: WaitStateName;
      leadId: string;
      output: Awaited<ReturnType<typeof registerWait>>;
    }
  | { kind: 'step'; state: TaskStateName; leadId: string; output: { decision: string } };

function stepInput(state: TaskStateName, request: LifecycleTaskRequest) {
  const takes = (spec(state) as { takes: string }).takes;
  if (takes === 'previous') return { previous: enteringSchema(state).parse(request.previous) };
  if (takes === 'error') return { error: request.error ?? {} };
  return {};
}

/** Parses the task payload and runs it; `output` is what the task returns to the state machine. */
export async function runLifecycleTask(
  ports: LifecyclePorts,
  payload: unknown,
): Promise<LifecycleTaskResult> {
  const request = LifecycleTaskRequest.parse(payload);
  const { state, leadId } = request;
  if (isWaitState(state)) {
    if (!request.token) throw new Error(`Wait state ${state} was invoked without a task token`);
    const output = await registerWait(ports, { state, leadId, token: request.token });
    return { kind: 'wait', state, leadId, output };
  }
  const taskState = state as TaskStateName;
  const output: { decision: string } = await runStep(
    ports,
    taskState,
    leadId,
    stepInput(taskState, request) as never,
    { execution: request.execution },
  );
  return { kind: 'step', state: taskState, leadId, output };
}
