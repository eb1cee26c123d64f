import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import demo from '../../config/business-units/demo.ts';
import emea from '../../config/business-units/emea.ts';
import { BusinessUnitConfig } from '../../config/schema.ts';
import {
  acceptancePlan,
  type FirstTouchState,
  type FirstTouchStep,
  firstTouchPlan,
  nextFirstTouchStep,
  outcomePlan,
  slaElapsed,
  touchSatisfiesSla,
} from '../../functions/domain/sla-policy.ts';

// Demo: 60 business minutes to first touch, reminder at 75%, escalation +30 (rep, manager)
// then +60 (manager, ops), one reassignment; Berlin 09:00-17:00 on weekdays.
const { sla, calendar } = BusinessUnitConfig.parse(demo);
const emeaSla = BusinessUnitConfig.parse(emea).sla;

/** Monday 2026-06-15, 10:00 in Berlin. */
const assignedAt = '2026-06-15T08:00:00.000Z';
const state = (overrides: Partial<FirstTouchState> = {}): FirstTouchState => ({
  assignedAt,
  followUpDueAt: '2026-06-15T09:00:00.000Z',
  reminderSent: false,
  escalationLevel: 0,
  reassignments: 0,
  ...overrides,
});
const step = (s: FirstTouchState, now: string, config = sla) =>
  nextFirstTouchStep(s, new Date(now), config, calendar);

describe('firstTouchPlan', () => {
  it('plans the reminder at 75% and the deadline at 100% of the window', () => {
    expect(firstTouchPlan(assignedAt, sla, calendar)).toEqual({
      followUpDueAt: '2026-06-15T09:00:00.000Z',
      reminderAt: '2026-06-15T08:45:00.000Z',
      waitUntil: '2026-06-15T08:45:00.000Z',
      timeoutSeconds: 45 * 60,
      state: state(),
    });
  });

  it('carries Friday afternoon deadlines over the weekend', () => {
    const plan = firstTouchPlan('2026-06-12T14:30:00Z', sla, calendar);
    expect(plan.reminderAt).toBe('2026-06-15T07:15:00.000Z');
    expect(plan.followUpDueAt).toBe('2026-06-15T07:30:00.000Z');
    expect(plan.timeoutSeconds).toBe((72 - 7.25) * 3600);
  });

  it('starts the clock at the next opening for weekend and holiday assignments', () => {
    expect(firstTouchPlan('2026-06-13T12:00:00Z', sla, calendar)).toMatchObject({
      reminderAt: '2026-06-15T07:45:00.000Z',
      followUpDueAt: '2026-06-15T08:00:00.000Z',
    });
    expect(firstTouchPlan('2026-12-23T15:30:00Z', sla, calendar)).toMatchObject({
      reminderAt: '2026-12-28T08:15:00.000Z',
      followUpDueAt: '2026-12-28T08:30:00.000Z',
    });
  });

  it('waits for the deadline when planned after the reminder time and keeps the reassignment count', () => {
    const plan = firstTouchPlan(assignedAt, sla, calendar, { now: '2026-06-15T08:50:00Z', reassignments: 1 });
    expect(plan).toMatchObject({ waitUntil: '2026-06-15T09:00:00.000Z', timeoutSeconds: 600 });
    expect(plan.state.reassignments).toBe(1);
  });
});

describe('nextFirstTouchStep: the ladder', () => {
  it('reminds the rep at 75%, then waits for the deadline', () => {
    expect(step(state(), '2026-06-15T08:45:00Z')).toEqual({
      decision: 'remind',
      notify: ['rep'],
      state: state({ reminderSent: true }),
      waitUntil: '2026-06-15T09:00:00.000Z',
      timeoutSeconds: 900,
    });
  });

  it('only waits when woken before the next rung', () => {
    expect(step(state(), '2026-06-15T08:30:00Z')).toMatchObject({
      decision: 'wait',
      waitUntil: '2026-06-15T08:45:00.000Z',
      timeoutSeconds: 900,
      state: state(),
    });
    expect(step(state({ reminderSent: true }), '2026-06-15T08:50:00Z')).toMatchObject({
      decision: 'wait',
      timeoutSeconds: 600,
    });
    expect(step(state({ escalationLevel: 1 }), '2026-06-15T09:10:00Z')).toMatchObject({
      decision: 'wait',
      waitUntil: '2026-06-15T09:30:00.000Z',
    });
  });

  it('alerts rep and manager at the breach and waits for escalation level 1', () => {
    expect(step(state({ reminderSent: true }), '2026-06-15T09:00:00Z')).toEqual({
      decision: 'breach',
      notify: ['rep', 'manager'],
      state: state({ reminderSent: true, escalationLevel: 1 }),
      waitUntil: '2026-06-15T09:30:00.000Z',
      timeoutSeconds: 1800,
    });
  });

  it('fires each escalation level with its audience after its business minutes', () => {
    expect(step(state({ escalationLevel: 1 }), '2026-06-15T09:30:00Z')).toEqual({
      decision: 'escalate',
      level: 1,
      notify: ['rep', 'manager'],
      state: state({ escalationLevel: 2 }),
      waitUntil: '2026-06-15T10:30:00.000Z',
      timeoutSeconds: 3600,
    });
    // The last level is followed at once by the final rung.
    expect(step(state({ escalationLevel: 2 }), '2026-06-15T10:30:00Z')).toEqual({
      decision: 'escalate',
      level: 2,
      notify: ['manager', 'ops'],
      state: state({ escalationLevel: 3 }),
      waitUntil: '2026-06-15T10:30:00.000Z',
      timeoutSeconds: 1,
    });
  });

  it('reassigns after the last level while reassignments remain', () => {
    expect(step(state({ escalationLevel: 3 }), '2026-06-15T10:30:01Z')).toEqual({
      decision: 'reassign',
      reassignments: 1,
    });
  });

  it('declares exhaustion when no reassignment is left, then gives up at the hard bound', () => {
    const exhausted = step(state({ escalationLevel: 3, reassignments: 1 }), '2026-06-15T10:30:01Z');
    // Hard bound: 30 business days (outcomeMinutes) after the last alert at 12:30 Berlin time.
    expect(exhausted).toMatchObject({
      decision: 'escalation-exhausted',
      notify: ['manager', 'ops'],
      state: state({ escalationLevel: 4, reassignments: 1 }),
      waitUntil: '2026-07-27T10:30:00.000Z',
    });
    const later = state({ escalationLevel: 4, reassignments: 1 });
    expect(step(later, '2026-07-01T10:00:00Z')).toMatchObject({
      decision: 'wait',
      waitUntil: '2026-07-27T10:30:00.000Z',
    });
    expect(step(later, '2026-07-27T10:30:00Z')).toEqual({ decision: 'give-up', notify: ['ops'] });
  });

  it('skips a stale reminder and catches up one alert at a time after a late wake-up', () => {
    const breach = step(state(), '2026-06-15T09:40:00Z');
    expect(breach).toMatchObject({
      decision: 'breach',
      waitUntil: '2026-06-15T09:30:00.000Z',
      timeoutSeconds: 1,
    });
    if (breach.decision !== 'breach') throw new Error('expected a breach');
    expect(step(breach.state, '2026-06-15T09:40:01Z')).toMatchObject({
      decision: 'escalate',
      level: 1,
      waitUntil: '2026-06-15T10:30:00.000Z',
      timeoutSeconds: 2999,
    });
  });

  it('puts escalations after a closing-time deadline into the next business day', () => {
    const due = firstTouchPlan('2026-06-15T14:00:00Z', sla, calendar).state;
    expect(due.followUpDueAt).toBe('2026-06-15T15:00:00.000Z');
    expect(step(due, '2026-06-15T15:00:00Z')).toMatchObject({
      decision: 'breach',
      waitUntil: '2026-06-16T07:30:00.000Z',
    });
    expect(step({ ...due, escalationLevel: 1 }, '2026-06-16T07:30:00Z')).toMatchObject({
      decision: 'escalate',
      level: 1,
      waitUntil: '2026-06-16T08:30:00.000Z',
    });
  });

  it('goes straight from breach to reassignment without escalation levels', () => {
    const flat = { ...sla, escalation: [] };
    expect(step(state(), '2026-06-15T17:00:00Z', flat)).toMatchObject({
      decision: 'breach',
      timeoutSeconds: 1,
    });
    expect(step(state({ escalationLevel: 1 }), '2026-06-15T17:00:01Z', flat)).toEqual({
      decision: 'reassign',
      reassignments: 1,
    });
  });
});

describe('ladder walk (property)', () => {
  it('visits remind, breach, every level and reassign in order with integer waits >= 1', () => {
    const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) });
    fc.assert(
      fc.property(instant, (assigned) => {
        const plan = firstTouchPlan(new Date(assigned), sla, calendar);
        let current = plan.state;
        let now = assigned + plan.timeoutSeconds * 1000;
        const seen: string[] = [];
        for (let i = 0; i < 10; i++) {
          const next: FirstTouchStep = nextFirstTouchStep(current, new Date(now), sla, calendar);
          seen.push(next.decision);
          if (!('state' in next) || !('timeoutSeconds' in next)) break;
          expect(Number.isInteger(next.timeoutSeconds) && next.timeoutSeconds >= 1).toBe(true);
          current = next.state;
          now += next.timeoutSeconds * 1000;
        }
        expect(seen).toEqual(['remind', 'breach', 'escalate', 'escalate', 'reassign']);
      }),
      { numRuns: 100 },
    );
  });
});

describe('acceptance, outcome and reporting', () => {
  it('gives the rep 8 business hours to accept after the first touch', () => {
    expect(acceptancePlan(assignedAt, sla, calendar)).toEqual({
      acceptanceDueAt: '2026-06-16T08:00:00.000Z',
      timeoutSeconds: 86_400,
    });
    expect(acceptancePlan('2026-06-12T14:30:00Z', sla, calendar, '2026-06-12T15:00:00Z')).toEqual({
      acceptanceDueAt: '2026-06-15T14:30:00.000Z',
      timeoutSeconds: (72 - 0.5) * 3600,
    });
  });

  it('plans the outcome deadline in business time', () => {
    expect(outcomePlan(assignedAt, sla, calendar).outcomeDueAt).toBe('2026-07-27T08:00:00.000Z');
  });

  it('needs the configured number of touch attempts', () => {
    expect(touchSatisfiesSla(1, sla)).toBe(true);
    expect(touchSatisfiesSla(1, emeaSla)).toBe(false);
    expect(touchSatisfiesSla(2, emeaSla)).toBe(true);
  });

  it('reports elapsed business minutes between assignment and touch', () => {
    expect(slaElapsed('2026-06-12T14:30:00Z', '2026-06-15T07:30:00Z', calendar)).toBe(60);
    expect(slaElapsed(assignedAt, '2026-06-15T08:20:30Z', calendar)).toBe(20.5);
  });
});
