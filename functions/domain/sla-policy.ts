/**
 * Sales SLA policy: deadlines in business time and the first-touch escalation ladder.
 *
 * All deadlines count business minutes on the applicable calendar (the rep's, else the
 * unit's; the caller picks). Every wait carries `timeoutSeconds`, an integer >= 1 as Step
 * Functions requires, and `waitUntil`, the instant the wait is for (in the past when the
 * workflow is catching up, in which case timeoutSeconds is 1).
 *
 * The first-touch ladder. `nextFirstTouchStep` is called whenever a wait ends without a touch
 * (timeout, or an unrelated event woke the lead) and returns exactly one rung; the workflow
 * performs it, stores `state`, and waits again. Rungs, per assignment (due = followUpDueAt,
 * E = sla.escalation.length, cum(k) = sum of the first k escalation `afterMinutes`):
 *   reminder    at assignedAt + reminderAtPercent% of firstTouchMinutes      -> 'remind' (rep)
 *   breach      at due                                                     -> 'breach' (rep, manager)
 *   level k     at due + cum(k) business minutes, k = 1..E                  -> 'escalate' (escalation[k-1].notify)
 *   final       at the same instant as the last alert (level E, or breach if E = 0):
 *               'reassign' while reassignments < maxReassignments (the workflow routes to
 *               another rep and starts a fresh ladder with `firstTouchPlan`), else
 *               'escalation-exhausted' (manager, ops): the rep keeps the lead and the workflow
 *               waits for a touch until a hard bound of outcomeMinutes business minutes later
 *   hard bound  -> 'give-up' (ops): terminal; the workflow hands the lead to the fallback queue.
 * Rungs fire one per call and in order, so a late wake-up catches up alert by alert (1 s apart)
 * rather than dropping alerts. The one exception: a reminder not yet sent when the deadline has
 * already passed is skipped, because a "due soon" reminder after the breach is noise.
 * A wake-up before the next rung's instant returns 'wait' with the same state.
 *
 * `escalationLevel` in the state: 0 = not breached, 1 = breach alerted, 1 + k = level k alerted,
 * E + 2 = exhaustion alerted.
 */
import type { AlertAudience, BusinessCalendar, SlaConfig } from '../../config/schema.ts';
import { addBusinessMinutes, businessMinutesBetween } from './business-hours.ts';

export interface FirstTouchState {
  assignedAt: string;
  followUpDueAt: string;
  reminderSent: boolean;
  escalationLevel: number;
  reassignments: number;
}

export interface Wait {
  waitUntil: string;
  timeoutSeconds: number;
}

export type FirstTouchStep =
  | ({ decision: 'wait'; state: FirstTouchState } & Wait)
  | ({ decision: 'remind'; notify: AlertAudience[]; state: FirstTouchState } & Wait)
  | ({ decision: 'breach'; notify: AlertAudience[]; state: FirstTouchState } & Wait)
  | ({ decision: 'escalate'; level: number; notify: AlertAudience[]; state: FirstTouchState } & Wait)
  | { decision: 'reassign'; reassignments: number }
  | ({ decision: 'escalation-exhausted'; notify: AlertAudience[]; state: FirstTouchState } & Wait)
  | { decision: 'give-up'; notify: AlertAudience[] };

export interface FirstTouchPlan extends Wait {
  followUpDueAt: string;
  reminderAt: string;
  state: FirstTouchState;
}

type Instant = Date | string;

function toMs(t: Instant): number {
  const ms = typeof t === 'string' ? Date.parse(t) : t.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`invalid instant '${String(t)}'`);
  return ms;
}

const iso = (ms: number): string => new Date(ms).toISOString();

const secondsBetween = (from: number, to: number): number => Math.max(1, Math.ceil((to - from) / 1000));

/** Whole seconds from `now` until `until`, rounded up, at least 1 (Step Functions' minimum). */
export function timeoutSecondsUntil(now: Instant, until: Instant): number {
  return secondsBetween(toMs(now), toMs(until));
}

function waitFor(now: number, until: number): Wait {
  return { waitUntil: iso(until), timeoutSeconds: secondsBetween(now, until) };
}

function addMinutes(from: number, minutes: number, calendar: BusinessCalendar): number {
  return addBusinessMinutes(new Date(from), minutes, calendar).getTime();
}

const reminderMinutes = (sla: SlaConfig): number => (sla.firstTouchMinutes * sla.reminderAtPercent) / 100;

export function reminderTime(assignedAt: Instant, sla: SlaConfig, calendar: BusinessCalendar): Date {
  return new Date(addMinutes(toMs(assignedAt), reminderMinutes(sla), calendar));
}

export function firstTouchPlan(
  assignedAt: Instant,
  sla: SlaConfig,
  calendar: BusinessCalendar,
  options: { now?: Instant; reassignments?: number } = {},
): FirstTouchPlan {
  const assigned = toMs(assignedAt);
  const now = options.now === undefined ? assigned : toMs(options.now);
  const due = addMinutes(assigned, sla.firstTouchMinutes, calendar);
  const reminder = addMinutes(assigned, reminderMinutes(sla), calendar);
  const state: FirstTouchState = {
    assignedAt: iso(assigned),
    followUpDueAt: iso(due),
    reminderSent: false,
    escalationLevel: 0,
    reassignments: options.reassignments ?? 0,
  };
  return {
    followUpDueAt: iso(due),
    reminderAt: iso(reminder),
    ...waitFor(now, now < reminder ? reminder : due),
    state,
  };
}

/** Instant of rung k after the deadline: 0 = breach, k = escalation level k. */
function rungAt(due: number, k: number, sla: SlaConfig, calendar: BusinessCalendar): number {
  const minutes = sla.escalation.slice(0, k).reduce((sum, level) => sum + level.afterMinutes, 0);
  // Zero minutes must stay at `due`, even when due is a closing instant (17:00).
  return minutes === 0 ? due : addMinutes(due, minutes, calendar);
}

export function nextFirstTouchStep(
  state: FirstTouchState,
  now: Date,
  sla: SlaConfig,
  calendar: BusinessCalendar,
): FirstTouchStep {
  const at = toMs(now);
  const due = toMs(state.followUpDueAt);
  const levels = sla.escalation.length;
  const level = state.escalationLevel;

  if (level <= 0) {
    if (at >= due) {
      const next = { ...state, escalationLevel: 1 };
      return {
        decision: 'breach',
        notify: ['rep', 'manager'],
        state: next,
        ...waitFor(at, rungAt(due, 1, sla, calendar)),
      };
    }
    if (state.reminderSent) return { decision: 'wait', state, ...waitFor(at, due) };
    const reminder = reminderTime(state.assignedAt, sla, calendar).getTime();
    if (at < reminder) return { decision: 'wait', state, ...waitFor(at, reminder) };
    return {
      decision: 'remind',
      notify: ['rep'],
      state: { ...state, reminderSent: true },
      ...waitFor(at, due),
    };
  }

  if (level <= levels) {
    const levelAt = rungAt(due, level, sla, calendar);
    if (at < levelAt) return { decision: 'wait', state, ...waitFor(at, levelAt) };
    const notify = sla.escalation[level - 1]?.notify ?? ['manager'];
    const next = { ...state, escalationLevel: level + 1 };
    const nextAt = rungAt(due, Math.min(level + 1, levels), sla, calendar);
    return { decision: 'escalate', level, notify, state: next, ...waitFor(at, nextAt) };
  }

  const lastAlertAt = rungAt(due, levels, sla, calendar);
  if (level === levels + 1) {
    if (at < lastAlertAt) return { decision: 'wait', state, ...waitFor(at, lastAlertAt) };
    if (state.reassignments < sla.maxReassignments) {
      return { decision: 'reassign', reassignments: state.reassignments + 1 };
    }
    const next = { ...state, escalationLevel: levels + 2 };
    const hardBound = addMinutes(lastAlertAt, sla.outcomeMinutes, calendar);
    return {
      decision: 'escalation-exhausted',
      notify: ['manager', 'ops'],
      state: next,
      ...waitFor(at, hardBound),
    };
  }

  const hardBound = addMinutes(lastAlertAt, sla.outcomeMinutes, calendar);
  if (at < hardBound) return { decision: 'wait', state, ...waitFor(at, hardBound) };
  return { decision: 'give-up', notify: ['ops'] };
}

/** A deadline `minutes` business minutes after `from`, and the wait until it as seen at `now`. */
export function deadlineAfter(
  from: Instant,
  minutes: number,
  calendar: BusinessCalendar,
  now: Instant = from,
): { dueAt: string; timeoutSeconds: number } {
  const dueAt = addMinutes(toMs(from), minutes, calendar);
  return { dueAt: iso(dueAt), timeoutSeconds: secondsBetween(toMs(now), dueAt) };
}

/** Accept or reject within `acceptanceMinutes` of the touch. */
export function acceptancePlan(
  touchedAt: Instant,
  sla: SlaConfig,
  calendar: BusinessCalendar,
  now?: Instant,
) {
  const { dueAt, timeoutSeconds } = deadlineAfter(touchedAt, sla.acceptanceMinutes, calendar, now);
  return { acceptanceDueAt: dueAt, timeoutSeconds };
}

/** Record won or lost within `outcomeMinutes` of the acceptance. */
export function outcomePlan(acceptedAt: Instant, sla: SlaConfig, calendar: BusinessCalendar, now?: Instant) {
  const { dueAt, timeoutSeconds } = deadlineAfter(acceptedAt, sla.outcomeMinutes, calendar, now);
  return { outcomeDueAt: dueAt, timeoutSeconds };
}

/** A first touch counts once the rep logged at least `minTouchAttempts` attempts. */
export function touchSatisfiesSla(touchAttempts: number, sla: SlaConfig): boolean {
  return touchAttempts >= sla.minTouchAttempts;
}

/** Business minutes from assignment to first touch, for reports. */
export function slaElapsed(assignedAt: Instant, touchedAt: Instant, calendar: BusinessCalendar): number {
  return businessMinutesBetween(new Date(toMs(assignedAt)), new Date(toMs(touchedAt)), calendar);
}
