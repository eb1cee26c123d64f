/**
 * EventBridge Scheduler for the local runtime: the synthesized stack's schedules
 * (`SynthesizedUnit.schedules`, read from its AWS::Scheduler::Schedule resources) fire on the
 * runtime's clock, so with the manual or paced clock a week of digests and daily checks passes in
 * virtual time. Each firing invokes the target function (asynchronously, as Scheduler does) with
 * the schedule's input, its context attributes replaced: `<aws.scheduler.scheduled-time>` is the
 * instant the schedule fired for.
 *
 * Supported: `cron(minutes hours day-of-month month day-of-week year)` in the schedule's time
 * zone with `*`, `?`, numbers, names (JAN, MON), lists, ranges and steps. Anything else (`L`,
 * `W`, `#`, `rate()`, `at()`) is refused when the runtime starts rather than run differently
 * from AWS. Not
 * emulated: Scheduler's retries (a failed run is logged and kept in `runs`) and flexible windows.
 *
 * A schedule always has a next firing, so with the manual clock `runUntilIdle()` needs an
 * `until` once the scheduler runs (time would otherwise run on forever).
 */
import { DateTime } from 'luxon';
import type { SynthesizedSchedule } from '../../infra/synth.ts';
import type { LambdaInvoker } from './lambda-invoker.ts';
import type { VirtualClock } from './virtual-clock.ts';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** EventBridge numbers the week from Sunday: 1 = SUN ... 7 = SAT. */
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

type Field = Set<number> | 'any';

export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Field;
  months: Field;
  /** 1 (Sunday) to 7 (Saturday). */
  daysOfWeek: Field;
  years: Field;
}

function field(text: string, min: number, max: number, names: string[] = [], nameBase = min): Field {
  if (text === '*' || text === '?') return 'any';
  const value = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const n = named >= 0 ? named + nameBase : /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!(n >= min && n <= max)) throw new Error(`'${token}' is not a value from ${min} to ${max}`);
    return n;
  };
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!(Number.isInteger(step) && step > 0)) throw new Error(`'${part}' has an invalid step`);
    const [from, to] =
      range === '*'
        ? [min, max]
        : range.includes('-')
          ? (range.split('-').map(value) as [number, number])
          : [value(range), stepText === undefined ? value(range) : max];
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return values;
}

/** Parses an EventBridge Scheduler `cron(...)` expression (see the module comment for what is supported). */
export function parseCron(expression: string): CronSchedule {
  const body = /^cron\((.*)\)$/.exec(expression.trim())?.[1];
  const parts = body?.trim().split(/\s+/) ?? [];
  if (parts.length !== 6)
    throw new Error(`${expression}: the local scheduler runs cron(...) with six fields`);
  const [minutes, hours, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?'))
    throw new Error(`${expression}: exactly one of day-of-month and day-of-week must be '?'`);
  const all = (f: Field, max: number) =>
    f === 'any' ? new Set(Array.from({ length: max + 1 }, (_, i) => i)) : f;
  return {
    minutes: all(field(minutes, 0, 59), 59),
    hours: all(field(hours, 0, 23), 23),
    daysOfMonth: field(dom, 1, 31),
    months: field(month, 1, 12, MONTHS),
    daysOfWeek: field(dow, 1, 7, WEEKDAYS),
    years: field(year, 1970, 2199),
  };
}

const matches = (f: Field, n: number) => f === 'any' || f.has(n);

/** The first instant strictly after `after` the schedule fires at, in `timezone`. */
export function nextFireTime(cron: CronSchedule, timezone: string, after: Date): Date {
  const start = DateTime.fromJSDate(after, { zone: timezone });
  if (!start.isValid) throw new Error(`unknown time zone ${timezone}`);
  const hours = [...cron.hours].sort((a, b) => a - b);
  const minutes = [...cron.minutes].sort((a, b) => a - b);
  // Eight years covers every satisfiable expression (29 February on a given weekday included).
  for (let day = start.startOf('day'), i = 0; i < 366 * 8; day = day.plus({ days: 1 }), i++) {
    const weekday = (day.weekday % 7) + 1; // luxon: 1 = Monday ... 7 = Sunday
    if (!matches(cron.years, day.year) || !matches(cron.months, day.month)) continue;
    if (!matches(cron.daysOfMonth, day.day) || !matches(cron.daysOfWeek, weekday)) continue;
    for (const hour of hours)
      for (const minute of minutes) {
        // A local time that does not exist (the spring-forward gap) fires at the shifted instant.
        const at = day.set({ hour, minute });
        if (at.toMillis() > after.getTime()) return at.toJSDate();
      }
  }
  throw new Error('the schedule never fires');
}

export interface ScheduledRun {
  schedule: string;
  scheduledTime: string;
  error?: string;
}

/** Scheduler's format for `<aws.scheduler.scheduled-time>`: ISO 8601 in UTC, to the second. */
const schedulerTime = (at: Date) => `${at.toISOString().slice(0, 19)}Z`;

export class LocalScheduler {
  private readonly cancels = new Map<string, () => void>();
  private readonly parsed: Array<SynthesizedSchedule & { cron: CronSchedule }>;
  /** Every firing so far, oldest first (what `/_local` views and tests read). */
  readonly runs: ScheduledRun[] = [];
  private executions = 0;

  constructor(
    schedules: readonly SynthesizedSchedule[],
    private readonly invoker: LambdaInvoker,
    private readonly clock: VirtualClock,
  ) {
    this.parsed = schedules.map((s) => {
      try {
        return { ...s, cron: parseCron(s.expression) };
      } catch (error) {
        throw new Error(`schedule ${s.id}: ${(error as Error).message}`);
      }
    });
  }

  /** Arms every schedule from now: each fires at its next instant, then at the one after. */
  start(): void {
    for (const schedule of this.parsed) this.arm(schedule, this.clock.now());
  }

  stop(): void {
    for (const cancel of this.cancels.values()) cancel();
    this.cancels.clear();
  }

  private arm(schedule: (typeof this.parsed)[number], after: Date): void {
    const due = nextFireTime(schedule.cron, schedule.timezone, after);
    this.cancels.set(
      schedule.id,
      this.clock.at(due, () => {
        this.arm(schedule, due);
        void this.fire(schedule, due);
      }),
    );
  }

  private async fire(schedule: SynthesizedSchedule, due: Date): Promise<void> {
    const run: ScheduledRun = { schedule: schedule.id, scheduledTime: schedulerTime(due) };
    this.runs.push(run);
    const input = schedule.input
      .replaceAll('<aws.scheduler.scheduled-time>', run.scheduledTime)
      .replaceAll('<aws.scheduler.execution-id>', `local-${++this.executions}`)
      .replaceAll('<aws.scheduler.attempt-number>', '1')
      .replaceAll(
        '<aws.scheduler.schedule-arn>',
        `arn:aws:scheduler:local:000000000000:schedule/default/${schedule.id}`,
      );
    try {
      await this.invoker.invoke(schedule.handler, JSON.parse(input));
    } catch (error) {
      run.error = (error as Error).message;
      console.warn(
        `Schedule ${schedule.id} (${run.scheduledTime}): ${schedule.handler} failed: ${run.error}`,
      );
    }
  }
}
