/**
 * Runs the synthesized state machine in-process with aws-local-stepfunctions, with Step
 * Functions' own semantics where the library has none (see asl-engine-definition.ts):
 * - Task states call the same handler modules their Lambda ARN names;
 * - callback waits (`.waitForTaskToken`) get a unique token per wait (the library passes one
 *   static `$$.Task.Token` per run, which the engine replaces wherever the definition put it),
 *   park until SendTaskSuccess/Failure, and time out on the virtual clock after the
 *   definition's TimeoutSeconds/TimeoutSecondsPath (States.Timeout) or, without a heartbeat
 *   in time, its HeartbeatSeconds (States.HeartbeatTimeout);
 * - Retry and Catch are the definition's, run by the library (pauses compressed, see retryPauses);
 * - execution names are unique: the same name and input is a no-op, other input is refused.
 * The engine reads nothing from a payload that the definition does not name.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import {
  type Asl,
  EXECUTION_CONTEXT,
  engineDefinition,
  type TaskTiming,
  unwrapTaskInput,
} from './asl-engine-definition.ts';
import type { LambdaInvoker } from './lambda-invoker.ts';
import { AwsServiceError } from './local-aws-endpoint.ts';
import { lambdaNameFromArn, TOKEN_PLACEHOLDER, timeoutError, withToken } from './task-callbacks.ts';
import type { VirtualClock } from './virtual-clock.ts';

interface PendingWait {
  executionName: string;
  state: string;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  heartbeat: () => void;
  /** Ends the wait without waking its execution (StopExecution). */
  cancel: () => void;
}

export interface ExecutionRecord {
  name: string;
  arn: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  startDate: Date;
  stopDate?: Date;
  /** State names entered, in order: what scenario tests and benchmarks assert on. */
  path: string[];
  /** States retried after a task error, once per retry. */
  retries: string[];
  error?: string;
  done: Promise<void>;
}

export class LocalStepFunctions {
  readonly arn: string;
  private readonly machine: StateMachine;
  private readonly definition: Asl;
  private readonly timing: Map<string, TaskTiming>;
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly aborts = new Map<string, () => void>();
  private readonly waits = new Map<string, PendingWait>();
  /** Tokens of waits that are over (completed, failed or timed out). */
  private readonly closed = new Set<string>();
  private tokenSeq = 0;

  constructor(
    synthesized: Asl,
    private readonly invoker: Pick<LambdaInvoker, 'invoke'>,
    private readonly clock: VirtualClock,
    name: string,
  ) {
    this.arn = `arn:aws:states:local:000000000000:stateMachine:${name}`;
    const prepared = engineDefinition(synthesized);
    this.definition = prepared.definition;
    this.timing = prepared.timing;
    this.machine = new StateMachine(this.definition as never, {
      validationOptions: { checkArn: false, checkPaths: false },
    });
  }

  private taskOverrides(executionName: string): Record<string, (input: unknown) => Promise<unknown>> {
    const overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [stateName, state] of Object.entries(this.definition.States)) {
      if (state.Type !== 'Task') continue;
      const callback = state.Resource?.endsWith('.waitForTaskToken') ?? false;
      const direct = lambdaNameFromArn(state.Resource);
      const timing = this.timing.get(stateName) ?? {};
      overrides[stateName] = async (input: unknown) => {
        const task = unwrapTaskInput(stateName, timing, input as Record<string, unknown>);
        const params = task.parameters as { FunctionName?: string; Payload?: unknown };
        const handler = direct ?? lambdaNameFromArn(params?.FunctionName);
        if (!handler) throw new Error(`State ${stateName}: no local handler for ${state.Resource}`);
        const payload = direct ? task.parameters : params.Payload;
        if (!callback) return this.invoker.invoke(handler, payload);
        return this.callbackWait(executionName, stateName, handler, payload, task);
      };
    }
    return overrides;
  }

  private async callbackWait(
    executionName: string,
    stateName: string,
    handler: string,
    payload: unknown,
    limits: { timeoutSeconds?: number; heartbeatSeconds?: number },
  ) {
    const token = `local:${executionName}:${stateName}:${++this.tokenSeq}`;
    const inSeconds = (seconds: number) => new Date(this.clock.now().getTime() + seconds * 1000);
    let woken = false;
    let close = () => {};
    const parked = new Promise<unknown>((resolve, reject) => {
      const cancels: Array<() => void> = [];
      let cancelHeartbeat = () => {};
      // The wait is over: its timers stop and its token is closed (TaskTimedOut from now on).
      close = () => {
        for (const cancel of cancels) cancel();
        cancelHeartbeat();
        this.waits.delete(token);
        this.closed.add(token);
      };
      // Every way out of the wait (callback, failure, timeout) wakes the execution the same way.
      const wake = (settle: () => void) => {
        close();
        woken = true;
        this.clock.enter();
        settle();
      };
      if (limits.timeoutSeconds !== undefined)
        cancels.push(
          this.clock.at(inSeconds(limits.timeoutSeconds), () =>
            wake(() =>
              reject(
                timeoutError('States.Timeout', `${stateName} timed out after ${limits.timeoutSeconds}s`),
              ),
            ),
          ),
        );
      const armHeartbeat = () => {
        cancelHeartbeat();
        if (limits.heartbeatSeconds === undefined) return;
        cancelHeartbeat = this.clock.at(inSeconds(limits.heartbeatSeconds), () =>
          wake(() =>
            reject(
              timeoutError(
                'States.HeartbeatTimeout',
                `${stateName} sent no heartbeat for ${limits.heartbeatSeconds}s`,
              ),
            ),
          ),
        );
      };
      armHeartbeat();
      this.waits.set(token, {
        executionName,
        state: stateName,
        resolve: (output) => wake(() => resolve(output)),
        reject: (error) => wake(() => reject(error)),
        heartbeat: armHeartbeat,
        cancel: () => close(),
      });
    });
    // The library may stop listening (execution already failed); never leave a rejection unhandled.
    parked.catch(() => {});
    try {
      await this.invoker.invoke(handler, withToken(payload, token));
    } catch (error) {
      // The invocation failed, so the task fails with its error: the wait never parks, and its
      // timers must not fire later (they would wake an execution that has moved on).
      close();
      if (woken) this.clock.leave();
      throw error;
    }
    // Parked: the execution does no work until a callback or its timeout wakes it.
    this.clock.leave();
    return parked;
  }

  /** StartExecution: one execution per name; the same name and input again is a no-op. */
  start(name: string, input: string): ExecutionRecord {
    const existing = this.executions.get(name);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new AwsServiceError(
        'ExecutionAlreadyExists',
        `Execution already exists: '${this.arn.replace(':stateMachine:', ':execution:')}:${name}'`,
      );
    }
    const record: ExecutionRecord = {
      name,
      arn: `${this.arn.replace(':stateMachine:', ':execution:')}:${name}`,
      input,
      status: 'RUNNING',
      startDate: this.clock.now(),
      path: [],
      retries: [],
      done: Promise.resolve(),
    };
    this.executions.set(name, record);
    this.clock.enter();
    const executionContext = {
      Id: record.arn,
      Name: name,
      StartTime: record.startDate.toISOString(),
      Input: JSON.parse(input),
    };
    const execution = this.machine.run(JSON.parse(input), {
      overrides: {
        taskResourceLocalHandlers: this.taskOverrides(name) as never,
        retryIntervalOverrides: this.retryPauses(),
      },
      // The Context Object AWS provides; the library's default has no Name and wall-clock times,
      // and it overwrites Execution.StartTime, so the definition reads EXECUTION_CONTEXT instead.
      context: {
        Execution: executionContext,
        [EXECUTION_CONTEXT]: executionContext,
        StateMachine: { Id: this.arn },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
      noThrowOnAbort: true,
    });
    this.aborts.set(name, () => execution.abort());
    const logs = (async () => {
      for await (const event of execution.eventLogs) {
        if (!('state' in event)) continue;
        const state = (event.state as { name: string }).name;
        if (event.type === 'StateEntered') record.path.push(state);
        if (event.type === 'StateRetried') record.retries.push(state);
      }
    })();
    record.done = execution.result
      .then(() => {
        if (record.status === 'RUNNING') record.status = 'SUCCEEDED';
      })
      .catch((error: Error) => {
        record.status = 'FAILED';
        const cause = (error as { cause?: Error }).cause;
        record.error = cause ? `${cause.name}: ${cause.message}` : `${error.name}: ${error.message}`;
      })
      .then(async () => {
        await logs.catch(() => {});
        record.stopDate = this.clock.now();
        this.clock.leave();
      });
    return record;
  }

  /**
   * Real pauses between retries: none in manual mode, each retrier's IntervalSeconds scaled by
   * the speed when paced. The library takes one fixed pause per retrier (no backoff), and the
   * execution counts as busy while it pauses, so virtual time does not advance during a retry:
   * attempts and their order are the definition's, their spacing is not (a known deviation).
   */
  private retryPauses(): Record<string, number[]> {
    const scale = this.clock.mode === 'manual' ? 0 : 1 / this.clock.speed;
    return Object.fromEntries(
      Object.entries(this.definition.States)
        .filter(([, s]) => s.Retry)
        .map(([n, s]) => [n, (s.Retry ?? []).map((r) => (r.IntervalSeconds ?? 1) * 1000 * scale)]),
    );
  }

  /**
   * The wait a token belongs to, or the error Step Functions gives otherwise: TaskTimedOut for a
   * token that expired or whose task is already closed (SendTaskSuccess API reference), and
   * TaskDoesNotExist for a token never issued.
   */
  private liveWait(token: string): PendingWait {
    const wait = this.waits.get(token);
    if (wait) return wait;
    if (this.closed.has(token)) throw new AwsServiceError('TaskTimedOut', 'Task Timed Out');
    throw new AwsServiceError('TaskDoesNotExist', 'Task does not exist anymore');
  }

  /**
   * StopExecution: a running execution is aborted where it stands (its waits end without waking
   * it, and no Catch runs), as Step Functions does; one that ended is left as it is.
   */
  stop(name: string, cause: string): ExecutionRecord {
    const record = this.executions.get(name);
    if (!record)
      throw new AwsServiceError('ExecutionDoesNotExist', `Execution does not exist: ${this.arn}:${name}`);
    if (record.status !== 'RUNNING') return record;
    record.status = 'ABORTED';
    record.error = cause;
    const parked = [...this.waits.values()].filter((w) => w.executionName === name);
    for (const wait of parked) wait.cancel();
    // A parked execution holds no work on the clock; its end below gives back one unit.
    if (parked.length > 0) this.clock.enter();
    this.aborts.get(name)?.();
    return record;
  }

  sendTaskSuccess(token: string, output: unknown): void {
    this.liveWait(token).resolve(output);
  }

  sendTaskFailure(token: string, error: string, cause: string): void {
    this.liveWait(token).reject(Object.assign(new Error(cause), { name: error }));
  }

  sendTaskHeartbeat(token: string): void {
    this.liveWait(token).heartbeat();
  }

  execution(name: string): ExecutionRecord | undefined {
    return this.executions.get(name);
  }

  list(): ExecutionRecord[] {
    return [...this.executions.values()];
  }

  /** SDK-facing operations for the local AWS endpoint. */
  operations() {
    const str = (v: unknown) => String(v ?? '');
    return {
      'AWSStepFunctions.StartExecution': async (input: Record<string, unknown>) => {
        const record = this.start(str(input.name), str(input.input || '{}'));
        return { executionArn: record.arn, startDate: record.startDate.getTime() / 1000 };
      },
      'AWSStepFunctions.SendTaskSuccess': async (input: Record<string, unknown>) => {
        this.sendTaskSuccess(str(input.taskToken), JSON.parse(str(input.output || '{}')));
        return {};
      },
      'AWSStepFunctions.SendTaskFailure': async (input: Record<string, unknown>) => {
        this.sendTaskFailure(str(input.taskToken), str(input.error || 'TaskFailed'), str(input.cause));
        return {};
      },
      'AWSStepFunctions.SendTaskHeartbeat': async (input: Record<string, unknown>) => {
        this.sendTaskHeartbeat(str(input.taskToken));
        return {};
      },
      'AWSStepFunctions.StopExecution': async (input: Record<string, unknown>) => {
        const record = this.stop(str(input.executionArn).split(':').pop() ?? '', str(input.cause));
        return { stopDate: (record.stopDate ?? this.clock.now()).getTime() / 1000 };
      },
      'AWSStepFunctions.DescribeExecution': async (input: Record<string, unknown>) => {
        const name = str(input.executionArn).split(':').pop() ?? '';
        const record = this.executions.get(name);
        if (!record)
          throw new AwsServiceError(
            'ExecutionDoesNotExist',
            `Execution does not exist: ${input.executionArn}`,
          );
        return {
          executionArn: record.arn,
          name: record.name,
          status: record.status,
          startDate: record.startDate.getTime() / 1000,
          input: record.input,
        };
      },
    };
  }
}
