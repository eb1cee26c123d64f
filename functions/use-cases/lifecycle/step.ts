import type { Outcome, StepInput, TaskStateName } from '../../../workflows/lifecycle-contract.ts';
import type { StepContext } from './step-context.ts';

/**
 * One lifecycle step: what the task state `S` runs. The contract types both ends: the step
 * reads only what the decisions leading into `S` carry, and returns only decisions `S` declares.
 */
export type Step<S extends TaskStateName> = (ctx: StepContext, input: StepInput<S>) => Promise<Outcome<S>>;
