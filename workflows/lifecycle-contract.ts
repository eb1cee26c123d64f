/**
 * The lifecycle contract, declared once: every decision a step may return (with the payload it
 * carries) and, for every state, the decisions it returns and the state each one leads to.
 *
 * Everything else is derived from these two tables:
 * - the CDK state machine (`lead-lifecycle.ts`): one Task per state, one Choice per state with
 *   more than one exit, a direct `next` where there is only one;
 * - the step dispatcher (`functions/use-cases/lifecycle/run-step.ts`): a step for every task
 *   state, typed so that it can only return the decisions declared here and only read fields
 *   of the decisions that can lead into it (`Entering<S>`);
 * - the runtime validation of the Lambda payload (`enteringSchema`).
 *
 * Kept free of CDK so the Lambda bundle imports it without pulling in aws-cdk-lib.
 */
import * as z from 'zod';

const waitFor = { timeoutSeconds: z.number().int().min(1) };
const because = { reason: z.string() };

/** Every decision name and the payload that travels with it (at `$.Payload` in the execution). */
export const DECISIONS = {
  // Qualification and nurture
  qualified: {},
  nurture: waitFor,
  'keep-nurturing': waitFor,
  engaged: {},
  recycle: because,
  disqualify: because,
  // Hand-off and the first-touch ladder
  assigned: waitFor,
  wait: waitFor,
  remind: waitFor,
  breach: waitFor,
  escalate: waitFor,
  'escalation-exhausted': waitFor,
  reassign: { reassignments: z.number().int().min(0), fallback: z.boolean().optional() },
  // Sales activity completing a wait
  touched: waitFor,
  accepted: waitFor,
  rejected: because,
  closed: { result: z.enum(['won', 'lost']), reason: z.string().optional() },
  // Ops resumed the lead's paused SLA clock: the overdue step looks at the moved deadline now.
  resumed: {},
  // A resumed execution entering at its lead's stage
  'await-first-touch': waitFor,
  'await-decision': waitFor,
  'await-outcome': waitFor,
  // Execution and endings
  'continue-as-new': {},
  continued: { execution: z.string() },
  done: {},
  failed: {},
} as const satisfies Record<string, z.ZodRawShape>;

export type DecisionName = keyof typeof DECISIONS;
type PayloadOf<Shape extends z.ZodRawShape> = [keyof Shape] extends [never]
  ? unknown
  : z.infer<z.ZodObject<Shape>>;
export type DecisionOf<D extends DecisionName> = { decision: D } & PayloadOf<(typeof DECISIONS)[D]>;

/** Where a decision leads: a state of the table, or one of the two ends. */
type Target = LifecycleStateName | TerminalStateName;
export type TerminalStateName = 'Done' | 'LifecycleFailed';

type Exits = Partial<Record<DecisionName, string>>;
interface TaskSpec {
  type: 'task';
  /** What the Lambda payload carries in: the previous decision, nothing (entry points) or the caught error. */
  takes: 'previous' | 'nothing' | 'error';
  /** Name of the Choice state that branches on the decision (states with several exits). */
  choice?: string;
  decisions: Exits;
}
interface WaitSpec {
  type: 'wait';
  /** The wait kind activity refers to (the `waits.<kind>` token slot on the lead). */
  kind: string;
  choice?: string;
  /** Results sales or marketing activity completes the wait with (SendTaskSuccess output). */
  decisions: Exits;
  /** Where a wait that times out (States.Timeout) goes; `$.Payload` still holds what entered it. */
  onTimeout: string;
}

export const LIFECYCLE = {
  /** The first state of every execution: a new one and one that resumes at a stage alike. */
  startAt: 'Start',
  /** Entered through the Catch of every task; its decision ends the execution as failed. */
  onFailure: 'RecordFailure',
  states: {
    // A new lead is scored and qualified in one step (one read, one write, one PutEvents); an
    // execution that resumes (redrive, continue-as-new) enters where its lead's stage says.
    // One state for both: no Choice in front of it, one transition fewer for every lead.
    Start: {
      type: 'task',
      takes: 'nothing',
      choice: 'Started?',
      decisions: {
        // An SQL is handed off in the same step: no HandOff state (and transition) on the way.
        assigned: 'AwaitFirstTouch',
        disqualify: 'Disqualify',
        nurture: 'Nurture',
        'await-first-touch': 'AwaitFirstTouch',
        'await-decision': 'AwaitDecision',
        'await-outcome': 'AwaitOutcome',
        done: 'Done',
      },
    },
    Nurture: {
      type: 'wait',
      kind: 'nurture',
      decisions: { engaged: 'NurtureCheck' },
      onTimeout: 'NurtureCheck',
    },
    NurtureCheck: {
      type: 'task',
      takes: 'previous',
      choice: 'NurtureDone?',
      decisions: {
        qualified: 'HandOff',
        recycle: 'Recycle',
        disqualify: 'Disqualify',
        'continue-as-new': 'ContinueAsNew',
        'keep-nurturing': 'Nurture',
      },
    },
    HandOff: { type: 'task', takes: 'previous', decisions: { assigned: 'AwaitFirstTouch' } },
    AwaitFirstTouch: {
      type: 'wait',
      kind: 'first-touch',
      choice: 'TouchedOrDeclined?',
      // reassign: the owner said "Not my lead" (LeadDeclined), so the lead is handed on at once.
      decisions: { touched: 'AwaitDecision', reassign: 'HandOff', resumed: 'FirstTouchOverdue' },
      onTimeout: 'FirstTouchOverdue',
    },
    FirstTouchOverdue: {
      type: 'task',
      takes: 'previous',
      choice: 'Reassign?',
      decisions: {
        // Taken when a touch's completion was lost on its way to the wait (see takeResult).
        touched: 'AwaitDecision',
        reassign: 'HandOff',
        'continue-as-new': 'ContinueAsNew',
        wait: 'AwaitFirstTouch',
        remind: 'AwaitFirstTouch',
        breach: 'AwaitFirstTouch',
        escalate: 'AwaitFirstTouch',
        'escalation-exhausted': 'AwaitFirstTouch',
      },
    },
    AwaitDecision: {
      type: 'wait',
      kind: 'decision',
      choice: 'Accepted?',
      decisions: { accepted: 'AwaitOutcome', rejected: 'Recycle', resumed: 'DecisionOverdue' },
      onTimeout: 'DecisionOverdue',
    },
    DecisionOverdue: {
      type: 'task',
      takes: 'previous',
      choice: 'StillAwaitingDecision?',
      decisions: {
        accepted: 'AwaitOutcome',
        rejected: 'Recycle',
        'continue-as-new': 'ContinueAsNew',
        wait: 'AwaitDecision',
      },
    },
    AwaitOutcome: {
      type: 'wait',
      kind: 'outcome',
      decisions: { closed: 'Outcome' },
      onTimeout: 'OutcomeOverdue',
    },
    OutcomeOverdue: {
      type: 'task',
      takes: 'previous',
      choice: 'StillAwaitingOutcome?',
      decisions: { closed: 'Outcome', 'continue-as-new': 'ContinueAsNew', wait: 'AwaitOutcome' },
    },
    Recycle: { type: 'task', takes: 'previous', decisions: { nurture: 'Nurture' } },
    Disqualify: { type: 'task', takes: 'previous', decisions: { done: 'Done' } },
    Outcome: { type: 'task', takes: 'previous', decisions: { done: 'Done' } },
    ContinueAsNew: { type: 'task', takes: 'previous', decisions: { continued: 'Done' } },
    RecordFailure: { type: 'task', takes: 'error', decisions: { failed: 'LifecycleFailed' } },
  },
} as const satisfies {
  startAt: string;
  onFailure: string;
  states: Record<string, TaskSpec | WaitSpec>;
};

type States = (typeof LIFECYCLE)['states'];
export type LifecycleStateName = keyof States;
export type TaskStateName = {
  [S in LifecycleStateName]: States[S]['type'] extends 'task' ? S : never;
}[LifecycleStateName];
export type WaitStateName = Exclude<LifecycleStateName, TaskStateName>;
export type WaitKind = States[WaitStateName]['kind'];

type ExitsOf<S extends LifecycleStateName> = States[S]['decisions'];
type DecisionsOf<S extends LifecycleStateName> = keyof ExitsOf<S> & DecisionName;

/** What a task step may return: exactly the decisions declared for it. */
export type Outcome<S extends TaskStateName> = { [D in DecisionsOf<S>]: DecisionOf<D> }[DecisionsOf<S>];
/** What activity may complete a wait with. */
export type Completion<W extends WaitStateName> = { [D in DecisionsOf<W>]: DecisionOf<D> }[DecisionsOf<W>];
export type CompletionForKind<K extends WaitKind> = {
  [W in WaitStateName]: States[W]['kind'] extends K ? Completion<W> : never;
}[WaitStateName];

type LeadingInto<S extends Target> = {
  [From in LifecycleStateName]: {
    [D in DecisionsOf<From>]: ExitsOf<From>[D] extends S ? DecisionOf<D> : never;
  }[DecisionsOf<From>];
}[LifecycleStateName];
type TimedOutInto<S extends Target> = {
  [W in WaitStateName]: States[W]['onTimeout'] extends S ? LeadingInto<W> : never;
}[WaitStateName];

/** The previous decision a state can be entered with (`$.Payload` at that point). */
export type Entering<S extends Target> = LeadingInto<S> | TimedOutInto<S>;

// ---- Compile-time checks on the table itself -------------------------------------------------

type AllTargets = {
  [S in LifecycleStateName]:
    | ExitsOf<S>[DecisionsOf<S>]
    | (States[S] extends { onTimeout: infer T } ? T : never);
}[LifecycleStateName];
type Assert<T extends true> = T;
/** Every decision leads to a declared state or an end. */
export type TargetsAreStates = Assert<[Exclude<AllTargets, Target>] extends [never] ? true : false>;
/** Every way into a wait carries the `timeoutSeconds` its TimeoutSecondsPath reads. */
export type WaitsGetTheirTimeout = Assert<
  { [W in WaitStateName]: Entering<W> extends { timeoutSeconds: number } ? true : false }[WaitStateName]
>;

// ---- Runtime views of the table --------------------------------------------------------------

type AnySpec = TaskSpec | WaitSpec;
const specs = LIFECYCLE.states as unknown as Record<LifecycleStateName, AnySpec>;

export const TASK_STATES = (Object.keys(specs) as LifecycleStateName[]).filter(
  (s): s is TaskStateName => specs[s].type === 'task',
);
export const WAIT_STATES = (Object.keys(specs) as LifecycleStateName[]).filter(
  (s): s is WaitStateName => specs[s].type === 'wait',
);

export function isTaskState(name: string): name is TaskStateName {
  return (TASK_STATES as string[]).includes(name);
}
export function isWaitState(name: string): name is WaitStateName {
  return (WAIT_STATES as string[]).includes(name);
}

export function spec(state: LifecycleStateName): AnySpec {
  return specs[state];
}

/** Each exit of a state: the decision and where it leads. */
export function exits(state: LifecycleStateName): Array<{ decision: DecisionName; to: Target }> {
  return Object.entries(specs[state].decisions).map(([decision, to]) => ({
    decision: decision as DecisionName,
    to: to as Target,
  }));
}

export function waitKind(state: WaitStateName): WaitKind {
  return (specs[state] as WaitSpec).kind as WaitKind;
}

export function waitStateOf(kind: WaitKind): WaitStateName {
  const state = WAIT_STATES.find((w) => waitKind(w) === kind);
  if (!state) throw new Error(`No wait of kind ${kind}`);
  return state;
}

/**
 * A task whose only way on is the end (Disqualify, Outcome, ContinueAsNew) ends the execution
 * itself (`End: true`): a Succeed state after it would be one more billable transition.
 */
export function endsExecution(state: LifecycleStateName): boolean {
  const s = specs[state];
  return s.type === 'task' && !s.choice && exits(state).every((e) => e.to === 'Done');
}

export function declares(state: LifecycleStateName, decision: string): decision is DecisionName {
  return Object.hasOwn(specs[state].decisions, decision);
}

/** Where `decision` from `state` leads (undefined when the state does not declare it). */
export function targetOf(state: LifecycleStateName, decision: string): Target | undefined {
  return declares(state, decision) ? (specs[state].decisions[decision] as Target) : undefined;
}

/** Decisions (from any state) that lead into `state`, including through a wait's timeout. */
export function decisionsInto(state: Target): DecisionName[] {
  const names = new Set<DecisionName>();
  for (const from of Object.keys(specs) as LifecycleStateName[]) {
    for (const exit of exits(from)) if (exit.to === state) names.add(exit.decision);
    const s = specs[from];
    if (s.type === 'wait' && s.onTimeout === state) for (const d of decisionsInto(from)) names.add(d);
  }
  return [...names];
}

const decisionSchema = (name: DecisionName) =>
  z.object({ decision: z.literal(name), ...DECISIONS[name] }) as z.ZodObject;

const enteringSchemas = new Map<LifecycleStateName, z.ZodType>();
/** Validates the previous decision a task state receives (what the Lambda payload's `previous` holds). */
export function enteringSchema<S extends TaskStateName>(state: S): z.ZodType<Entering<S>> {
  let schema = enteringSchemas.get(state);
  if (!schema) {
    const options = decisionsInto(state).map(decisionSchema);
    schema =
      options.length === 0
        ? z.never()
        : options.length === 1
          ? (options[0] as z.ZodObject)
          : z.discriminatedUnion('decision', options as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]);
    enteringSchemas.set(state, schema);
  }
  return schema as z.ZodType<Entering<S>>;
}

/**
 * Standard executions may run at most a year. A lead still waiting after this long continues
 * in a new execution (same state machine, entering through Start at its stage).
 */
export const CONTINUE_AS_NEW_AFTER_DAYS = 300;

/** The error a Catch leaves at `$.error` (what RecordFailure takes). */
export interface CaughtError {
  Error?: string;
  Cause?: string;
}

/** What a task state's Lambda payload carries in besides its state name and lead id. */
export type StepInput<S extends TaskStateName> = States[S] extends { takes: 'previous' }
  ? { previous: Entering<S> }
  : States[S] extends { takes: 'error' }
    ? { error: CaughtError }
    : Record<never, never>;

/** The decisions of a lead that is qualified at once, touched, accepted and won. */
export const HAPPY_PATH_DECISIONS: readonly DecisionName[] = [
  'assigned',
  'touched',
  'accepted',
  'closed',
  'done',
];

/**
 * The states an execution enters when its steps return `decisions` in turn, starting at
 * `from`: each state, then its Choice where it has one. Tests compare the synthesized
 * workflow's real path with this, so the definition and the contract cannot drift apart.
 */
export function pathThrough(
  decisions: readonly DecisionName[],
  from: LifecycleStateName = LIFECYCLE.startAt,
): string[] {
  const path: string[] = [];
  let state: LifecycleStateName | TerminalStateName = from;
  for (const decision of decisions) {
    if (state === 'Done' || state === 'LifecycleFailed') throw new Error(`${decision} after the end`);
    path.push(state);
    const s = specs[state];
    const target = targetOf(state, decision);
    if (!target) throw new Error(`${state} does not declare ${decision}`);
    if (endsExecution(state)) return path;
    if (s.choice) path.push(s.choice);
    state = target;
  }
  path.push(state);
  return path;
}
