/**
 * Runs executions of a loaded definition (definition.ts) on the simulator's virtual time, with
 * the local runtime engine's semantics (local/runtime/local-step-functions.ts), so the two take
 * every lead along the same path:
 * - a Task invokes its function in-process; the invocation takes no virtual time (so only
 *   callback tasks can time out); a callback task parks with a unique token until
 *   SendTaskSuccess/Failure, its TimeoutSeconds(Path) (States.Timeout) or HeartbeatSeconds
 *   (States.HeartbeatTimeout, which a States.Timeout retrier or catcher also matches);
 * - Retry counts attempts per state entry and retries at once (virtual time does not pass
 *   between attempts, as in the local runtime); Catch puts {Error, Cause} at its ResultPath;
 *   States.TaskFailed matches any task error but a timeout; States.ALL any error but
 *   States.Runtime;
 * - payloads and results cross the function boundary as JSON, as they do to and from Lambda;
 * - execution names are unique: the same name and input while running is a no-op, anything
 *   else is ExecutionAlreadyExists.
 */
import { AwsServiceError } from '../../local/runtime/local-aws-endpoint.ts';
import type { SimulationClock } from '../virtual-time.ts';
import { type Catcher, type LoadedDefinition, loadDefinition, type TaskState } from './definition.ts';
import { type Json, StatesRuntimeError } from './paths.ts';

export interface TaskInvoker {
  invoke(functionName: string, payload: Json): Promise<Json>;
}

export interface AslExecution {
  name: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  startDate: Date;
  stopDate?: Date;
  /** State names entered, in order. */
  path: string[];
  /** States retried after a task error, once per retry. */
  retries: string[];
  error?: string;
}

interface PendingWait {
  resolve: (output: Json) => void;
  reject: (error: Error) => void;
}

const TIMEOUT_ERRORS = new Set(['States.Timeout', 'States.HeartbeatTimeout']);

function matches(errorEquals: readonly string[], error: Error): boolean {
  if (error instanceof StatesRuntimeError) return false;
  return errorEquals.some(
    (name) =>
      name === 'States.ALL' ||
      name === error.name ||
      (name === 'States.TaskFailed' && !TIMEOUT_ERRORS.has(error.name)) ||
      (name === 'States.Timeout' && error.name === 'States.HeartbeatTimeout'),
  );
}

const statesError = (name: string, message: string) => Object.assign(new Error(message), { name });
const viaJson = (value: Json): Json => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

export class AslInterpreter {
  private readonly definition: LoadedDefinition;
  private readonly executions = new Map<string, AslExecution>();
  private readonly waits = new Map<string, PendingWait>();
  /** Tokens of waits that are over (completed, failed or timed out). */
  private readonly closed = new Set<string>();
  private tokenSeq = 0;

  constructor(
    definition: unknown,
    private readonly invoker: TaskInvoker,
    private readonly clock: SimulationClock,
    readonly arn: string,
  ) {
    this.definition = loadDefinition(definition);
  }

  /** StartExecution: one execution per name; the same name and input again is a no-op. */
  start(name: string, input: string): AslExecution {
    const existing = this.executions.get(name);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution already exists: '${name}'`);
    }
    const record: AslExecution = {
      name,
      input,
      status: 'RUNNING',
      startDate: this.clock.now(),
      path: [],
      retries: [],
    };
    this.executions.set(name, record);
    const parsed = JSON.parse(input) as Json;
    const context = {
      Execution: {
        Id: `${this.arn.replace(':stateMachine:', ':execution:')}:${name}`,
        Name: name,
        StartTime: record.startDate.toISOString(),
        Input: parsed,
      },
      StateMachine: { Id: this.arn },
      Task: { Token: '' },
    };
    this.clock.enter();
    this.run(record, parsed, context)
      .then(
        () => {
          record.status = 'SUCCEEDED';
        },
        (error: Error) => {
          record.status = 'FAILED';
          record.error = `${error.name}: ${error.message}`;
        },
      )
      .finally(() => {
        record.stopDate = this.clock.now();
        this.clock.leave();
      });
    return record;
  }

  private async run(record: AslExecution, input: Json, context: { Task: { Token: string } }): Promise<Json> {
    let stateName = this.definition.startAt;
    let data = input;
    for (;;) {
      const state = this.definition.states.get(stateName);
      if (!state) throw new StatesRuntimeError(`No state ${stateName}`);
      record.path.push(stateName);
      switch (state.type) {
        case 'Succeed':
          return data;
        case 'Fail':
          throw statesError(state.error, state.cause);
        case 'Choice': {
          const chosen = state.choices.find((choice) => choice.matches(data, context))?.next ?? state.default;
          if (!chosen) throw statesError('States.NoChoiceMatched', `No choice rule matched in ${stateName}`);
          stateName = chosen;
          continue;
        }
        case 'Pass': {
          data = state.resultPath(data, state.result(data, context));
          if (state.end) return data;
          stateName = state.next as string;
          continue;
        }
        case 'Task': {
          const outcome = await this.runTask(record, stateName, state, data, context);
          data = outcome.data;
          if (outcome.next === undefined) return data;
          stateName = outcome.next;
        }
      }
    }
  }

  /** One Task state: attempts under its retriers, then its catchers; the next state and the data. */
  private async runTask(
    record: AslExecution,
    stateName: string,
    state: TaskState,
    data: Json,
    context: { Task: { Token: string } },
  ): Promise<{ data: Json; next: string | undefined }> {
    const attempts = state.retry.map(() => 0);
    for (;;) {
      try {
        const result = await this.attempt(record.name, stateName, state, data, context);
        const selected = state.resultSelector ? state.resultSelector(result, context) : result;
        return { data: state.resultPath(data, selected), next: state.end ? undefined : state.next };
      } catch (caught) {
        const error = caught as Error;
        if (error instanceof StatesRuntimeError) throw error;
        const retrier = state.retry.findIndex((r) => matches(r.errorEquals, error));
        const retry = state.retry[retrier];
        if (retry && (attempts[retrier] as number) < retry.maxAttempts) {
          attempts[retrier] = (attempts[retrier] as number) + 1;
          record.retries.push(stateName);
          continue;
        }
        const catcher: Catcher | undefined = state.catch.find((c) => matches(c.errorEquals, error));
        if (!catcher) throw error;
        return {
          data: catcher.resultPath(data, { Error: error.name, Cause: error.message }),
          next: catcher.next,
        };
      }
    }
  }

  private async attempt(
    executionName: string,
    stateName: string,
    state: TaskState,
    data: Json,
    context: { Task: { Token: string } },
  ): Promise<Json> {
    if (!state.callback) {
      const payload = viaJson(state.payload(data, context));
      return viaJson(await this.invoker.invoke(state.functionName, payload));
    }
    const timeoutSeconds = state.timeoutPath
      ? this.seconds(state.timeoutPath(data, context), stateName)
      : state.timeoutSeconds;
    const token = `local:${executionName}:${stateName}:${++this.tokenSeq}`;
    context.Task.Token = token;
    const payload = viaJson(state.payload(data, context));
    return this.callbackWait(token, stateName, state, payload, timeoutSeconds);
  }

  private seconds(value: Json, stateName: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      throw new StatesRuntimeError(
        `State ${stateName}: TimeoutSecondsPath must resolve to a positive integer, got ${JSON.stringify(value)}`,
      );
    return value;
  }

  private async callbackWait(
    token: string,
    stateName: string,
    state: TaskState,
    payload: Json,
    timeoutSeconds: number | undefined,
  ): Promise<Json> {
    const cancels: Array<() => void> = [];
    let woken = false;
    const close = () => {
      for (const cancel of cancels) cancel();
      this.waits.delete(token);
      this.closed.add(token);
    };
    const parked = new Promise<Json>((resolve, reject) => {
      // Every way out of the wait (callback, failure, timeout) wakes the execution the same way.
      const wake = (settle: () => void) => {
        close();
        woken = true;
        this.clock.enter();
        settle();
      };
      const limit = (seconds: number | undefined, name: string, message: string) => {
        if (seconds === undefined) return;
        const due = new Date(this.clock.nowMs() + seconds * 1000);
        cancels.push(this.clock.at(due, () => wake(() => reject(statesError(name, message)))));
      };
      limit(timeoutSeconds, 'States.Timeout', `${stateName} timed out after ${timeoutSeconds}s`);
      limit(
        state.heartbeatSeconds,
        'States.HeartbeatTimeout',
        `${stateName} sent no heartbeat for ${state.heartbeatSeconds}s`,
      );
      this.waits.set(token, {
        resolve: (output) => wake(() => resolve(output)),
        reject: (error) => wake(() => reject(error)),
      });
    });
    parked.catch(() => {});
    try {
      await this.invoker.invoke(state.functionName, payload);
    } catch (error) {
      // The invocation failed, so the task fails with its error and its timers never fire.
      close();
      if (woken) this.clock.leave();
      throw error;
    }
    // Parked: the execution does no work until a callback or its timeout wakes it.
    this.clock.leave();
    return parked;
  }

  /**
   * The wait a token belongs to, or the error Step Functions gives otherwise: TaskTimedOut for a
   * token whose task is over, TaskDoesNotExist for a token never issued.
   */
  private liveWait(token: string): PendingWait {
    const wait = this.waits.get(token);
    if (wait) return wait;
    if (this.closed.has(token)) throw new AwsServiceError('TaskTimedOut', 'Task Timed Out');
    throw new AwsServiceError('TaskDoesNotExist', 'Task does not exist anymore');
  }

  sendTaskSuccess(token: string, output: Json): void {
    this.liveWait(token).resolve(viaJson(output));
  }

  sendTaskFailure(token: string, error: string, cause: string): void {
    this.liveWait(token).reject(statesError(error, cause));
  }

  execution(name: string): AslExecution | undefined {
    return this.executions.get(name);
  }
}
