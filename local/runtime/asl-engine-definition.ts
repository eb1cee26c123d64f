/**
 * Prepares a synthesized state machine for aws-local-stepfunctions so that the local engine
 * executes exactly what the Amazon States Language says, where the library departs from it
 * (each case is pinned by test/local/asl-conformance-*.test.ts):
 *
 * - Task timeouts and heartbeats. AWS resolves `TimeoutSecondsPath`/`HeartbeatSecondsPath`
 *   against the state input; the library resolves the timeout path against the Parameters
 *   output, ignores heartbeats, times tasks with wall-clock timers, and times out any Task
 *   without a timeout after 60 s (AWS: none). Here each Task's Parameters are wrapped so the
 *   same resolution also yields the state's timeout and heartbeat from the state input, under
 *   reserved keys that the engine strips again before the handler sees the payload; the
 *   engine then times the task on the virtual clock. The library's own timer is pushed out of
 *   reach.
 * - A heartbeat timeout is `States.HeartbeatTimeout`, which a `States.Timeout` retrier or
 *   catcher also matches on AWS; the library matches error names exactly, so those lists
 *   name it explicitly here.
 * - The Context Object. The library overwrites `$$.Execution.StartTime` with the wall clock
 *   whatever context the run is given, so paths into `$$.Execution` read the engine's copy
 *   under `$$.LeadflowExecution` instead (same fields, virtual start time).
 *
 * Nothing else changes: states, transitions, Retry and Catch are the synthesized ones.
 */

export type AslState = {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  InputPath?: string | null;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number;
  HeartbeatSecondsPath?: string;
  Retry?: Array<{
    ErrorEquals: string[];
    IntervalSeconds?: number;
    MaxAttempts?: number;
    BackoffRate?: number;
  }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string; ResultPath?: string | null }>;
  [key: string]: unknown;
};
export type Asl = { StartAt: string; States: Record<string, AslState>; [key: string]: unknown };

/** How long a Task may run, as the definition says (undefined: no limit, as on AWS). */
export interface TaskTiming {
  timeoutSeconds?: number;
  timeoutPath?: string;
  heartbeatSeconds?: number;
  heartbeatPath?: string;
}

export const WRAPPED_PARAMETERS = 'leadflow:parameters';
export const WRAPPED_TIMEOUT = 'leadflow:timeoutSeconds';
export const WRAPPED_HEARTBEAT = 'leadflow:heartbeatSeconds';
/** Context Object key holding the engine's `$$.Execution` (the library rewrites its StartTime). */
export const EXECUTION_CONTEXT = 'LeadflowExecution';
const EXECUTION_PATH = /\$\$\.Execution(?![\w$])/g;
/** The longest timer Node can arm (about 24.8 days): the library's own task timer never fires first. */
export const LIBRARY_TIMEOUT_OUT_OF_REACH = 2_147_483;

export interface EngineDefinition {
  definition: Asl;
  timing: Map<string, TaskTiming>;
}

export function engineDefinition(synthesized: Asl): EngineDefinition {
  if (synthesized.QueryLanguage === 'JSONata')
    throw new Error('JSONata is not supported by the local engine (the library runs it as JSONPath)');
  const definition = structuredClone(synthesized);
  const timing = new Map<string, TaskTiming>();
  for (const [name, state] of Object.entries(definition.States)) {
    // Map and Parallel are not needed; Wait states would run on the library's wall-clock timers.
    if (state.Type === 'Map' || state.Type === 'Parallel' || state.Type === 'Wait')
      throw new Error(`State ${name}: ${state.Type} states are not supported by the local engine`);
    if (state.QueryLanguage === 'JSONata')
      throw new Error(
        `State ${name}: JSONata is not supported by the local engine (the library runs it as JSONPath)`,
      );
    if (state.Type !== 'Task') continue;
    const t: TaskTiming = {
      timeoutSeconds: state.TimeoutSeconds,
      timeoutPath: state.TimeoutSecondsPath,
      heartbeatSeconds: state.HeartbeatSeconds,
      heartbeatPath: state.HeartbeatSecondsPath,
    };
    timing.set(name, t);
    if ((t.timeoutPath || t.heartbeatPath) && state.InputPath !== undefined)
      throw new Error(
        `State ${name}: TimeoutSecondsPath/HeartbeatSecondsPath with InputPath is not supported locally`,
      );
    state.Parameters = {
      ...(state.Parameters === undefined
        ? { [`${WRAPPED_PARAMETERS}.$`]: '$' }
        : { [WRAPPED_PARAMETERS]: state.Parameters }),
      ...(t.timeoutPath ? { [`${WRAPPED_TIMEOUT}.$`]: t.timeoutPath } : {}),
      ...(t.heartbeatPath ? { [`${WRAPPED_HEARTBEAT}.$`]: t.heartbeatPath } : {}),
    };
    delete state.TimeoutSecondsPath;
    delete state.HeartbeatSeconds;
    delete state.HeartbeatSecondsPath;
    state.TimeoutSeconds = LIBRARY_TIMEOUT_OUT_OF_REACH;
    for (const list of [...(state.Retry ?? []), ...(state.Catch ?? [])]) {
      if (
        list.ErrorEquals.includes('States.Timeout') &&
        !list.ErrorEquals.includes('States.HeartbeatTimeout')
      )
        list.ErrorEquals.push('States.HeartbeatTimeout');
    }
  }
  for (const [name, state] of Object.entries(definition.States))
    definition.States[name] = withOwnExecutionContext(state) as AslState;
  return { definition, timing };
}

/**
 * Points `$$.Execution…` in every path field (`….$` templates with intrinsic functions,
 * `*Path`, `Variable`) at the engine's copy; a Pass state's literal `Result` is left alone.
 */
function withOwnExecutionContext(value: unknown, key = ''): unknown {
  if (typeof value === 'string')
    return key.endsWith('.$') || key.endsWith('Path') || key === 'Variable'
      ? value.replace(EXECUTION_PATH, () => `$$.${EXECUTION_CONTEXT}`)
      : value;
  if (Array.isArray(value)) return value.map((v) => withOwnExecutionContext(v));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === 'Result' ? v : withOwnExecutionContext(v, k)]),
    );
  return value;
}

/** The Task's real parameters and its timing, resolved from what the wrapped Parameters produced. */
export function unwrapTaskInput(
  state: string,
  timing: TaskTiming,
  wrapped: Record<string, unknown>,
): { parameters: unknown; timeoutSeconds?: number; heartbeatSeconds?: number } {
  const seconds = (value: unknown, field: string) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      throw statesRuntime(
        `State ${state}: ${field} must resolve to a positive integer, got ${JSON.stringify(value)}`,
      );
    return value;
  };
  return {
    parameters: wrapped[WRAPPED_PARAMETERS],
    timeoutSeconds: timing.timeoutPath
      ? seconds(wrapped[WRAPPED_TIMEOUT], 'TimeoutSecondsPath')
      : timing.timeoutSeconds,
    heartbeatSeconds: timing.heartbeatPath
      ? seconds(wrapped[WRAPPED_HEARTBEAT], 'HeartbeatSecondsPath')
      : timing.heartbeatSeconds,
  };
}

/** States.Runtime: fails the execution; neither Retry nor Catch may handle it (as on AWS). */
export function statesRuntime(message: string): Error {
  return Object.assign(new Error(message), {
    name: 'States.Runtime',
    isRetryable: false,
    isCatchable: false,
  });
}
