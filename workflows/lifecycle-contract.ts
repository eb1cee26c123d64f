/**
 * The contract between the lifecycle state machine and the lifecycle-step function: the
 * steps a Task may ask for and the callback waits. Kept free of CDK so the Lambda bundle
 * imports it without pulling in aws-cdk-lib.
 */

/** The callback waits (state name -> wait kind) and the activity that completes each one. */
export const WAIT_STATES = {
  Nurture: 'nurture',
  AwaitFirstTouch: 'first-touch',
  AwaitDecision: 'decision',
  AwaitOutcome: 'outcome',
} as const;
export type WaitStateName = keyof typeof WAIT_STATES;
export type WaitKind = (typeof WAIT_STATES)[WaitStateName];

/** Steps the lifecycle-step function implements; each Task passes one of these. */
export const LIFECYCLE_STEPS = [
  'resume',
  'score',
  'qualify',
  'register-wait',
  'nurture-check',
  'hand-off',
  'first-touch-overdue',
  'decision-overdue',
  'outcome-overdue',
  'recycle',
  'disqualify',
  'record-outcome',
  'record-failure',
  'continue-as-new',
] as const;

/**
 * Standard executions may run at most a year. A lead still waiting after this long continues
 * in a new execution (same state machine, entered through Resume at its stage).
 */
export const CONTINUE_AS_NEW_AFTER_DAYS = 300;
export type LifecycleStep = (typeof LIFECYCLE_STEPS)[number];
