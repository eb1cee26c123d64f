/**
 * The local EventBridge Scheduler: cron expressions read as Scheduler reads them (six fields,
 * day-of-week 1 = Sunday, in the schedule's time zone, across DST changes), firings on the
 * virtual clock with the scheduled time in the input, again and again, and nothing after stop.
 */
import { describe, expect, it } from 'vitest';
import type { SynthesizedSchedule } from '../../infra/synth.ts';
import type { LambdaInvoker } from '../../local/runtime/lambda-invoker.ts';
import { LocalScheduler, nextFireTime, parseCron } from '../../local/runtime/local-scheduler.ts';
import { VirtualClock } from '../../local/runtime/virtual-clock.ts';

const next = (expression: string, zone: string, after: string) =>
  nextFireTime(parseCron(expression), zone, new Date(after)).toISOString();

describe('cron expressions', () => {
  it("fire at the next matching local time in the schedule's zone", () => {
    // Monday 08:00 in Berlin: CET (UTC+1) in March before the change, CEST (UTC+2) after it.
    expect(next('cron(0 8 ? * MON *)', 'Europe/Berlin', '2027-03-20T12:00:00Z')).toBe(
      '2027-03-22T07:00:00.000Z',
    );
    expect(next('cron(0 8 ? * MON *)', 'Europe/Berlin', '2027-03-22T07:00:00Z')).toBe(
      '2027-03-29T06:00:00.000Z',
    );
    // Numbered weekdays count from Sunday (2 = Monday); a list and a range.
    expect(next('cron(30 7 ? * 2 *)', 'Europe/Berlin', '2027-03-20T12:00:00Z')).toBe(
      '2027-03-22T06:30:00.000Z',
    );
    expect(next('cron(0 9,17 ? * MON-FRI *)', 'UTC', '2027-03-19T17:00:00Z')).toBe(
      '2027-03-22T09:00:00.000Z',
    );
    // Every day at 08:00 New York time, over the year end.
    expect(next('cron(0 8 * * ? *)', 'America/New_York', '2026-12-31T14:00:00Z')).toBe(
      '2027-01-01T13:00:00.000Z',
    );
    // Steps, a day of the month, a month name and a year.
    expect(next('cron(*/15 * * * ? *)', 'UTC', '2027-03-22T10:07:00Z')).toBe('2027-03-22T10:15:00.000Z');
    expect(next('cron(0 6 1 JAN ? 2028)', 'UTC', '2027-03-22T10:07:00Z')).toBe('2028-01-01T06:00:00.000Z');
  });

  it('fire once at the shifted instant when the local time does not exist (the spring-forward gap)', () => {
    // Berlin skips 02:00-03:00 on 28 March 2027.
    expect(next('cron(30 2 * * ? *)', 'Europe/Berlin', '2027-03-27T12:00:00Z')).toBe(
      '2027-03-28T01:30:00.000Z',
    );
  });

  it('are refused when the local scheduler cannot run them as AWS does', () => {
    expect(() => parseCron('rate(1 day)')).toThrow('six fields');
    expect(() => parseCron('cron(0 8 * * *)')).toThrow('six fields');
    expect(() => parseCron('cron(0 8 ? * MON#2 *)')).toThrow("'MON#2' is not a value");
    expect(() => parseCron('cron(0 8 L * ? *)')).toThrow("'L' is not a value");
    expect(() => parseCron('cron(0 8 * * MON *)')).toThrow(
      "exactly one of day-of-month and day-of-week must be '?'",
    );
    expect(() => parseCron('cron(60 8 * * ? *)')).toThrow("'60' is not a value from 0 to 59");
  });
});

describe('the scheduler on the virtual clock', () => {
  const schedule: SynthesizedSchedule = {
    id: 'WeeklyDigest',
    expression: 'cron(0 8 ? * MON *)',
    timezone: 'Europe/Berlin',
    handler: 'scorecard-mail',
    input: JSON.stringify({ task: 'weekly-digest', scheduledTime: '<aws.scheduler.scheduled-time>' }),
  };

  it('invokes the target with the scheduled time at each firing, until stopped', async () => {
    const clock = new VirtualClock({ mode: 'manual', start: new Date('2027-03-17T10:00:00Z') });
    const calls: Array<{ handler: string; event: unknown; at: string }> = [];
    const invoker = {
      invoke: (handler: string, event: unknown) =>
        clock.track(async () => {
          calls.push({ handler, event, at: clock.now().toISOString() });
        }),
    } as unknown as LambdaInvoker;
    const scheduler = new LocalScheduler([schedule], invoker, clock);
    scheduler.start();
    await clock.runUntilIdle(new Date('2027-04-01T00:00:00Z'));
    expect(calls).toEqual(
      ['2027-03-22T07:00:00', '2027-03-29T06:00:00'].map((t) => ({
        handler: 'scorecard-mail',
        event: { task: 'weekly-digest', scheduledTime: `${t}Z` },
        at: `${t}.000Z`,
      })),
    );
    expect(scheduler.runs).toEqual([
      { schedule: 'WeeklyDigest', scheduledTime: '2027-03-22T07:00:00Z' },
      { schedule: 'WeeklyDigest', scheduledTime: '2027-03-29T06:00:00Z' },
    ]);
    scheduler.stop();
    await clock.runUntilIdle(new Date('2027-05-01T00:00:00Z'));
    expect(calls).toHaveLength(2);
  });

  it('keeps firing after a failed run, and records the failure', async () => {
    const clock = new VirtualClock({ mode: 'manual', start: new Date('2027-03-17T10:00:00Z') });
    let calls = 0;
    const invoker = {
      invoke: () =>
        clock.track(async () => {
          if (++calls === 1) throw new Error('SES throttled');
        }),
    } as unknown as LambdaInvoker;
    const scheduler = new LocalScheduler([schedule], invoker, clock);
    const warn = console.warn;
    console.warn = () => {};
    try {
      scheduler.start();
      await clock.runUntilIdle(new Date('2027-04-01T00:00:00Z'));
    } finally {
      console.warn = warn;
      scheduler.stop();
    }
    expect(scheduler.runs.map((r) => r.error)).toEqual(['SES throttled', undefined]);
  });

  it('refuses an expression it cannot run when it is built, naming the schedule', () => {
    const clock = new VirtualClock({ mode: 'manual' });
    expect(
      () => new LocalScheduler([{ ...schedule, expression: 'rate(7 days)' }], {} as LambdaInvoker, clock),
    ).toThrow('schedule WeeklyDigest: rate(7 days)');
  });
});
