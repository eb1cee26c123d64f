import { describe, expect, it } from 'vitest';
import demo from '../../config/business-units/demo.ts';
import { BusinessCalendar, BusinessUnitConfig } from '../../config/schema.ts';
import { CLOSED_STAGES, OPEN_STAGES, STAGES, systemClock } from '../../functions/domain/lead.ts';
import { calendarForOwner } from '../../functions/domain/owner-calendar.ts';
import { isRole, ROLES } from '../../functions/domain/roles.ts';
import { ownerRef, timelineEntry } from '../../functions/domain/timeline.ts';
import { capWait, MAX_WAIT_SECONDS } from '../../functions/domain/wait-limits.ts';

describe('lead stages', () => {
  it('counts every stage that still needs work as open, and only those', () => {
    expect([...OPEN_STAGES].sort()).toEqual(
      ['accepted', 'assigned', 'captured', 'nurturing', 'qualified', 'recycled', 'touched'].sort(),
    );
    const closed = STAGES.filter((stage) => !OPEN_STAGES.has(stage));
    expect(closed).toEqual(['won', 'lost', 'disqualified', 'failed']);
    expect([...CLOSED_STAGES]).toEqual(closed);
  });

  it('reads the system clock', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeInstanceOf(Date);
    expect(now.getTime()).toBeGreaterThanOrEqual(before);
    expect(now.getTime()).toBeLessThanOrEqual(Date.now());
  });
});

describe('roles', () => {
  it('knows exactly ops and rep', () => {
    expect(ROLES).toEqual(['ops', 'rep']);
    expect(isRole('ops')).toBe(true);
    expect(isRole('rep')).toBe(true);
    for (const other of ['admin', 'OPS', 'rep ', '', undefined, null, 0]) expect(isRole(other)).toBe(false);
  });
});

describe('timeline entries and owner references', () => {
  const at = new Date('2026-03-23T09:00:00Z');

  it('stamps an entry in ISO time and keeps data only when given', () => {
    expect(timelineEntry(at, 'accepted', 'Accepted by Anna')).toEqual({
      at: '2026-03-23T09:00:00.000Z',
      type: 'accepted',
      summary: 'Accepted by Anna',
    });
    expect('data' in timelineEntry(at, 'accepted', 'Accepted by Anna')).toBe(false);
    expect(timelineEntry(at, 'touch', 'Call logged', { channel: 'call' })).toEqual({
      at: '2026-03-23T09:00:00.000Z',
      type: 'touch',
      summary: 'Call logged',
      data: { channel: 'call' },
    });
  });

  it('refers to an owner by ids only, never by name or address', () => {
    expect(
      ownerRef({
        repId: 'anna',
        name: 'Anna Becker',
        email: 'anna@demo.example.com',
        teamId: 'dach',
        managerEmail: 'mara.manager@demo.example.com',
      }),
    ).toEqual({ repId: 'anna', teamId: 'dach', fallback: undefined });
    expect(ownerRef({ name: 'Queue', email: 'q@demo.example.com', teamId: 'dach', fallback: true })).toEqual({
      repId: undefined,
      teamId: 'dach',
      fallback: true,
    });
    expect(ownerRef(undefined)).toEqual({ repId: undefined, teamId: undefined, fallback: undefined });
  });
});

describe('calendarForOwner', () => {
  const unit = BusinessUnitConfig.parse(demo);
  const tokyo = BusinessCalendar.parse({
    timezone: 'Asia/Tokyo',
    weekly: { mon: [['09:00', '18:00']] },
  });
  const withOwnHours = structuredClone(unit);
  withOwnHours.routing.teams[1]!.members[1]!.calendar = tokyo;

  it("uses the rep's own working hours when the rep has them", () => {
    expect(calendarForOwner(withOwnHours, { repId: 'dev' })).toEqual(tokyo);
  });

  it("falls back to the unit's calendar for other reps, unknown reps, the queue and no owner", () => {
    expect(calendarForOwner(withOwnHours, { repId: 'carla' })).toBe(withOwnHours.calendar);
    expect(calendarForOwner(withOwnHours, { repId: 'nobody' })).toBe(withOwnHours.calendar);
    expect(calendarForOwner(withOwnHours, {})).toBe(withOwnHours.calendar);
    expect(calendarForOwner(withOwnHours, undefined)).toBe(withOwnHours.calendar);
    expect(calendarForOwner(unit, { repId: 'dev' })).toBe(unit.calendar);
  });
});

describe('capWait', () => {
  it('is two weeks, which stays within the range of a JavaScript timer', () => {
    expect(MAX_WAIT_SECONDS).toBe(1_209_600);
    expect(MAX_WAIT_SECONDS * 1000).toBeLessThan(2 ** 31 - 1);
  });

  it.each([
    [0, 1],
    [-30, 1],
    [0.2, 1],
    [1, 1],
    [1.2, 2],
    [3600, 3600],
    [1_209_599.5, 1_209_600],
    [1_209_600, 1_209_600],
    [1_209_601, 1_209_600],
    [365 * 86_400, 1_209_600],
  ])('turns a wait of %d s into %d whole seconds between 1 and two weeks', (seconds, capped) => {
    expect(capWait(seconds)).toBe(capped);
  });
});
