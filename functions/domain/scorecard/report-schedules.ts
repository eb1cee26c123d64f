/**
 * When the scheduled mails go out and which period each covers: the one definition the stack's
 * EventBridge Scheduler schedules are built from (infra/constructs/report-schedules.ts), which
 * the local runtime reads back from the synthesized template and runs on its clock.
 *
 * - The weekly digest, at `agreement.digest.weekday`/`localTime` in the unit's time zone, covers
 *   the seven local days before the day it is sent (Monday to Sunday with the default Monday).
 * - The pace alerts are checked every day at the same local time, on the month so far, and only
 *   on the unit's business days (a weekend or holiday moves no deadline and no commitment).
 * - The reps' daily digest (domain/rep-digest.ts) runs every hour at the configured minute: reps
 *   may keep their own calendars in other time zones, and the roster changes without a deploy,
 *   so no fixed set of local schedules can cover them. Each run mails the reps whose local time
 *   has just reached `email.repDigest.localTime`.
 */
import type { BusinessUnitConfig } from '../../../config/schema.ts';
import { addDays, type Instant, isBusinessDay, localDate, monthBounds, monthOf } from '../agreement/dates.ts';
import { digestSchedule } from './digest.ts';
import type { Period } from './types.ts';

export const REPORT_TASKS = ['weekly-digest', 'pace-alerts', 'rep-digest'] as const;
export type ReportTask = (typeof REPORT_TASKS)[number];

/**
 * EventBridge Scheduler replaces this placeholder in a target's input with the instant the
 * schedule fired for (not when the invocation ran), so a retried or late run covers the same
 * period as the first attempt.
 */
export const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

export interface ReportSchedule {
  /** Construct id and schedule name suffix. */
  id: 'WeeklyDigest' | 'PaceAlerts' | 'RepDigest';
  task: ReportTask;
  /** EventBridge Scheduler `cron(minutes hours day-of-month month day-of-week year)`. */
  expression: string;
  /** IANA time zone the expression is read in. */
  timezone: string;
  description: string;
  /** The target's input: the task and the scheduled time (a Scheduler context attribute). */
  input: { task: ReportTask; scheduledTime: string };
}

export function reportSchedules(config: BusinessUnitConfig): ReportSchedule[] {
  const digest = digestSchedule(config);
  const [hours, minutes] = digest.localTime.split(':').map(Number);
  const repDigest = config.email.repDigest;
  const rows: ReportSchedule[] = [
    {
      id: 'WeeklyDigest',
      task: 'weekly-digest',
      expression: digest.expression,
      timezone: digest.timezone,
      description: `Leadflow ${config.name}: the weekly scorecard digest to marketing and sales`,
      input: { task: 'weekly-digest', scheduledTime: SCHEDULED_TIME },
    },
    {
      id: 'PaceAlerts',
      task: 'pace-alerts',
      expression: `cron(${minutes} ${hours} * * ? *)`,
      timezone: digest.timezone,
      description: `Leadflow ${config.name}: daily check of both sides' pace against the agreement`,
      input: { task: 'pace-alerts', scheduledTime: SCHEDULED_TIME },
    },
  ];
  if (repDigest.enabled)
    rows.push({
      id: 'RepDigest',
      task: 'rep-digest',
      // Hourly in the unit's zone: a rep whose zone is off by a fraction of an hour gets it at
      // the first run after their local time (domain/rep-digest.ts).
      expression: `cron(${Number(repDigest.localTime.slice(3))} * * * ? *)`,
      timezone: config.timezone,
      description: `Leadflow ${config.name}: each rep's daily digest of their open leads, at ${repDigest.localTime} their time`,
      input: { task: 'rep-digest', scheduledTime: SCHEDULED_TIME },
    });
  return rows;
}

/** The seven local days before the day `at` falls on: what a digest sent at `at` reports. */
export function digestWeek(at: Instant, config: Pick<BusinessUnitConfig, 'timezone'>): Period {
  const today = localDate(at, config.timezone);
  return { from: addDays(today, -7), to: addDays(today, -1) };
}

/** The month `at` falls in (local): the period whose pace the alerts check. */
export const alertMonth = (at: Instant, config: Pick<BusinessUnitConfig, 'timezone'>): Period =>
  monthBounds(monthOf(localDate(at, config.timezone)));

/** Pace alerts are checked on the unit's business days only. */
export const checksPaceOn = (
  at: Instant,
  config: Pick<BusinessUnitConfig, 'timezone' | 'calendar'>,
): boolean => isBusinessDay(localDate(at, config.timezone), config.timezone, config.calendar);
