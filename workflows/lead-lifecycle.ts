/**
 * The lead lifecycle state machine, built as a CDK sfn chain. The stack synthesizes it;
 * the local runtime and the workflow scenario tests execute that synthesized JSON.
 *
 * No business rule lives here: every Task calls the lifecycle-step function, whose domain
 * code returns a `decision` (and, before a wait, its `timeoutSeconds`); Choice states only
 * branch on that. The last decision lives at `$.Payload` on purpose: a wait's
 * TimeoutSecondsPath (`$.Payload.timeoutSeconds`) then names the same value whether an engine
 * resolves it against the state input or against the Parameters output ({FunctionName,
 * Payload}), as aws-local-stepfunctions does.
 *
 * Waits are callback tasks (no polling loops), so a lead nurtured for a year
 * costs a few states per nurture interval.
 */
import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { type LifecycleStep, WAIT_STATES, type WaitStateName } from './lifecycle-contract.ts';

export {
  LIFECYCLE_STEPS,
  type LifecycleStep,
  WAIT_STATES,
  type WaitKind,
  type WaitStateName,
} from './lifecycle-contract.ts';

export interface LeadLifecycleFunctions {
  /** Runs every domain step (score, qualify, hand off, ...) and registers callback waits. */
  lifecycleStep: IFunction;
}

const decision = (value: string) => sfn.Condition.stringEquals('$.Payload.decision', value);

export function buildLeadLifecycle(scope: Construct, fns: LeadLifecycleFunctions): sfn.IChainable {
  /** `withPrevious`: pass the previous decision ($.Payload); only states that always follow one. */
  const step = (id: string, name: LifecycleStep, withPrevious = true) => {
    const task = new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: fns.lifecycleStep,
      payload: sfn.TaskInput.fromObject({
        step: name,
        state: id,
        'leadId.$': '$.leadId',
        ...(withPrevious ? { 'previous.$': '$.Payload' } : {}),
      }),
      payloadResponseOnly: true,
      resultPath: '$.Payload',
      retryOnServiceExceptions: true,
    });
    task.addRetry({
      errors: ['States.TaskFailed'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 3,
    });
    return task;
  };

  const waitFor = (id: WaitStateName) => {
    const task = new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: fns.lifecycleStep,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        step: 'register-wait',
        state: id,
        wait: WAIT_STATES[id],
        'leadId.$': '$.leadId',
        token: sfn.JsonPath.taskToken,
        'timeoutSeconds.$': '$.Payload.timeoutSeconds',
      }),
      taskTimeout: sfn.Timeout.at('$.Payload.timeoutSeconds'),
      resultPath: '$.Payload',
      retryOnServiceExceptions: true,
    });
    task.addRetry({
      errors: ['States.TaskFailed'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 3,
    });
    return task;
  };

  const failed = new sfn.Fail(scope, 'LifecycleFailed', {
    error: 'LifecycleFailed',
    cause: 'A lifecycle step failed after retries; see the lead timeline.',
  });
  const recordFailure = new tasks.LambdaInvoke(scope, 'RecordFailure', {
    lambdaFunction: fns.lifecycleStep,
    payload: sfn.TaskInput.fromObject({
      step: 'record-failure',
      state: 'RecordFailure',
      'leadId.$': '$.leadId',
      'error.$': '$.error',
    }),
    payloadResponseOnly: true,
    resultPath: sfn.JsonPath.DISCARD,
  });
  recordFailure.addRetry({
    errors: ['States.ALL'],
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 3,
  });
  recordFailure.next(failed);

  const onFailure = (task: tasks.LambdaInvoke) =>
    task.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
  const onTimeout = (task: tasks.LambdaInvoke, next: sfn.IChainable) =>
    task.addCatch(next, { errors: ['States.Timeout'], resultPath: '$.timeout' });

  const done = new sfn.Succeed(scope, 'Done');

  const score = step('Score', 'score', false);
  const qualify = step('Qualify', 'qualify');
  const nurture = waitFor('Nurture');
  const nurtureCheck = step('NurtureCheck', 'nurture-check');
  const handOff = step('HandOff', 'hand-off');
  const awaitFirstTouch = waitFor('AwaitFirstTouch');
  const firstTouchOverdue = step('FirstTouchOverdue', 'first-touch-overdue');
  const awaitDecision = waitFor('AwaitDecision');
  const decisionOverdue = step('DecisionOverdue', 'decision-overdue');
  const awaitOutcome = waitFor('AwaitOutcome');
  const outcomeOverdue = step('OutcomeOverdue', 'outcome-overdue');
  const recycle = step('Recycle', 'recycle');
  const disqualify = step('Disqualify', 'disqualify');
  const outcome = step('Outcome', 'record-outcome');
  const resume = step('Resume', 'resume', false);

  // Timeouts are part of the plan (reminders, escalation), not failures: catch them first.
  onTimeout(nurture, nurtureCheck);
  onTimeout(awaitFirstTouch, firstTouchOverdue);
  onTimeout(awaitDecision, decisionOverdue);
  onTimeout(awaitOutcome, outcomeOverdue);
  for (const task of [
    score,
    qualify,
    nurture,
    nurtureCheck,
    handOff,
    awaitFirstTouch,
    firstTouchOverdue,
    awaitDecision,
    decisionOverdue,
    awaitOutcome,
    outcomeOverdue,
    recycle,
    disqualify,
    outcome,
    resume,
  ]) {
    onFailure(task);
  }

  const routeQualification = new sfn.Choice(scope, 'Qualified?')
    .when(decision('sql'), handOff)
    .when(decision('disqualify'), disqualify)
    .otherwise(nurture);

  // Only the steps that loop on long waits can decide to continue in a new execution.
  const continueAsNew = step('ContinueAsNew', 'continue-as-new');
  continueAsNew.next(done);
  onFailure(continueAsNew);
  const continuing = decision('continue-as-new');

  const afterNurture = new sfn.Choice(scope, 'NurtureDone?')
    .when(decision('qualified'), handOff)
    .when(decision('recycle'), recycle)
    .when(decision('disqualify'), disqualify)
    .when(continuing, continueAsNew)
    .otherwise(nurture);

  const afterFirstTouchOverdue = new sfn.Choice(scope, 'Reassign?')
    .when(decision('reassign'), handOff)
    .when(continuing, continueAsNew)
    .otherwise(awaitFirstTouch);

  const afterDecisionOverdue = new sfn.Choice(scope, 'StillAwaitingDecision?')
    .when(continuing, continueAsNew)
    .otherwise(awaitDecision);

  const afterOutcomeOverdue = new sfn.Choice(scope, 'StillAwaitingOutcome?')
    .when(continuing, continueAsNew)
    .otherwise(awaitOutcome);

  const afterDecision = new sfn.Choice(scope, 'Accepted?')
    .when(decision('accepted'), awaitOutcome)
    .when(decision('rejected'), recycle)
    .otherwise(awaitDecision);

  const afterOutcomeWait = new sfn.Choice(scope, 'Closed?')
    .when(decision('closed'), outcome)
    .otherwise(awaitOutcome);

  const resumeAt = new sfn.Choice(scope, 'ResumeAt')
    .when(decision('score'), score)
    .when(decision('nurture'), nurture)
    .when(decision('hand-off'), handOff)
    .when(decision('await-first-touch'), awaitFirstTouch)
    .when(decision('await-decision'), awaitDecision)
    .when(decision('await-outcome'), awaitOutcome)
    .otherwise(done);

  score.next(qualify);
  qualify.next(routeQualification);
  nurture.next(nurtureCheck);
  nurtureCheck.next(afterNurture);
  handOff.next(awaitFirstTouch);
  awaitFirstTouch.next(awaitDecision);
  firstTouchOverdue.next(afterFirstTouchOverdue);
  awaitDecision.next(afterDecision);
  decisionOverdue.next(afterDecisionOverdue);
  awaitOutcome.next(afterOutcomeWait);
  outcomeOverdue.next(afterOutcomeOverdue);
  recycle.next(nurture);
  disqualify.next(done);
  outcome.next(done);
  resume.next(resumeAt);

  return new sfn.Choice(scope, 'StartOrResume')
    .when(sfn.Condition.isPresent('$.resumeAt'), resume)
    .otherwise(score);
}
