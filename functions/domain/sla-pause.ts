/**
 * Pausing a lead's SLA clock. While paused, no business time passes for the lead; when the
 * clock resumes, each deadline still ahead of the pause moves on by exactly the business time
 * that was left of it when the pause began, and the pause is kept on the lead so every later
 * count on its calendar (the reminder, the escalation rungs, the minutes waited) skips it too
 * (business-hours.ts `withPauses`).
 */
import type { BusinessCalendar } from '../../config/schema.ts';
import { addBusinessMinutes, businessMinutesBetween } from './business-hours.ts';
import type { Lead, SlaPause, Stage } from './lead.ts';

/** The stages whose running deadline a pause can stop: the first touch and the decision. */
export const PAUSABLE_STAGES: readonly Stage[] = ['assigned', 'touched'];
/** Pauses kept on a lead; older ones are dropped (their deadlines were moved long ago). */
export const MAX_KEPT_PAUSES = 20;

const SHIFTED = ['followUpDueAt', 'reminderAt', 'acceptanceDueAt', 'outcomeDueAt'] as const;

/** A deadline after a pause: moved on by the business time that was left of it at the pause. */
export function shiftedDeadline(due: string, pause: SlaPause, calendar: BusinessCalendar): string {
  if (Date.parse(due) <= Date.parse(pause.from)) return due;
  const left = businessMinutesBetween(new Date(pause.from), new Date(due), calendar);
  return addBusinessMinutes(new Date(pause.to), left, calendar).toISOString();
}

/** The `sla.*` fields to set when the clock paused at `pausedAt` resumes at `now`. */
export function resumeChange(lead: Lead, now: Date, calendar: BusinessCalendar): Record<string, unknown> {
  const sla = lead.sla ?? {};
  if (!sla.pausedAt) throw new Error(`Lead ${lead.leadId} is not paused`);
  const pause: SlaPause = { from: sla.pausedAt, to: now.toISOString() };
  const set: Record<string, unknown> = {
    'sla.pausedAt': undefined,
    'sla.pauses': [...(sla.pauses ?? []), pause].slice(-MAX_KEPT_PAUSES),
  };
  for (const field of SHIFTED) {
    const due = sla[field];
    if (due) set[`sla.${field}`] = shiftedDeadline(due, pause, calendar);
  }
  if (sla.ladder)
    set['sla.ladder'] = {
      ...sla.ladder,
      followUpDueAt: shiftedDeadline(sla.ladder.followUpDueAt, pause, calendar),
    };
  return set;
}
