/**
 * The step dispatcher, derived from the contract: one step per task state (a missing one is a
 * type error), every wait state registering its token. Before a wait, the timeout is capped
 * (see wait-limits) and a looping state whose execution is about to age out continues in a new
 * execution instead.
 */
import {
  declares,
  isWaitState,
  type Outcome,
  type StepInput,
  type TaskStateName,
  targetOf,
} from '../../../workflows/lifecycle-contract.ts';
import { capWait } from '../../domain/wait-limits.ts';
import type { LifecyclePorts } from '../ports.ts';
import { disqualify, recordFailure, recordOutcome } from './closing.ts';
import { decisionOverdue, outcomeOverdue } from './deadlines.ts';
import { continueAsNew, executionTooOld, start } from './execution.ts';
import { firstTouchOverdue } from './first-touch-ladder.ts';
import { handOff } from './hand-off.ts';
import { nurtureCheck, recycle } from './qualification-and-nurture.ts';
import type { Step } from './step.ts';
import { StepContext } from './step-context.ts';

const STEPS: { [S in TaskStateName]: Step<S> } = {
  Start: start,
  NurtureCheck: nurtureCheck,
  Recycle: recycle,
  HandOff: handOff,
  FirstTouchOverdue: firstTouchOverdue,
  DecisionOverdue: decisionOverdue,
  OutcomeOverdue: outcomeOverdue,
  Disqualify: disqualify,
  Outcome: recordOutcome,
  RecordFailure: recordFailure,
  ContinueAsNew: continueAsNew,
};

export class UndeclaredDecisionError extends Error {
  override name = 'UndeclaredDecisionError';
}

export async function runStep<S extends TaskStateName>(
  ports: LifecyclePorts,
  state: S,
  leadId: string,
  input: StepInput<S>,
  options: { execution?: string } = {},
): Promise<Outcome<S>> {
  const ctx = new StepContext(ports, leadId, options.execution);
  const step = STEPS[state] as Step<S>;
  const outcome = await step(ctx, input);
  // The types already forbid this; the check keeps a cast or a stale bundle from reaching a Choice.
  if (!declares(state, outcome.decision))
    throw new UndeclaredDecisionError(`${state} returned the undeclared decision "${outcome.decision}"`);
  const target = targetOf(state, outcome.decision);
  if (!target || !isWaitState(target) || !('timeoutSeconds' in outcome)) return outcome;
  if (declares(state, 'continue-as-new') && executionTooOld(ctx.leadIfLoaded, ctx.now))
    return { decision: 'continue-as-new' } as Outcome<S>;
  return { ...outcome, timeoutSeconds: capWait(outcome.timeoutSeconds as number) } as Outcome<S>;
}
