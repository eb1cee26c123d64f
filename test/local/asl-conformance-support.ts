/**
 * Shared by the ASL conformance suites (asl-conformance-timeouts/-errors.test.ts): runs small ASL
 * snippets through LocalStepFunctions on a manual virtual clock, with scripted Lambda handlers.
 *
 * Known deviations of aws-local-stepfunctions (v3.0.0, checked in build/main.node.esm.js) from
 * Step Functions as AWS documents it, and how Leadflow stays correct on both:
 *
 * - TimeoutSecondsPath: the library resolves it against the Parameters output (AWS: the state
 *   input). The engine wraps Parameters so the same resolution also yields the timeout from the
 *   state input, and strips its reserved keys again before the handler sees the payload.
 * - HeartbeatSeconds/HeartbeatSecondsPath: ignored by the library. The engine arms a heartbeat
 *   timer per callback wait on the virtual clock; SendTaskHeartbeat re-arms it; it fails the
 *   task with States.HeartbeatTimeout; TimeoutSeconds still bounds the whole wait.
 * - Default task timeout: the library times out any Task without TimeoutSeconds after 60 s of
 *   wall time (the States Language spec's default; Step Functions has none). The engine sets the
 *   library's TimeoutSeconds out of reach (~24.8 days, Node's longest timer) and times callback
 *   waits itself on the virtual clock.
 * - `$$.Execution.StartTime`: the library overwrites it with `new Date()` whatever context the
 *   run is given. The engine points `$$.Execution` paths at its own copy of that object
 *   (`$$.LeadflowExecution`), whose StartTime is the execution's start on the virtual clock.
 * - `$$.Task.Token`: the library has no callback pattern (a `.waitForTaskToken` Task ends when
 *   its handler returns) and no token of its own: the run's context holds one static value.
 *   The engine parks each wait, issues a token per wait (and per retry attempt) and puts it
 *   wherever the definition put `$$.Task.Token`, nested objects and arrays included.
 * - Error matching: the library compares error names exactly, so a `States.Timeout` retrier or
 *   catcher would miss States.HeartbeatTimeout (AWS: it matches). The engine adds
 *   States.HeartbeatTimeout next to every States.Timeout. Its timeout errors are instances of the
 *   library's own timeout class, which is what makes `States.TaskFailed` skip them.
 * - States.Runtime: the engine raises it, neither retryable nor catchable (as on AWS), for a
 *   TimeoutSecondsPath/HeartbeatSecondsPath that is not a positive integer.
 *
 * Still NOT faithful locally:
 * - Retry pauses: the engine overrides them (retryIntervalOverrides), and the library then takes
 *   one fixed pause per retrier for every attempt instead of IntervalSeconds x BackoffRate^n
 *   (and no JitterStrategy). Manual clock: no pause at all; paced: IntervalSeconds / speed of
 *   real time; wall: IntervalSeconds. The pause is a real timer while the execution counts as
 *   busy, so manual and paced virtual time do not advance during it.
 * - Timeouts of non-callback Tasks (a Lambda that runs too long) are not enforced locally, and
 *   HeartbeatSeconds only applies to callback waits.
 * - Wait states and a top-level TimeoutSeconds run on wall-clock timers in the library, not on
 *   the virtual clock. Leadflow's definition has neither; the engine refuses Wait states.
 * - Error output: Cause is the thrown error's message (AWS, for a Lambda error: a JSON string
 *   with errorMessage, errorType and trace). Leadflow never parses Cause.
 * - `$$` as a whole shows both Execution objects (the library's has the wall-clock StartTime).
 * - JSONata (QueryLanguage) is not supported: the library accepts such a definition and runs it
 *   as JSONPath, ignoring Arguments/Output. Leadflow synthesizes JSONPath only; the engine
 *   refuses JSONata.
 * - Map and Parallel states are refused by the engine (their inner Tasks would bypass it).
 */
import { beforeEach } from 'vitest';
import { LocalStepFunctions } from '../../local/runtime/local-step-functions.ts';
import { VirtualClock } from '../../local/runtime/virtual-clock.ts';

const fn = (name: string) => `arn:aws:lambda:local:000000000000:function:${name}`;
type State = Record<string, unknown>;

/** A Lambda invoke Task as CDK synthesizes it (LambdaInvoke): the state input, or `payload`. */
export const invoke = (name: string, fields: State = { End: true }, payload?: State): State => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: fn(name), ...(payload ? { Payload: payload } : { 'Payload.$': '$' }) },
  ...fields,
});

/** A callback Task (LambdaInvoke with WAIT_FOR_TASK_TOKEN); the token travels at `token`. */
export const waitFor = (name: string, fields: State, payload: State = {}): State => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: { FunctionName: fn(name), Payload: { 'token.$': '$$.Task.Token', ...payload } },
  ...fields,
});

/** A catcher of `errors` that keeps the state input and puts the error output at `$.error`. */
export const catchTo = (Next: string, ...errors: string[]) => ({
  ErrorEquals: errors,
  ResultPath: '$.error',
  Next,
});

export interface Call {
  name: string;
  payload: Record<string, unknown>;
  /** The virtual instant of the invocation. */
  at: string;
}
type Behaviour = (payload: Record<string, unknown>) => unknown;

/** Throws an error with the given name, as a Lambda handler failing with that error type. */
export const fail =
  (name: string, message = `${name} raised`) =>
  () => {
    throw Object.assign(new Error(message), { name });
  };

/** Stands in for LambdaInvoker: records every call and runs scripted behaviour on the clock. */
export class FakeLambdas {
  calls: Call[] = [];
  private scripts = new Map<string, Behaviour[]>();

  constructor(private readonly clock: VirtualClock) {}

  /** Scripts the next calls of `name`, one behaviour per call; the last one repeats. */
  on(name: string, ...behaviours: Behaviour[]): this {
    this.scripts.set(name, behaviours);
    return this;
  }

  invoke(name: string, payload: unknown): Promise<unknown> {
    return this.clock.track(async () => {
      const event = payload as Record<string, unknown>;
      this.calls.push({ name, payload: event, at: this.clock.now().toISOString() });
      const script = this.scripts.get(name) ?? [];
      const behaviour = script.length > 1 ? script.shift() : script[0];
      return behaviour ? behaviour(event) : {};
    });
  }

  of(name: string): Call[] {
    return this.calls.filter((c) => c.name === name);
  }

  /** The token the latest call of `name` received. */
  token(name: string): string {
    return String(this.of(name).at(-1)?.payload.token);
  }

  reset(): void {
    this.calls = [];
    this.scripts = new Map();
  }
}

export const START = new Date('2030-01-07T09:00:00.000Z');

/**
 * One engine per test file, on one manual clock: each `describe` adds its snippets while the file
 * is collected, and the engine is built (its definition validated, about 0.3 s) at first use. A
 * `Snippet` Choice enters the state an execution is named after (`<state>-<n>`). Each test times
 * everything from the instant it began, with fresh handler scripts and calls.
 */
export function conformance() {
  const clock = new VirtualClock({ mode: 'manual', start: START });
  const lambdas = new FakeLambdas(clock);
  const states: Record<string, State> = {};
  let built: LocalStepFunctions | undefined;
  const entry = (state: string) => ({
    Variable: '$$.Execution.Name',
    StringMatches: `${state}-*`,
    Next: state,
  });
  const engine = () => {
    built ??= new LocalStepFunctions(
      {
        StartAt: 'Snippet',
        States: { Snippet: { Type: 'Choice', Choices: Object.keys(states).map(entry) }, ...states },
      },
      lambdas,
      clock,
      'conformance',
    );
    return built;
  };
  let began = START.getTime();
  let executions = 0;
  beforeEach(() => {
    began = clock.now().getTime();
    lambdas.reset();
  });
  const instant = (seconds: number) => new Date(began + seconds * 1000);
  return {
    clock,
    lambdas,
    get sfn() {
      return engine();
    },
    /** Adds states to the file's definition; a name may be reused only for the same state. */
    snippets(add: Record<string, State>): void {
      for (const [name, state] of Object.entries(add)) {
        if (built || (name in states && JSON.stringify(states[name]) !== JSON.stringify(state)))
          throw new Error(`Snippet state ${name}: added after the engine was built, or defined twice`);
        states[name] = state;
      }
    },
    /** The virtual instant `seconds` after the test began, as an ISO string. */
    at: (seconds: number) => instant(seconds).toISOString(),
    /** StartExecution entering `state`; the name is `<state>-<suffix>`. */
    start: (state: string, input: unknown = {}, suffix: string | number = ++executions) =>
      engine().start(`${state}-${suffix}`, JSON.stringify(input)),
    /** Lets virtual time run to `seconds` after the test began (or until nothing is left to do). */
    runTo: async (seconds?: number) => {
      let stuck: NodeJS.Timeout | undefined;
      await Promise.race([
        clock.runUntilIdle(seconds === undefined ? undefined : instant(seconds)),
        new Promise((_, reject) => {
          stuck = setTimeout(() => reject(new Error('the virtual clock never went idle')), 2000);
        }),
      ]).finally(() => clearTimeout(stuck));
    },
  };
}
