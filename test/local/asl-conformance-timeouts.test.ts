/**
 * Conformance of the local engine with Step Functions' task timeouts and heartbeats, as AWS
 * documents them (Amazon States Language spec, Step Functions developer guide "Error names",
 * Step Functions API reference). The library's deviations, and how the engine corrects them,
 * are listed in asl-conformance-support.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { catchTo, conformance, invoke, waitFor } from './asl-conformance-support.ts';

const m = conformance();

afterEach(() => {
  vi.useRealTimers();
});

describe('task timeouts', () => {
  m.snippets({
    PathTimeout: waitFor(
      'register',
      { TimeoutSecondsPath: '$.sla.seconds', Catch: [catchTo('Caught', 'States.Timeout')], End: true },
      { 'lead.$': '$.leadId' },
    ),
    StaticTimeout: waitFor('register', {
      TimeoutSeconds: 30,
      Catch: [catchTo('Caught', 'States.Timeout')],
      End: true,
    }),
    NoTimeout: waitFor('register', { ResultPath: '$.result', Next: 'After' }),
    After: invoke('after'),
    Caught: invoke('caught'),
  });

  it('TimeoutSecondsPath is resolved against the state input, not the Parameters output', async () => {
    // ASL spec, Task state: TimeoutSecondsPath is a Reference Path applied to the state's input.
    const run = m.start('PathTimeout', { leadId: 'ld_1', sla: { seconds: 90 } });
    await m.runTo(89);
    expect(run.status).toBe('RUNNING');
    // The handler gets exactly the Parameters' Payload: none of the engine's bookkeeping.
    expect(m.lambdas.of('register')[0]?.payload).toEqual({
      token: m.lambdas.token('register'),
      lead: 'ld_1',
    });
    await m.runTo();
    expect(m.lambdas.of('caught')).toMatchObject([
      { at: m.at(90), payload: { error: { Error: 'States.Timeout' } } },
    ]);
    expect(run.status).toBe('SUCCEEDED');
  });

  it('a callback Task with static TimeoutSeconds fails with States.Timeout at exactly that many seconds', async () => {
    // Error names: States.Timeout, a Task state ran longer than the TimeoutSeconds value.
    const run = m.start('StaticTimeout');
    await m.runTo(29);
    expect(m.lambdas.of('caught')).toEqual([]);
    await m.runTo();
    expect(m.lambdas.of('caught')).toMatchObject([
      { at: m.at(30), payload: { error: { Error: 'States.Timeout' } } },
    ]);
    expect(run.status).toBe('SUCCEEDED');
  });

  it('a callback Task without TimeoutSeconds never times out on its own; SendTaskSuccess completes it at ResultPath', async () => {
    // Developer guide, "Using timeouts to avoid stuck executions": without TimeoutSeconds a Task
    // waits for a response indefinitely. The library applies the States Language spec's default
    // (60 s) on a wall-clock timer, hence the faked timers.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const run = m.start('NoTimeout', { leadId: 'ld_1' });
    await m.runTo(1);
    vi.advanceTimersByTime(86_400_000);
    await m.runTo(86_400);
    expect(run.status).toBe('RUNNING');
    expect(run.path).toEqual(['Snippet', 'NoTimeout']);
    m.sfn.sendTaskSuccess(m.lambdas.token('register'), { decision: 'touched' });
    await m.runTo();
    expect(run.status).toBe('SUCCEEDED');
    expect(m.lambdas.of('after')).toMatchObject([
      { at: m.at(86_400), payload: { leadId: 'ld_1', result: { decision: 'touched' } } },
    ]);
  });
});

describe('heartbeats', () => {
  m.snippets({
    Heartbeating: waitFor('register', {
      HeartbeatSeconds: 10,
      TimeoutSeconds: 25,
      Catch: [catchTo('Caught', 'States.Timeout')],
      End: true,
    }),
    HeartbeatFromInput: waitFor('register', {
      HeartbeatSecondsPath: '$.heartbeat.seconds',
      TimeoutSeconds: 100,
      Catch: [catchTo('Caught', 'States.Timeout')],
      End: true,
    }),
    Caught: invoke('caught'),
  });

  it('HeartbeatSecondsPath is resolved against the state input; with no heartbeat the task fails after that many seconds', async () => {
    // ASL spec, Task state: HeartbeatSecondsPath is a Reference Path applied to the state's input.
    const run = m.start('HeartbeatFromInput', { heartbeat: { seconds: 7 } });
    await m.runTo(6);
    expect(run.status).toBe('RUNNING');
    await m.runTo();
    expect(m.lambdas.of('caught')).toMatchObject([
      { at: m.at(7), payload: { error: { Error: 'States.HeartbeatTimeout' } } },
    ]);
  });

  it('SendTaskHeartbeat re-arms the heartbeat clock; missing one fails with States.HeartbeatTimeout, which States.Timeout matches', async () => {
    // SendTaskHeartbeat resets the Heartbeat clock. Error names: States.Timeout also covers a
    // Task that failed to send a heartbeat for longer than HeartbeatSeconds.
    const run = m.start('Heartbeating');
    await m.runTo(4);
    m.sfn.sendTaskHeartbeat(m.lambdas.token('register'));
    await m.runTo(13);
    expect(run.status).toBe('RUNNING');
    await m.runTo();
    expect(m.lambdas.of('caught')).toMatchObject([
      { at: m.at(14), payload: { error: { Error: 'States.HeartbeatTimeout' } } },
    ]);
  });

  it('heartbeats do not extend TimeoutSeconds', async () => {
    // SendTaskHeartbeat: a task's Timeout is its maximum duration, whatever heartbeats arrive.
    m.start('Heartbeating');
    for (const second of [8, 16, 24]) {
      await m.runTo(second);
      m.sfn.sendTaskHeartbeat(m.lambdas.token('register'));
    }
    await m.runTo();
    expect(m.lambdas.of('caught')).toMatchObject([
      { at: m.at(25), payload: { error: { Error: 'States.Timeout' } } },
    ]);
  });
});

describe('timeouts in Retry and Catch', () => {
  m.snippets({
    TaskFailedAndTimeout: waitFor('register', {
      TimeoutSeconds: 5,
      Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2 }],
      Catch: [catchTo('WrongCatcher', 'States.TaskFailed'), catchTo('Caught', 'States.Timeout')],
      End: true,
    }),
    TaskFailedOnly: waitFor('register', {
      TimeoutSeconds: 5,
      Retry: [{ ErrorEquals: ['States.TaskFailed'] }],
      Catch: [catchTo('WrongCatcher', 'States.TaskFailed')],
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
  });

  it('States.TaskFailed does not match States.Timeout: the timeout goes to the States.Timeout catcher', async () => {
    // Error names: States.TaskFailed matches any known error name except States.Timeout.
    const run = m.start('TaskFailedAndTimeout');
    await m.runTo();
    expect(run.retries).toEqual([]);
    expect(m.lambdas.of('register')).toHaveLength(1);
    expect(m.lambdas.of('wrong-catcher')).toEqual([]);
    expect(m.lambdas.of('caught')).toMatchObject([{ at: m.at(5) }]);
    expect(run.status).toBe('SUCCEEDED');
  });

  it('with only States.TaskFailed in Retry and Catch, a timeout fails the execution', async () => {
    // Same rule; an error no retrier or catcher matches fails the execution.
    const run = m.start('TaskFailedOnly');
    await m.runTo();
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatch(/^States\.Timeout: /);
    expect(run.retries).toEqual([]);
    expect(m.lambdas.of('wrong-catcher')).toEqual([]);
  });

  it('States.ALL in a Retry retries a timed-out callback Task, with a new token and a new timeout', async () => {
    // Error names: States.ALL is a wildcard that matches any known error name.
    const run = m.start('RetryAll');
    await m.runTo();
    const attempts = m.lambdas.of('register');
    expect(attempts.map((c) => c.at)).toEqual([m.at(0), m.at(5)]);
    expect(attempts[0]?.payload.token).not.toBe(attempts[1]?.payload.token);
    expect(run.retries).toEqual(['RetryAll']);
    expect(m.lambdas.of('caught')).toMatchObject([
      { at: m.at(10), payload: { error: { Error: 'States.Timeout' } } },
    ]);
  });
});

describe('States.Runtime', () => {
  m.snippets({
    BadTimeout: waitFor('register', {
      TimeoutSecondsPath: '$.seconds',
      Retry: [{ ErrorEquals: ['States.ALL'] }],
      Catch: [catchTo('Caught', 'States.ALL')],
      End: true,
    }),
    Caught: invoke('caught'),
  });

  it.each([0, -5, 1.5, '30', null])(
    'a TimeoutSecondsPath resolving to %j fails the execution with States.Runtime, which not even States.ALL handles',
    async (seconds) => {
      // Error names: States.Runtime is not retriable, and a Retry or Catch on States.ALL does not
      // catch it. Task state: TimeoutSecondsPath must resolve to a positive integer.
      const run = m.start('BadTimeout', { seconds });
      await m.runTo();
      expect(run.status).toBe('FAILED');
      expect(run.error).toMatch(/^States\.Runtime: .*TimeoutSecondsPath/);
      expect(run.retries).toEqual([]);
      expect(m.lambdas.calls).toEqual([]);
    },
  );
});
