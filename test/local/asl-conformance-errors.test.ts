/**
 * Conformance of the local engine with Step Functions' retries, catchers, task tokens, the
 * Context Object and StartExecution, as AWS documents them (Amazon States Language spec, Step
 * Functions developer guide, Step Functions API reference). The library's deviations, and how
 * the engine corrects them, are listed in asl-conformance-support.ts.
 */
import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../local/runtime/local-aws-endpoint.ts';
import { LocalStepFunctions } from '../../local/runtime/local-step-functions.ts';
import { VirtualClock } from '../../local/runtime/virtual-clock.ts';
import {
  catchTo,
  conformance,
  FakeLambdas,
  fail,
  invoke,
  START,
  waitFor,
} from './asl-conformance-support.ts';

const m = conformance();

/** The AWS error type a call is refused with. */
function refusal(call: () => void): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(AwsServiceError);
    return (error as AwsServiceError).type;
  }
  throw new Error('the call was not refused');
}

describe('Retry and Catch', () => {
  m.snippets({
    Flaky: invoke('flaky', {
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3 }],
      Catch: [catchTo('Caught', 'Flaky')],
      End: true,
    }),
    Rejectable: waitFor('register', {
      Retry: [{ ErrorEquals: ['Rejected'], MaxAttempts: 1 }],
      Catch: [catchTo('Caught', 'Rejected')],
      End: true,
    }),
    AnyFailure: waitFor('register', { Catch: [catchTo('Caught', 'States.TaskFailed')], End: true }),
    BrokenRegister: waitFor('register', {
      TimeoutSeconds: 10,
      Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 1 }],
      Next: 'After',
    }),
    After: invoke('after'),
    Caught: invoke('caught'),
  });

  it('a task error is retried exactly MaxAttempts times, then the catcher puts {Error, Cause} at its ResultPath', async () => {
    // Error handling: MaxAttempts is the maximum number of retries; then the matching catcher's
    // ResultPath adds the error output (Error, Cause) to the state input.
    m.lambdas.on('flaky', fail('Flaky', 'upstream down'));
    const run = m.start('Flaky', { leadId: 'ld_1' });
    await m.runTo();
    expect(m.lambdas.of('flaky')).toHaveLength(4);
    expect(run.retries).toEqual(['Flaky', 'Flaky', 'Flaky']);
    expect(m.lambdas.of('caught').map((c) => c.payload)).toEqual([
      { leadId: 'ld_1', error: { Error: 'Flaky', Cause: 'upstream down' } },
    ]);
    expect(run.status).toBe('SUCCEEDED');
  });

  it('SendTaskFailure with an error name is handled by the state’s Retry and Catch like any task error', async () => {
    // SendTaskFailure reports the task failed with `error`; States.TaskFailed matches any error
    // name except States.Timeout.
    const run = m.start('Rejectable', { leadId: 'ld_1' });
    await m.runTo();
    const first = m.lambdas.token('register');
    m.sfn.sendTaskFailure(first, 'Rejected', 'not my territory');
    await m.runTo();
    expect(run.retries).toEqual(['Rejectable']);
    expect(m.lambdas.token('register')).not.toBe(first);
    m.sfn.sendTaskFailure(m.lambdas.token('register'), 'Rejected', 'still not');
    await m.runTo();
    expect(m.lambdas.of('caught').map((c) => c.payload.error)).toEqual([
      { Error: 'Rejected', Cause: 'still not' },
    ]);

    const other = m.start('AnyFailure');
    await m.runTo();
    m.sfn.sendTaskFailure(m.lambdas.token('register'), 'CrmDown', 'no answer');
    await m.runTo();
    expect(m.lambdas.of('caught').map((c) => c.payload.error)).toContainEqual({
      Error: 'CrmDown',
      Cause: 'no answer',
    });
    expect([run.status, other.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });

  it('a callback Task whose Lambda invocation fails fails with that error, and no timeout of that attempt fires later', async () => {
    // Error handling: an error of the invocation that hands out the token is a task error
    // (Retry/Catch apply); the failed attempt's timeout and token end with it.
    m.lambdas.on('register', fail('Boom'), () => ({}));
    const run = m.start('BrokenRegister', { leadId: 'ld_1' });
    await m.runTo(2);
    const [broken, parked] = m.lambdas.of('register').map((c) => String(c.payload.token));
    expect(run.retries).toEqual(['BrokenRegister']);
    m.sfn.sendTaskSuccess(String(parked), { decision: 'touched' });
    await m.runTo(86_400);
    expect(run.status).toBe('SUCCEEDED');
    expect(m.lambdas.of('after')).toMatchObject([{ at: m.at(2) }]);
    expect(refusal(() => m.sfn.sendTaskSuccess(String(broken), {}))).toBe('TaskTimedOut');
  });
});

describe('task tokens', () => {
  m.snippets({
    TwoWaits: waitFor(
      'register',
      { ResultPath: '$.first', Next: 'SecondWait' },
      { meta: { 'callback.$': '$$.Task.Token', list: [{ 'again.$': '$$.Task.Token' }] } },
    ),
    SecondWait: waitFor(
      'register',
      { TimeoutSeconds: 5, ResultPath: '$.second', Catch: [catchTo('Expired', 'States.Timeout')], End: true },
      { meta: { 'callback.$': '$$.Task.Token' } },
    ),
    Expired: { Type: 'Succeed' },
  });

  it('each callback wait gets its own token, wherever the definition puts $$.Task.Token; used or expired tokens are refused', async () => {
    // Context Object: $$.Task.Token is the token of the current task. API reference: TaskTimedOut
    // for a token that expired or whose task is already closed.
    const run = m.start('TwoWaits');
    await m.runTo();
    const first = m.lambdas.of('register')[0]?.payload;
    const t1 = String(first?.token);
    expect(first).toEqual({ token: t1, meta: { callback: t1, list: [{ again: t1 }] } });
    m.sfn.sendTaskSuccess(t1, { ok: 1 });
    await m.runTo(1);
    const second = m.lambdas.of('register')[1]?.payload;
    const t2 = String(second?.token);
    expect(second).toEqual({ token: t2, meta: { callback: t2 } });
    expect(t2).not.toBe(t1);
    expect(refusal(() => m.sfn.sendTaskSuccess(t1, {}))).toBe('TaskTimedOut');
    await m.runTo();
    expect(run.path).toEqual(['Snippet', 'TwoWaits', 'SecondWait', 'Expired']);
    expect(refusal(() => m.sfn.sendTaskSuccess(t2, {}))).toBe('TaskTimedOut');
    expect(refusal(() => m.sfn.sendTaskHeartbeat(t2))).toBe('TaskTimedOut');
    expect(refusal(() => m.sfn.sendTaskFailure(t2, 'Late', ''))).toBe('TaskTimedOut');
    expect(refusal(() => m.sfn.sendTaskSuccess('never-issued', {}))).toBe('TaskDoesNotExist');
  });

  it('executions waiting in the same state get different tokens, and each token completes its own execution', async () => {
    // Context Object: the token identifies one task of one execution.
    const a = m.start('TwoWaits', { lead: 'a' });
    const b = m.start('TwoWaits', { lead: 'b' });
    await m.runTo();
    const [ta, tb] = m.lambdas.of('register').map((c) => String(c.payload.token));
    expect(ta).not.toBe(tb);
    m.sfn.sendTaskSuccess(String(tb), { for: 'b' });
    await m.runTo(1);
    expect(a.path).toEqual(['Snippet', 'TwoWaits']);
    expect(b.path).toEqual(['Snippet', 'TwoWaits', 'SecondWait']);
    m.sfn.sendTaskSuccess(String(ta), { for: 'a' });
    await m.runTo();
    expect([a.status, b.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });
});

describe('executions', () => {
  const stamp = {
    'start.$': '$$.Execution.StartTime',
    'name.$': '$$.Execution.Name',
    'id.$': '$$.Execution.Id',
    'label.$': "States.Format('{} since {}', $$.Execution.Name, $$.Execution.StartTime)",
  };
  m.snippets({
    Stamp: invoke('stamp', { ResultPath: null, Next: 'Pause' }, stamp),
    Pause: waitFor('register', {
      TimeoutSeconds: 60,
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'StampAgain' }],
      End: true,
    }),
    StampAgain: invoke('stamp', { End: true }, stamp),
    Idempotent: waitFor('register', { End: true }),
  });

  it('$$.Execution.StartTime and $$.Execution.Name are the execution’s, on the virtual clock', async () => {
    // Context Object: Execution.StartTime is when the execution started, Execution.Name its name.
    await m.runTo(3600);
    const run = m.start('Stamp', {}, 'late');
    await m.runTo();
    const stamps = m.lambdas.of('stamp');
    expect(stamps.map((c) => c.at)).toEqual([m.at(3600), m.at(3660)]);
    for (const { payload } of stamps)
      expect(payload).toEqual({
        start: m.at(3600),
        name: 'Stamp-late',
        id: run.arn,
        label: `Stamp-late since ${m.at(3600)}`,
      });
    expect(run.arn).toMatch(/:execution:conformance:Stamp-late$/);
  });

  it('StartExecution with the name of a running execution and the same input returns it; other input or a closed execution is refused', async () => {
    // StartExecution (Standard): same name and input as a running execution succeeds with the
    // original response; a different input, or a closed execution, gives ExecutionAlreadyExists.
    const input = { leadId: 'ld_1' };
    const first = m.start('Idempotent', input, 'dup');
    expect(m.start('Idempotent', input, 'dup')).toBe(first);
    expect(refusal(() => m.start('Idempotent', { leadId: 'ld_2' }, 'dup'))).toBe('ExecutionAlreadyExists');
    await m.runTo();
    expect(m.lambdas.of('register')).toHaveLength(1);
    m.sfn.sendTaskSuccess(m.lambdas.token('register'), {});
    await m.runTo();
    expect(first.status).toBe('SUCCEEDED');
    expect(refusal(() => m.start('Idempotent', input, 'dup'))).toBe('ExecutionAlreadyExists');
  });
});

describe('states the local engine refuses', () => {
  it.each(['Map', 'Parallel', 'Wait'])(
    'a %s state is refused when the engine is built, not run half outside it',
    (type) => {
      // Local guard: the library would run Tasks inside Map/Parallel without the engine's timeouts
      // and tokens, and Wait states on wall-clock timers instead of the virtual clock.
      const clock = new VirtualClock({ mode: 'manual', start: START });
      const definition = { StartAt: 'S', States: { S: { Type: type, End: true } } };
      expect(() => new LocalStepFunctions(definition, new FakeLambdas(clock), clock, 'x')).toThrow(
        `${type} states are not supported`,
      );
    },
  );

  it('a JSONata state machine or state is refused (the library would run it as JSONPath)', () => {
    const clock = new VirtualClock({ mode: 'manual', start: START });
    const pass = { S: { Type: 'Pass', End: true } };
    const machine = { QueryLanguage: 'JSONata', StartAt: 'S', States: pass };
    const state = { StartAt: 'S', States: { S: { ...pass.S, QueryLanguage: 'JSONata' } } };
    for (const definition of [machine, state])
      expect(() => new LocalStepFunctions(definition, new FakeLambdas(clock), clock, 'x')).toThrow(
        'JSONata is not supported',
      );
  });
});
