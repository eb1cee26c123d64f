/**
 * Runs the synthesized state machine in-process with aws-local-stepfunctions, with Step
 * Functions' own semantics where the library has none:
 * - Task states call the same handler modules their Lambda ARN names;
 * - callback waits (`.waitForTaskToken`) get a unique token per wait (the library passes one
 *   static `$$.Task.Token` per run), park until SendTaskSuccess, and time out on the virtual
 *   clock with States.Timeout (not retryable, as on AWS);
 * - execution names are unique: the same name and input is a no-op, other input is refused.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import type { LambdaInvoker } from './lambda-invoker.ts';
import { AwsServiceError } from './local-aws-endpoint.ts';
import type { VirtualClock } from './virtual-clock.ts';

type AslState = {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Retry?: Array<{
    ErrorEquals: string[];
    IntervalSeconds?: number;
    MaxAttempts?: number;
    BackoffRate?: number;
  }>;
};
type Asl = { StartAt: string; States: Record<string, AslState> };

interface PendingWait {
  executionName: string;
  state: string;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  cancelTimer: () => void;
  heartbeat: () => void;
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

class StatesTimeout extends Error {
  override name = 'States.Timeout';
  // aws-local-stepfunctions only treats its own timeout class as non-retryable.
  readonly isRetryable = false;
}

const lambdaNameFromArn = (arn: unknown): string | undefined =>
  typeof arn === 'string' ? /:function:([a-z0-9-]+)/.exec(arn)?.[1] : undefined;

export class LocalStepFunctions {
  readonly arn: string;
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly waits = new Map<string, PendingWait>();
  private readonly expired = new Set<string>();
  private tokenSeq = 0;

  constructor(
    private readonly definition: Asl,
    private readonly invoker: LambdaInvoker,
    private readonly clock: VirtualClock,
    name: string,
  ) {
    this.arn = `arn:aws:states:local:000000000000:stateMachine:${name}`;
    this.machine = new StateMachine(definition as never, {
      validationOptions: { checkArn: false, checkPaths: false },
    });
  }

  private taskOverrides(executionName: string): Record<string, (input: unknown) => Promise<unknown>> {
    const overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [stateName, state] of Object.entries(this.definition.States)) {
      if (state.Type !== 'Task') continue;
      const callback = state.Resource?.endsWith('.waitForTaskToken');
      const direct = lambdaNameFromArn(state.Resource);
      overrides[stateName] = async (input: unknown) => {
        const params = input as { FunctionName?: string; Payload?: Record<string, unknown> };
        const handler = direct ?? lambdaNameFromArn(params.FunctionName);
        if (!handler) throw new Error(`State ${stateName}: no local handler for ${state.Resource}`);
        if (!callback) {
          const payload = direct ? input : params.Payload;
          return this.invoker.invoke(handler, payload);
        }
        return this.callbackWait(executionName, stateName, handler, params.Payload ?? {});
      };
    }
    return overrides;
  }

  private async callbackWait(
    executionName: string,
    stateName: string,
    handler: string,
    payload: Record<string, unknown>,
  ) {
    const token = `local:${executionName}:${stateName}:${++this.tokenSeq}`;
    const timeoutSeconds = Number(payload.timeoutSeconds ?? 0);
    const parked = new Promise<unknown>((resolve, reject) => {
      // Every way out of the wait (callback, failure, timeout) wakes the execution the same way.
      const wake = (expired: boolean, settle: () => void) => {
        wait.cancelTimer();
        this.waits.delete(token);
        if (expired) this.expired.add(token);
        this.clock.enter();
        settle();
      };
      const arm = () =>
        timeoutSeconds > 0
          ? this.clock.at(new Date(this.clock.now().getTime() + timeoutSeconds * 1000), () =>
              wake(true, () => reject(new StatesTimeout(`${stateName} timed out after ${timeoutSeconds}s`))),
            )
          : () => {};
      const wait: PendingWait = {
        executionName,
        state: stateName,
        resolve: (output) => wake(false, () => resolve(output)),
        reject: (error) => wake(false, () => reject(error)),
        cancelTimer: () => {},
        heartbeat: () => {
          wait.cancelTimer();
          wait.cancelTimer = arm();
        },
      };
      wait.cancelTimer = arm();
      this.waits.set(token, wait);
    });
    // The library may stop listening (execution already failed); never leave a rejection unhandled.
    parked.catch(() => {});
    await this.invoker.invoke(handler, { ...payload, token });
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
    // Retry pauses follow the virtual clock: scaled by its speed, none at all in manual mode.
    const scale = this.clock.options.mode === 'manual' ? 0 : 1 / this.clock.speed;
    const retryOverrides = Object.fromEntries(
      Object.entries(this.definition.States)
        .filter(([, s]) => s.Retry)
        .map(([n, s]) => [n, s.Retry!.map((r) => (r.IntervalSeconds ?? 1) * 1000 * scale)]),
    );
    const execution = this.machine.run(JSON.parse(input), {
      overrides: {
        taskResourceLocalHandlers: this.taskOverrides(name) as never,
        retryIntervalOverrides: retryOverrides,
      },
      // The Context Object AWS provides; the library's default has no Name and no Task.
      context: {
        Execution: {
          Id: record.arn,
          Name: name,
          StartTime: record.startDate.toISOString(),
          Input: JSON.parse(input),
        },
        StateMachine: { Id: this.arn },
        Task: { Token: `local:${name}` },
      },
      noThrowOnAbort: true,
    });
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
        record.status = 'SUCCEEDED';
      })
      .catch((error: Error) => {
        record.status = 'FAILED';
        record.error = `${error.name}: ${error.message}`;
      })
      .then(async () => {
        await logs.catch(() => {});
        record.stopDate = this.clock.now();
        this.clock.leave();
      });
    return record;
  }

  /** The wait a token belongs to, or the error Step Functions gives for a used or unknown token. */
  private liveWait(token: string): PendingWait {
    const wait = this.waits.get(token);
    if (wait) return wait;
    if (this.expired.has(token)) throw new AwsServiceError('TaskTimedOut', 'Task Timed Out');
    throw new AwsServiceError('TaskDoesNotExist', 'Task does not exist anymore');
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
