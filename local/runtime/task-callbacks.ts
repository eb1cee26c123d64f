/**
 * What the local engine adds around aws-local-stepfunctions for callback tasks: the task token
 * placeholder and its substitution, Step Functions' timeout errors as the library's own class,
 * and the Lambda a Task ARN names.
 */
import { StateMachine } from 'aws-local-stepfunctions';

/** Stands in for `$$.Task.Token` in the library's context; replaced by a unique token per wait. */
export const TOKEN_PLACEHOLDER = 'leadflow-local-task-token';

/**
 * The library's own States.Timeout error class. Its retry and catch matching treats only that
 * class as a timeout (`States.TaskFailed` must not match it), and it is not exported, so it is
 * learned once from a task the library itself times out.
 */
const StatesTimeoutError: new () => Error = await (async () => {
  const probe = new StateMachine(
    {
      StartAt: 'Probe',
      States: {
        Probe: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:local:0:function:probe',
          TimeoutSeconds: 0.001,
          End: true,
        },
      },
    } as never,
    { validationOptions: { noValidate: true } } as never,
  );
  const run = probe.run({}, {
    overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => {}) } },
  } as never);
  try {
    await run.result;
  } catch (error) {
    const cause = (error as { cause?: Error }).cause;
    if (cause?.name === 'States.Timeout') return cause.constructor as new () => Error;
  }
  throw new Error('aws-local-stepfunctions did not raise States.Timeout; the local engine needs updating');
})();

export function timeoutError(name: 'States.Timeout' | 'States.HeartbeatTimeout', message: string): Error {
  return Object.assign(new StatesTimeoutError(), { name, message });
}

export const lambdaNameFromArn = (arn: unknown): string | undefined =>
  typeof arn === 'string' ? /:function:([a-z0-9-]+)/.exec(arn)?.[1] : undefined;

/** Puts the wait's own token wherever the definition placed `$$.Task.Token`. */
export function withToken(value: unknown, token: string): unknown {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((v) => withToken(v, token));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withToken(v, token)]));
  return value;
}
