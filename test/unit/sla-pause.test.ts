/**
 * A paused SLA clock: the paused time is no business time for the lead (business-hours.ts
 * `withPauses`), and resuming moves each deadline ahead of the pause on by the business time
 * that was left of it (sla-pause.ts). Berlin business hours, Mon-Fri 09:00-17:00.
 */
import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '../../config/schema.ts';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  withPauses,
} from '../../functions/domain/business-hours.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import { resumeChange, shiftedDeadline } from '../../functions/domain/sla-pause.ts';
import { firstTouchPlan, nextFirstTouchStep } from '../../functions/domain/sla-policy.ts';
import { unitConfig } from '../support/unit-config.ts';

const day = [['09:00', '17:00']] as [string, string][];
const berlin: BusinessCalendar = {
  timezone: 'Europe/Berlin',
  weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] },
  holidays: [],
} as BusinessCalendar;

// Monday 23 March 2026; Berlin is UTC+1.
const at = (hhmm: string, date = '2026-03-23') => new Date(`${date}T${hhmm}:00+01:00`);
const pause = { from: at('10:00').toISOString(), to: at('11:30').toISOString() };

describe('business time with a pause', () => {
  it('counts no minute inside the pause', () => {
    expect(businessMinutesBetween(at('09:00'), at('12:00'), berlin)).toBe(180);
    expect(businessMinutesBetween(at('09:00'), at('12:00'), withPauses(berlin, [pause]))).toBe(90);
    expect(businessMinutesBetween(at('10:15'), at('11:15'), withPauses(berlin, [pause]))).toBe(0);
  });

  it('moves a deadline on by the business time paused', () => {
    expect(addBusinessMinutes(at('09:30'), 60, berlin)).toEqual(at('10:30'));
    expect(addBusinessMinutes(at('09:30'), 60, withPauses(berlin, [pause]))).toEqual(at('12:00'));
  });

  it('counts only the open part of a pause that runs past closing time', () => {
    const overnight = { from: at('16:00').toISOString(), to: at('10:00', '2026-03-24').toISOString() };
    // 16:00-17:00 and 09:00-10:00 paused: two business hours.
    expect(addBusinessMinutes(at('15:00'), 120, withPauses(berlin, [overnight]))).toEqual(
      at('11:00', '2026-03-24'),
    );
  });

  it('is the calendar itself without pauses', () => {
    expect(withPauses(berlin, [])).toBe(berlin);
    expect(withPauses(berlin, undefined)).toBe(berlin);
  });
});

describe('resuming the clock', () => {
  it('moves a deadline ahead of the pause by what was left of it, and leaves an earlier one', () => {
    // Due 10:30, paused 10:00-11:30 with 30 minutes left: due 12:00.
    expect(shiftedDeadline(at('10:30').toISOString(), pause, berlin)).toBe(at('12:00').toISOString());
    expect(shiftedDeadline(at('09:45').toISOString(), pause, berlin)).toBe(at('09:45').toISOString());
  });

  it('moves the first-touch deadline and the ladder so no rung fires inside the paused time', () => {
    const config = unitConfig();
    const plan = firstTouchPlan(at('09:30'), config.sla, berlin);
    expect(plan.followUpDueAt).toBe(at('10:30').toISOString());
    const lead = {
      leadId: 'ld_x',
      stage: 'assigned',
      sla: {
        followUpDueAt: plan.followUpDueAt,
        reminderAt: plan.reminderAt,
        ladder: plan.state,
        pausedAt: pause.from,
      },
    } as unknown as Lead;
    const set = resumeChange(lead, new Date(pause.to), berlin);
    expect(set['sla.followUpDueAt']).toBe(at('12:00').toISOString());
    expect(set['sla.pausedAt']).toBeUndefined();
    expect(set['sla.pauses']).toEqual([pause]);
    const ladder = set['sla.ladder'] as typeof plan.state;
    expect(ladder.followUpDueAt).toBe(at('12:00').toISOString());
    // At 11:45 (75 business minutes after assignment, 45 of them unpaused) nothing is due yet
    // but the reminder; without the pause the lead would have breached at 10:30.
    const calendar = withPauses(berlin, [pause]);
    const step = nextFirstTouchStep(ladder, at('11:45'), config.sla, calendar);
    expect(step.decision).not.toBe('breach');
    expect(nextFirstTouchStep(ladder, at('12:00'), config.sla, calendar).decision).toBe('breach');
  });
});
