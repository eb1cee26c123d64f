/**
 * The lead lifecycle state machine, built as a CDK sfn chain from the contract table
 * (`lifecycle-contract.ts`). The stack synthesizes it; the local runtime and the workflow
 * scenario tests execute that synthesized JSON.
 *
 * No business rule lives here: every Task calls the lifecycle-step function with its state
 * name, the lead id and the previous decision; the step returns the next `decision` (and,
 * before a wait, its `timeoutSeconds`), kept at `$.Payload`. Choice states only branch on it.
 *
 * Waits are callback tasks (no polling loops) whose timeout is the previous decision's
 * `timeoutSeconds` (TimeoutSecondsPath), so a lead nurtured for a year costs a few states per
 * nurture interval. A timeout is part of the plan (reminders, escalation) and is caught into
 * the state the contract names; any other failure, after retries, into RecordFailure.
 */
import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import {
  endsExecution,
  exits,
  LIFECYCLE,
  type LifecycleStateName,
  spec,
  TASK_STATES,
  type TerminalStateName,
  WAIT_STATES,
} from './lifecycle-contract.ts';

export interface LeadLifecycleFunctions {
  /** Runs every domain step (start, hand off, ...) and registers callback waits. */
  lifecycleStep: IFunction;
}

/** Where the last decision lives in the execution's state; Choices and TimeoutSecondsPath read it. */
export const DECISION_PATH = '$.Payload';
const TIMEOUT_PATH = `${DECISION_PATH}.timeoutSeconds`;

/** Every task is retried on Lambda errors (transient store, bus or mail failures) with backoff. */
const TASK_RETRY: sfn.RetryProps = {
  errors: ['States.TaskFailed'],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 3,
};

export function buildLeadLifecycle(scope: Construct, fns: LeadLifecycleFunctions): sfn.IChainable {
  const payloadOf = (state: LifecycleStateName): Record<string, unknown> => {
    const s = spec(state);
    const base = { state, 'leadId.$': '$.leadId' };
    if (s.type === 'wait') return { ...base, token: sfn.JsonPath.taskToken };
    // The execution's own name: continue-as-new derives the next one from it, so a retry
    // starts the same execution again (a no-op) rather than a second one.
    Object.assign(base, { 'execution.$': '$$.Execution.Name' });
    if (s.takes === 'previous') return { ...base, 'previous.$': DECISION_PATH };
    if (s.takes === 'error') return { ...base, 'error.$': '$.error' };
    return base;
  };

  const states = new Map<LifecycleStateName, tasks.LambdaInvoke>();
  for (const state of TASK_STATES) {
    const failureRecorder = state === LIFECYCLE.onFailure;
    const task = new tasks.LambdaInvoke(scope, state, {
      lambdaFunction: fns.lifecycleStep,
      payload: sfn.TaskInput.fromObject(payloadOf(state)),
      payloadResponseOnly: true,
      // The failure recorder keeps `$.error` and ends the execution; nothing reads its result.
      resultPath: failureRecorder ? sfn.JsonPath.DISCARD : DECISION_PATH,
      retryOnServiceExceptions: !failureRecorder,
    });
    // Recording a failure must itself survive anything transient, whatever the error.
    task.addRetry(failureRecorder ? { ...TASK_RETRY, errors: ['States.ALL'] } : TASK_RETRY);
    states.set(state, task);
  }
  for (const state of WAIT_STATES) {
    const task = new tasks.LambdaInvoke(scope, state, {
      lambdaFunction: fns.lifecycleStep,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject(payloadOf(state)),
      taskTimeout: sfn.Timeout.at(TIMEOUT_PATH),
      resultPath: DECISION_PATH,
      retryOnServiceExceptions: true,
    });
    task.addRetry(TASK_RETRY);
    states.set(state, task);
  }

  const ends: Record<TerminalStateName, sfn.State> = {
    Done: new sfn.Succeed(scope, 'Done'),
    LifecycleFailed: new sfn.Fail(scope, 'LifecycleFailed', {
      error: 'LifecycleFailed',
      cause: 'A lifecycle step failed after retries; see the lead timeline.',
    }),
  };
  const stateOf = (name: LifecycleStateName | TerminalStateName): sfn.State =>
    name === 'Done' || name === 'LifecycleFailed' ? ends[name] : (states.get(name) as sfn.State);

  const recordFailure = states.get(LIFECYCLE.onFailure) as tasks.LambdaInvoke;
  // A decision the contract does not declare cannot pass `tsc` or the step's own check; should
  // one reach a Choice anyway, the lead is parked as failed rather than the execution crashing.
  const undeclared = new sfn.Pass(scope, 'UndeclaredDecision', {
    parameters: { Error: 'UndeclaredDecision', 'Cause.$': `States.JsonToString(${DECISION_PATH})` },
    resultPath: '$.error',
  }).next(recordFailure);

  for (const [name, task] of states) {
    const s = spec(name);
    if (s.type === 'wait')
      task.addCatch(stateOf(s.onTimeout as LifecycleStateName), {
        errors: ['States.Timeout'],
        resultPath: '$.timeout',
      });
    if (name !== LIFECYCLE.onFailure)
      task.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });

    if (endsExecution(name)) continue; // no next: the task ends the execution
    const ways = exits(name);
    const targets = [...new Set(ways.map((w) => w.to))];
    if (targets.length === 1 && !s.choice) {
      task.next(stateOf(targets[0] as LifecycleStateName));
      continue;
    }
    if (!s.choice) throw new Error(`State ${name} has several exits but no Choice name in the contract`);
    const choice = new sfn.Choice(scope, s.choice);
    for (const target of targets) {
      const decisions = ways.filter((w) => w.to === target).map((w) => w.decision);
      const conditions = decisions.map((d) => sfn.Condition.stringEquals(`${DECISION_PATH}.decision`, d));
      choice.when(
        conditions.length === 1 ? (conditions[0] as sfn.Condition) : sfn.Condition.or(...conditions),
        stateOf(target),
      );
    }
    choice.otherwise(undeclared);
    task.next(choice);
  }

  return stateOf(LIFECYCLE.startAt);
}
