import { describe, expect, it } from 'vitest';
import demo from '../../config/business-units/demo.ts';
import { BusinessUnitConfig } from '../../config/schema.ts';
import {
  deadlineAfter,
  type FirstTouchState,
  firstTouchPlan,
  nextFirstTouchStep,
  timeoutSecondsUntil,
} from '../../functions/domain/sla-policy.ts';

// Demo: 60 business minutes to first touch, reminder at 75%, escalation +30 then +60 minutes;
// Berlin 09:00-17:00 on weekdays (UTC+2 in June).
const { sla, calendar } = BusinessUnitConfig.parse(demo);

describe('timeoutSecondsUntil', () => {
  it('rounds up to whole seconds and never goes below one', () => {
    expect(timeoutSecondsUntil('2026-06-15T10:00:00Z', '2026-06-15T10:00:00.001Z')).toBe(1);
    expect(timeoutSecondsUntil('2026-06-15T10:00:00Z', '2026-06-15T10:00:01.500Z')).toBe(2);
    expect(timeoutSecondsUntil(new Date('2026-06-15T10:00:00Z'), new Date('2026-06-15T11:00:00Z'))).toBe(
      3600,
    );
    expect(timeoutSecondsUntil('2026-06-15T10:00:00Z', '2026-06-15T10:00:00Z')).toBe(1);
    expect(timeoutSecondsUntil('2026-06-15T10:00:00Z', '2026-06-14T10:00:00Z')).toBe(1);
  });

  it('keeps the milliseconds of a Date', () => {
    expect(timeoutSecondsUntil('2026-06-15T10:00:00Z', new Date('2026-06-15T10:00:01.500Z'))).toBe(2);
    expect(
      timeoutSecondsUntil(new Date('2026-06-15T10:00:00.600Z'), new Date('2026-06-15T10:00:01.500Z')),
    ).toBe(1);
  });

  it('rejects an unreadable instant and shows it', () => {
    expect(() => timeoutSecondsUntil('soon', '2026-06-15T10:00:00Z')).toThrow(
      new RangeError("invalid instant 'soon'"),
    );
    expect(() => timeoutSecondsUntil('2026-06-15T10:00:00Z', new Date(Number.NaN))).toThrow(
      new RangeError("invalid instant 'Invalid Date'"),
    );
  });
});

describe('firstTouchPlan timing details', () => {
  it('keeps sub-second assignment times', () => {
    const plan = firstTouchPlan(new Date('2026-06-15T08:00:00.250Z'), sla, calendar);
    expect(plan.state.assignedAt).toBe('2026-06-15T08:00:00.250Z');
    expect(plan.followUpDueAt).toBe('2026-06-15T09:00:00.250Z');
    expect(plan.reminderAt).toBe('2026-06-15T08:45:00.250Z');
  });

  it('waits for the deadline when planned exactly at the reminder time', () => {
    const plan = firstTouchPlan('2026-06-15T08:00:00Z', sla, calendar, { now: '2026-06-15T08:45:00Z' });
    expect(plan).toMatchObject({ waitUntil: '2026-06-15T09:00:00.000Z', timeoutSeconds: 900 });
    const early = firstTouchPlan('2026-06-15T08:00:00Z', sla, calendar, { now: '2026-06-15T08:44:59Z' });
    expect(early).toMatchObject({ waitUntil: '2026-06-15T08:45:00.000Z', timeoutSeconds: 1 });
  });
});

describe('nextFirstTouchStep at the edges of the ladder', () => {
  /** Assigned Monday 16:00 Berlin: due at the 17:00 close. */
  const closing = (overrides: Partial<FirstTouchState> = {}): FirstTouchState => ({
    assignedAt: '2026-06-15T14:00:00.000Z',
    followUpDueAt: '2026-06-15T15:00:00.000Z',
    reminderSent: true,
    escalationLevel: 0,
    reassignments: 0,
    ...overrides,
  });
  const flat = { ...sla, escalation: [] };

  it('without escalation levels, reassigns at the closing-time deadline itself, not next morning', () => {
    const due = new Date('2026-06-15T15:00:00Z');
    expect(nextFirstTouchStep(closing(), due, flat, calendar)).toEqual({
      decision: 'breach',
      notify: ['rep', 'manager'],
      state: closing({ escalationLevel: 1 }),
      waitUntil: '2026-06-15T15:00:00.000Z',
      timeoutSeconds: 1,
    });
    expect(nextFirstTouchStep(closing({ escalationLevel: 1 }), due, flat, calendar)).toEqual({
      decision: 'reassign',
      reassignments: 1,
    });
  });

  it('waits for the last alert instant when woken early after the last level', () => {
    const state = closing({ escalationLevel: 1 });
    expect(nextFirstTouchStep(state, new Date('2026-06-15T14:59:00Z'), flat, calendar)).toEqual({
      decision: 'wait',
      state,
      waitUntil: '2026-06-15T15:00:00.000Z',
      timeoutSeconds: 60,
    });
    // With the demo ladder the last alert (level 2) is 90 business minutes after the deadline.
    const laddered = closing({ escalationLevel: 3 });
    expect(nextFirstTouchStep(laddered, new Date('2026-06-16T08:00:00Z'), sla, calendar)).toEqual({
      decision: 'wait',
      state: laddered,
      waitUntil: '2026-06-16T08:30:00.000Z',
      timeoutSeconds: 1800,
    });
    expect(nextFirstTouchStep(laddered, new Date('2026-06-16T08:30:00Z'), sla, calendar)).toEqual({
      decision: 'reassign',
      reassignments: 1,
    });
  });
});

describe('deadlineAfter', () => {
  it('counts business minutes from the start and waits from now, or from the start by default', () => {
    // Friday 16:30 Berlin + 60 business minutes: Monday 09:30.
    expect(deadlineAfter('2026-06-12T14:30:00Z', 60, calendar)).toEqual({
      dueAt: '2026-06-15T07:30:00.000Z',
      timeoutSeconds: (72 - 7) * 3600,
    });
    expect(deadlineAfter('2026-06-12T14:30:00Z', 60, calendar, '2026-06-15T07:00:00Z')).toEqual({
      dueAt: '2026-06-15T07:30:00.000Z',
      timeoutSeconds: 1800,
    });
    expect(deadlineAfter(new Date('2026-06-12T14:30:00Z'), 60, calendar, '2026-06-16T00:00:00Z')).toEqual({
      dueAt: '2026-06-15T07:30:00.000Z',
      timeoutSeconds: 1,
    });
  });
});
