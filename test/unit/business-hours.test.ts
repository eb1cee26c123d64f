import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../config/schema.ts';
import {
  addBusinessMinutes,
  BusinessCalendarError,
  businessMinutesBetween,
  isWithinBusinessHours,
  nextBusinessInstant,
} from '../../functions/domain/business-hours.ts';

const nineToFive = [['09:00', '17:00']] as [string, string][];
const weekdays = { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive };

const berlin = BusinessCalendar.parse({
  timezone: 'Europe/Berlin',
  weekly: weekdays,
  holidays: ['2026-12-24', '2026-12-25', '2026-12-26', '2027-01-01'],
});
const newYork = BusinessCalendar.parse({
  timezone: 'America/New_York',
  weekly: weekdays,
  holidays: ['2026-11-26'],
});
const londonWithLunch = BusinessCalendar.parse({
  timezone: 'Europe/London',
  weekly: {
    wed: [
      ['08:30', '12:30'],
      ['13:30', '17:30'],
    ],
    fri: [
      ['08:30', '12:30'],
      ['13:30', '16:00'],
    ],
    mon: [['08:30', '17:30']],
  },
});

const add = (iso: string, minutes: number, calendar: BusinessCalendar): string =>
  addBusinessMinutes(new Date(iso), minutes, calendar).toISOString();
const between = (a: string, b: string, calendar: BusinessCalendar): number =>
  businessMinutesBetween(new Date(a), new Date(b), calendar);

describe('addBusinessMinutes', () => {
  it('carries Friday 16:30 + 60 minutes over the weekend to Monday 09:30', () => {
    expect(add('2026-06-12T14:30:00Z', 60, berlin)).toBe('2026-06-15T07:30:00.000Z');
  });

  it('skips holidays (Christmas Eve to Boxing Day, then the weekend)', () => {
    expect(add('2026-12-23T15:00:00Z', 120, berlin)).toBe('2026-12-28T09:00:00.000Z');
  });

  it('pauses over a lunch break and over a short Friday', () => {
    expect(add('2026-06-10T11:00:00Z', 60, londonWithLunch)).toBe('2026-06-10T13:00:00.000Z');
    expect(add('2026-06-12T14:30:00Z', 60, londonWithLunch)).toBe('2026-06-15T08:00:00.000Z');
  });

  it('starts the clock at opening time when started outside business hours', () => {
    expect(add('2026-06-13T10:00:00Z', 30, berlin)).toBe('2026-06-15T07:30:00.000Z');
    expect(add('2026-06-15T05:00:00Z', 30, berlin)).toBe('2026-06-15T07:30:00.000Z');
  });

  it('lands exactly on the closing instant instead of the next opening', () => {
    const due = add('2026-06-15T14:00:00Z', 60, berlin);
    expect(due).toBe('2026-06-15T15:00:00.000Z');
    expect(isWithinBusinessHours(new Date(due), berlin)).toBe(false);
    expect(isWithinBusinessHours(new Date(due), berlin, { inclusiveEnd: true })).toBe(true);
  });

  it('treats zero minutes as the next business instant', () => {
    expect(add('2026-06-13T10:00:00Z', 0, berlin)).toBe('2026-06-15T07:00:00.000Z');
    expect(add('2026-06-15T10:00:00Z', 0, berlin)).toBe('2026-06-15T10:00:00.000Z');
  });

  it('supports fractional minutes and rejects negative ones', () => {
    expect(add('2026-06-15T07:00:00Z', 37.5, berlin)).toBe('2026-06-15T07:37:30.000Z');
    expect(() => addBusinessMinutes(new Date(), -1, berlin)).toThrow(RangeError);
  });

  it('computes a year of business time quickly', () => {
    const started = performance.now();
    const end = add('2026-01-05T08:00:00Z', 52 * 5 * 8 * 60, berlin);
    expect(performance.now() - started).toBeLessThan(500);
    // 260 business days end Fri 2027-01-01 17:00 without holidays; Dec 24, 25 and Jan 1 add three more.
    expect(end).toBe('2027-01-06T16:00:00.000Z');
    expect(between('2026-01-05T08:00:00Z', end, berlin)).toBe(52 * 5 * 8 * 60);
  });

  it('fails clearly for a calendar that never opens', () => {
    const holidays: string[] = [];
    for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2030, 0, 1); day += 86_400_000) {
      holidays.push(new Date(day).toISOString().slice(0, 10));
    }
    const closed = BusinessCalendar.parse({ timezone: 'Europe/Berlin', weekly: weekdays, holidays });
    expect(() => addBusinessMinutes(new Date('2026-01-01T00:00:00Z'), 1, closed)).toThrow(
      BusinessCalendarError,
    );
    expect(() => nextBusinessInstant(new Date('2026-01-01T00:00:00Z'), closed)).toThrow(/no opening hours/);
    expect(isWithinBusinessHours(new Date('2026-06-15T10:00:00Z'), closed)).toBe(false);
  });
});

describe('daylight saving time, Europe/Berlin', () => {
  const sundayAllDay = BusinessCalendar.parse({
    timezone: 'Europe/Berlin',
    weekly: { sun: [['00:00', '24:00']], mon: [['00:00', '24:00']] },
  });
  const sundayNight = BusinessCalendar.parse({
    timezone: 'Europe/Berlin',
    weekly: { sun: [['01:00', '04:00']] },
  });
  const skippedHour = BusinessCalendar.parse({
    timezone: 'Europe/Berlin',
    weekly: { sun: [['02:00', '03:00']], mon: nineToFive },
  });

  it('keeps office hours in local time across the March switch (2026-03-29)', () => {
    expect(add('2026-03-27T15:30:00Z', 60, berlin)).toBe('2026-03-30T07:30:00.000Z');
    expect(between('2026-03-27T15:30:00Z', '2026-03-30T07:30:00Z', berlin)).toBe(60);
  });

  it('keeps office hours in local time across the October switch (2026-10-25)', () => {
    expect(add('2026-10-23T14:30:00Z', 60, berlin)).toBe('2026-10-26T08:30:00.000Z');
  });

  it('counts a 23-hour and a 25-hour Sunday', () => {
    expect(between('2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', sundayAllDay)).toBe(23 * 60);
    expect(add('2026-03-28T23:00:00Z', 24 * 60, sundayAllDay)).toBe('2026-03-29T23:00:00.000Z');
    expect(between('2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', sundayAllDay)).toBe(25 * 60);
    expect(add('2026-10-24T22:00:00Z', 24 * 60, sundayAllDay)).toBe('2026-10-25T22:00:00.000Z');
  });

  it('shrinks a range spanning the skipped hour and stretches one spanning the repeated hour', () => {
    expect(between('2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z', sundayNight)).toBe(120);
    // 01:00 CET = 00:00Z; 60 minutes reach 02:00 CET, which is 03:00 CEST; 30 more: 03:30 CEST.
    expect(add('2026-03-28T12:00:00Z', 90, sundayNight)).toBe('2026-03-29T01:30:00.000Z');
    expect(between('2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z', sundayNight)).toBe(240);
    // 01:00 CEST = 23:00Z; 150 minutes later it is 02:30 CET, the second 02:30 that night.
    expect(add('2026-10-24T12:00:00Z', 150, sundayNight)).toBe('2026-10-25T01:30:00.000Z');
  });

  it('drops a range that lies inside the skipped hour and doubles one inside the repeated hour', () => {
    expect(add('2026-03-28T12:00:00Z', 30, skippedHour)).toBe('2026-03-30T07:30:00.000Z');
    expect(isWithinBusinessHours(new Date('2026-03-29T01:00:00Z'), skippedHour)).toBe(false);
    expect(add('2026-10-24T12:00:00Z', 90, skippedHour)).toBe('2026-10-25T01:30:00.000Z');
    expect(isWithinBusinessHours(new Date('2026-10-25T00:30:00Z'), skippedHour)).toBe(true);
    expect(isWithinBusinessHours(new Date('2026-10-25T01:30:00Z'), skippedHour)).toBe(true);
  });
});

describe('daylight saving time, America/New_York', () => {
  const sundayEarly = BusinessCalendar.parse({
    timezone: 'America/New_York',
    weekly: { sun: [['00:00', '06:00']] },
  });

  it('keeps office hours in local time across the March switch (2026-03-08)', () => {
    expect(add('2026-03-06T21:30:00Z', 60, newYork)).toBe('2026-03-09T13:30:00.000Z');
    expect(nextBusinessInstant(new Date('2026-03-07T12:00:00Z'), newYork).toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
  });

  it('keeps office hours in local time across the November switch (2026-11-01)', () => {
    expect(add('2026-10-30T20:30:00Z', 60, newYork)).toBe('2026-11-02T14:30:00.000Z');
  });

  it('counts 5 hours on the spring-forward night and 7 on the fall-back night', () => {
    expect(between('2026-03-07T12:00:00Z', '2026-03-09T12:00:00Z', sundayEarly)).toBe(300);
    expect(add('2026-03-07T12:00:00Z', 180, sundayEarly)).toBe('2026-03-08T08:00:00.000Z');
    expect(between('2026-10-31T12:00:00Z', '2026-11-02T12:00:00Z', sundayEarly)).toBe(420);
    expect(add('2026-10-31T12:00:00Z', 180, sundayEarly)).toBe('2026-11-01T07:00:00.000Z');
  });

  it('skips Thanksgiving', () => {
    expect(add('2026-11-25T21:00:00Z', 90, newYork)).toBe('2026-11-27T14:30:00.000Z');
  });
});

describe('businessMinutesBetween', () => {
  it('counts only open minutes and is negative when reversed', () => {
    expect(between('2026-06-12T14:30:00Z', '2026-06-15T07:30:00Z', berlin)).toBe(60);
    expect(between('2026-06-15T07:30:00Z', '2026-06-12T14:30:00Z', berlin)).toBe(-60);
    expect(between('2026-06-13T00:00:00Z', '2026-06-14T23:00:00Z', berlin)).toBe(0);
  });
});
