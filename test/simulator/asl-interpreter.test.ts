/**
 * The simulator's ASL interpreter: the cases of the local engine's conformance suites
 * (test/local/asl-conformance-*.test.ts) that apply to the subset it implements, on the
 * simulator's virtual time; and its refusal, at load, of anything outside that subset.
 */
import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../local/runtime/local-aws-endpoint.ts';
import { loadDefinition } from '../../simulator/asl/definition.ts';
import { AslInterpreter } from '../../simulator/asl/interpreter.ts';
import { SimulationClock } from '../../simulator/virtual-time.ts';

const START = Date.parse('2026-03-02T09:00:00Z');
const fn = (name: string) => `arn:aws:lambda:local:000000000000:function:${name}`;
type State = Record<string, unknown>;
type Handler = (payload: Record<string, unknown>) => unknown;

const invoke = (name: string, fields: State = { End: true }): State => ({
  Type: 'Task',
  Resource: fn(name),
  ...fields,
});
const waitFor = (name: string, fields: State, payload: State = {}): State => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: { FunctionName: fn(name), Payload: { 'token.$': '$$.Task.Token', ...payload } },
  ...fields,
});
const catchTo = (Next: string, ...errors: string[]) => ({ ErrorEquals: errors, ResultPath: '$.error', Next });
const fail =
  (name: string, message = name): Handler =>
  () => {
    throw Object.assign(new Error(message), { name });
  };

/** A machine of `states` starting at `startAt`, with scripted functions that record their calls. */
function machine(states: Record<string, State>, startAt: string) {
  const clock = new SimulationClock(new Date(START));
  const calls: Array<{ name: string; at: number; payload: Record<string, unknown> }> = [];
  const scripts = new Map<string, Handler[]>();
  const sfn = new AslInterpreter(
    { StartAt: startAt, States: states },
    {
      invoke: async (name, payload) => {
        calls.push({ name, at: clock.nowMs() - START, payload: payload as Record<string, unknown> });
        const script = scripts.get(name) ?? [];
        const handler = script.length > 1 ? script.shift() : script[0];
        return handler ? handler(payload as Record<string, unknown>) : {};
      },
    },
    clock,
    'arn:aws:states:local:000000000000:stateMachine:test',
  );
  return {
    sfn,
    calls: (name: string) => calls.filter((c) => c.name === name),
    token: (name: string) => String(calls.filter((c) => c.name === name).at(-1)?.payload.token),
    on: (name: string, ...handlers: Handler[]) => scripts.set(name, handlers),
    runTo: (seconds = 86_400) => clock.runUntilIdle(new Date(START + seconds * 1000)),
  };
}

const refusal = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    return error instanceof AwsServiceError ? error.type : String(error);
  }
  return 'accepted';
};

describe('Retry and Catch', () => {
  const states = {
    Flaky: invoke('flaky', {
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3 }],
      Catch: [catchTo('Caught', 'Flaky')],
      End: true,
    }),
    BrokenRegister: waitFor('register', {
      TimeoutSeconds: 10,
      Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 1 }],
      Next: 'After',
    }),
    After: invoke('after'),
    Caught: invoke('caught'),
  };

  it('a task error is retried exactly MaxAttempts times, then the catcher puts {Error, Cause} at its ResultPath', async () => {
    const m = machine(states, 'Flaky');
    m.on('flaky', fail('Flaky', 'upstream down'));
    const run = m.sfn.start('run-1', JSON.stringify({ leadId: 'ld_1' }));
    await m.runTo();
    expect(m.calls('flaky')).toHaveLength(4);
    expect(run.retries).toEqual(['Flaky', 'Flaky', 'Flaky']);
    expect(m.calls('caught').map((c) => c.payload)).toEqual([
      { leadId: 'ld_1', error: { Error: 'Flaky', Cause: 'upstream down' } },
    ]);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.path).toEqual(['Flaky', 'Caught']);
  });

  it('a callback Task whose invocation fails fails with that error, and no timeout of that attempt fires later', async () => {
    const m = machine(states, 'BrokenRegister');
    m.on('register', fail('Boom'), () => ({}));
    const run = m.sfn.start('run-1', '{}');
    await m.runTo(2);
    const [broken, parked] = m.calls('register').map((c) => String(c.payload.token));
    expect(run.retries).toEqual(['BrokenRegister']);
    m.sfn.sendTaskSuccess(String(parked), { decision: 'touched' });
    await m.runTo(86_400);
    expect(run.status).toBe('SUCCEEDED');
    expect(m.calls('after')).toMatchObject([{ at: 2000 }]);
    expect(refusal(() => m.sfn.sendTaskSuccess(String(broken), {}))).toBe('TaskTimedOut');
    expect(refusal(() => m.sfn.sendTaskSuccess('local:never-issued', {}))).toBe('TaskDoesNotExist');
    expect(refusal(() => m.sfn.sendTaskSuccess(String(parked), {}))).toBe('TaskTimedOut');
  });

  it('SendTaskFailure is handled by the state’s Retry and Catch like any task error', async () => {
    const m = machine(
      {
        Rejectable: waitFor('register', {
          Retry: [{ ErrorEquals: ['Rejected'], MaxAttempts: 1 }],
          Catch: [catchTo('Caught', 'States.TaskFailed')],
          End: true,
        }),
        Caught: invoke('caught'),
      },
      'Rejectable',
    );
    const run = m.sfn.start('run-1', '{}');
    await m.runTo(1);
    const first = m.token('register');
    m.sfn.sendTaskFailure(first, 'Rejected', 'not my territory');
    await m.runTo(2);
    expect(m.token('register')).not.toBe(first);
    m.sfn.sendTaskFailure(m.token('register'), 'Rejected', 'still not');
    await m.runTo(3);
    expect(m.calls('caught').map((c) => c.payload.error)).toEqual([
      { Error: 'Rejected', Cause: 'still not' },
    ]);
    expect(run.status).toBe('SUCCEEDED');
  });
});

describe('timeouts', () => {
  const states = {
    Wait: waitFor('register', {
      TimeoutSecondsPath: '$.seconds',
      Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2 }],
      Catch: [catchTo('WrongCatcher', 'States.TaskFailed'), catchTo('Caught', 'States.Timeout')],
      ResultPath: '$.result',
      End: true,
    }),
    RetryAll: waitFor('register', {
      TimeoutSeconds: 5,
      Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1 }],
      Catch: [catchTo('Caught', 'States.ALL')],
      End: true,
    }),
    WrongCatcher: invoke('wrong-catcher'),
    Caught: invoke('caught'),
  };

  it('TimeoutSecondsPath is read from the state input; States.TaskFailed does not match the timeout', async () => {
    const m = machine(states, 'Wait');
    const run = m.sfn.start('run-1', JSON.stringify({ seconds: 30 }));
    await m.runTo();
    expect(run.retries).toEqual([]);
    expect(m.calls('wrong-catcher')).toEqual([]);
    expect(m.calls('caught')).toMatchObject([
      { at: 30_000, payload: { error: { Error: 'States.Timeout' } } },
    ]);
  });

  it('SendTaskSuccess before the timeout puts the output at ResultPath', async () => {
    const m = machine(
      { ...states, Wait: { ...states.Wait, End: undefined, Next: 'After' }, After: invoke('after') },
      'Wait',
    );
    m.sfn.start('run-1', JSON.stringify({ seconds: 30 }));
    await m.runTo(10);
    m.sfn.sendTaskSuccess(m.token('register'), { decision: 'touched' });
    await m.runTo();
    expect(m.calls('after')).toMatchObject([
      { at: 10_000, payload: { seconds: 30, result: { decision: 'touched' } } },
    ]);
    expect(m.calls('caught')).toEqual([]);
  });

  it('States.ALL in a Retry retries a timed-out callback Task with a new token and a new timeout', async () => {
    const m = machine(states, 'RetryAll');
    const run = m.sfn.start('run-1', '{}');
    await m.runTo();
    const attempts = m.calls('register');
    expect(attempts.map((c) => c.at)).toEqual([0, 5000]);
    expect(attempts[0]?.payload.token).not.toBe(attempts[1]?.payload.token);
    expect(run.retries).toEqual(['RetryAll']);
    expect(m.calls('caught')).toMatchObject([{ at: 10_000 }]);
  });

  it.each([0, 1.5, '30', null])(
    'a TimeoutSecondsPath of %j is States.Runtime, which not even States.ALL handles',
    async (seconds) => {
      const m = machine(
        {
          ...states,
          Wait: {
            ...states.Wait,
            Retry: [{ ErrorEquals: ['States.ALL'] }],
            Catch: [catchTo('Caught', 'States.ALL')],
          },
        },
        'Wait',
      );
      const run = m.sfn.start('run-1', JSON.stringify({ seconds }));
      await m.runTo();
      expect(run.status).toBe('FAILED');
      expect(run.error).toMatch(/^States\.Runtime: .*TimeoutSecondsPath/);
      expect(m.calls('register')).toEqual([]);
    },
  );
});

describe('executions, Choice and Pass', () => {
  const states = {
    Step: invoke('step', {
      Parameters: { 'leadId.$': '$.leadId', 'execution.$': '$$.Execution.Name' },
      ResultPath: '$.Payload',
      Next: 'Decide?',
    }),
    'Decide?': {
      Type: 'Choice',
      Choices: [
        {
          Or: [
            { Variable: '$.Payload.decision', StringEquals: 'a' },
            { Variable: '$.Payload.decision', StringEquals: 'b' },
          ],
          Next: 'Done',
        },
      ],
      Default: 'Undeclared',
    },
    Undeclared: {
      Type: 'Pass',
      ResultPath: '$.error',
      Parameters: { Error: 'UndeclaredDecision', 'Cause.$': 'States.JsonToString($.Payload)' },
      Next: 'Record',
    },
    Record: invoke('record', { ResultPath: null, Next: 'Failed' }),
    Failed: { Type: 'Fail', Error: 'LifecycleFailed', Cause: 'see the timeline' },
    Done: { Type: 'Succeed' },
  };

  it('runs Parameters with context paths, Choice with Or and StringEquals, Pass with States.JsonToString, Fail', async () => {
    const m = machine(states, 'Step');
    m.on('step', (p) => ({ decision: p.leadId === 'ld_ok' ? 'b' : 'zzz' }));
    const ok = m.sfn.start('ld_ok', JSON.stringify({ leadId: 'ld_ok' }));
    const bad = m.sfn.start('ld_bad', JSON.stringify({ leadId: 'ld_bad' }));
    await m.runTo();
    expect(m.calls('step').map((c) => c.payload)).toEqual([
      { leadId: 'ld_ok', execution: 'ld_ok' },
      { leadId: 'ld_bad', execution: 'ld_bad' },
    ]);
    expect([ok.status, ok.path]).toEqual(['SUCCEEDED', ['Step', 'Decide?', 'Done']]);
    expect([bad.status, bad.error, bad.path]).toEqual([
      'FAILED',
      'LifecycleFailed: see the timeline',
      ['Step', 'Decide?', 'Undeclared', 'Record', 'Failed'],
    ]);
    expect(m.calls('record')[0]?.payload.error).toEqual({
      Error: 'UndeclaredDecision',
      Cause: '{"decision":"zzz"}',
    });
  });

  it('StartExecution with a running name and the same input returns it; other input is refused', async () => {
    const m = machine({ W: waitFor('register', { End: true }) }, 'W');
    const run = m.sfn.start('ld_1', '{"leadId":"ld_1"}');
    expect(m.sfn.start('ld_1', '{"leadId":"ld_1"}')).toBe(run);
    expect(refusal(() => m.sfn.start('ld_1', '{"leadId":"other"}'))).toBe('ExecutionAlreadyExists');
  });
});

describe('what the interpreter refuses at load', () => {
  const base = { Type: 'Task', Resource: fn('step'), End: true };
  it.each([
    [{ A: { Type: 'Wait', Seconds: 5, End: true } }, /State A: field Type 'Wait' is not supported/],
    [{ A: { Type: 'Map', End: true } }, /State A: field Type 'Map' is not supported/],
    [{ A: { ...base, InputPath: '$.x' } }, /State A: field InputPath is not supported/],
    [{ A: { ...base, OutputPath: '$.x' } }, /State A: field OutputPath is not supported/],
    [
      { A: { ...base, Resource: 'arn:aws:states:::lambda:invoke' } },
      /State A: field Resource .* is not supported/,
    ],
    [
      { A: { ...base, Parameters: { 'x.$': '$.items[0]' } } },
      /State A\.Parameters\.x\.\$: path '\$\.items\[0\]' is not supported/,
    ],
    [
      { A: { ...base, Parameters: { 'x.$': 'States.Format($.a)' } } },
      /State A\.Parameters\.x\.\$: intrinsic 'States\.Format\(\$\.a\)' is not supported/,
    ],
    [
      { A: { ...base, Parameters: { 'x.$': '$$.State.Name' } } },
      /State A\.Parameters\.x\.\$: context path '\$\$\.State\.Name' is not supported/,
    ],
    [
      { A: { ...base, Retry: [{ ErrorEquals: ['X'], JitterStrategy: 'FULL' }] } },
      /State A\.Retry\[0\]: field JitterStrategy is not supported/,
    ],
    [
      { A: { ...base, HeartbeatSeconds: 5 } },
      /State A: field HeartbeatSeconds is supported on callback tasks only/,
    ],
    [
      {
        A: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 1, Next: 'B' }] },
        B: { Type: 'Succeed' },
      },
      /State A\.Choices\[0\]: comparison NumericGreaterThan is not supported/,
    ],
    [
      { A: { Type: 'Pass', ResultSelector: {}, End: true } },
      /State A: field ResultSelector is not supported/,
    ],
  ])('%j', (states, message) => {
    expect(() => loadDefinition({ StartAt: 'A', States: states })).toThrow(message);
  });

  it('refuses a JSONata definition', () => {
    expect(() =>
      loadDefinition({ QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Succeed' } } }),
    ).toThrow(/field QueryLanguage is not supported/);
  });
});
