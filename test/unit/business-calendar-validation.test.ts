import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '../../config/schema.ts';
import {
  addBusinessMinutes,
  BusinessCalendarError,
  businessMinutesBetween,
  isWithinBusinessHours,
  nextBusinessInstant,
} from '../../functions/domain/business-hours.ts';

type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/**
 * A calendar built without the zod schema, as a caller that skips validation would hand it
 * over: the clock must reject bad input itself, and fill in what the schema would default.
 */
const raw = (
  weekly: Partial<Record<Weekday, [string, string][]>>,
  extra: { timezone?: string; holidays?: string[] } = {},
): BusinessCalendar => ({ timezone: 'Europe/Berlin', weekly, ...extra }) as unknown as BusinessCalendar;

/** Monday 2026-06-15, 10:00 in Berlin. */
const mondayMorning = new Date('2026-06-15T08:00:00Z');

describe('business calendar validation', () => {
  it.each(['09:000', '109:00', 'x09:00', '9:00', '24:01', '25:00', ''])(
    'rejects the time of day %j with a BusinessCalendarError naming it',
    (bad) => {
      const calendar = raw({ mon: [[bad, '17:00']] });
      expect(() => isWithinBusinessHours(mondayMorning, calendar)).toThrow(BusinessCalendarError);
      expect(() => isWithinBusinessHours(mondayMorning, calendar)).toThrow(`invalid time of day '${bad}'`);
    },
  );

  it("accepts '00:00' as a start and '24:00' as an end (midnight)", () => {
    const calendar = raw({ mon: [['00:00', '24:00']] });
    expect(isWithinBusinessHours(new Date('2026-06-14T22:00:00Z'), calendar)).toBe(true);
    expect(isWithinBusinessHours(new Date('2026-06-15T21:59:59.999Z'), calendar)).toBe(true);
    expect(isWithinBusinessHours(new Date('2026-06-15T22:00:00Z'), calendar)).toBe(false);
  });

  it.each([
    ['17:00', '09:00'],
    ['09:00', '09:00'],
  ])('rejects the range %s-%s, which does not end after it starts', (start, end) => {
    const calendar = raw({ mon: [['08:00', '09:00']], tue: [[start, end]] });
    expect(() => nextBusinessInstant(mondayMorning, calendar)).toThrow(
      new BusinessCalendarError(`opening range ${start}-${end} on tue must end after it starts`),
    );
  });

  it('rejects an unknown time zone by name', () => {
    const calendar = raw({ mon: [['09:00', '17:00']] }, { timezone: 'Mars/Olympus_Mons' });
    expect(() => addBusinessMinutes(mondayMorning, 5, calendar)).toThrow(
      new BusinessCalendarError("unknown time zone 'Mars/Olympus_Mons'"),
    );
  });

  it('names its errors BusinessCalendarError', () => {
    let caught: unknown;
    try {
      isWithinBusinessHours(mondayMorning, raw({ mon: [['9', '17:00']] }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe('BusinessCalendarError');
    expect(String(caught)).toBe("BusinessCalendarError: invalid time of day '9'");
  });

  it('treats weekdays left out of `weekly`, and a missing holiday list, as no closures beyond them', () => {
    const mondaysOnly = raw({ mon: [['09:00', '17:00']] });
    expect(isWithinBusinessHours(mondayMorning, mondaysOnly)).toBe(true);
    // Tuesday to Sunday are closed: from Monday 16:30 the next 60 minutes end the Monday after.
    expect(addBusinessMinutes(new Date('2026-06-15T14:30:00Z'), 60, mondaysOnly).toISOString()).toBe(
      '2026-06-22T07:30:00.000Z',
    );
    expect(nextBusinessInstant(new Date('2026-06-16T08:00:00Z'), mondaysOnly).toISOString()).toBe(
      '2026-06-22T07:00:00.000Z',
    );
  });
});

describe('business clock inputs', () => {
  const calendar = raw({ mon: [['09:00', '17:00']] });
  const invalid = new Date('not a date');

  it('rejects an invalid Date in every function with RangeError("invalid date")', () => {
    const calls = [
      () => isWithinBusinessHours(invalid, calendar),
      () => nextBusinessInstant(invalid, calendar),
      () => addBusinessMinutes(invalid, 0, calendar),
      () => addBusinessMinutes(invalid, 30, calendar),
      () => businessMinutesBetween(invalid, mondayMorning, calendar),
      () => businessMinutesBetween(mondayMorning, invalid, calendar),
    ];
    for (const call of calls) expect(call).toThrow(new RangeError('invalid date'));
  });

  it.each([-1, -0.001, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects %d business minutes and says what it got',
    (minutes) => {
      expect(() => addBusinessMinutes(mondayMorning, minutes, calendar)).toThrow(
        new RangeError(`business minutes must be a finite number >= 0, got ${minutes}`),
      );
    },
  );
});
