import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../config/schema.ts';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  isWithinBusinessHours,
  nextBusinessInstant,
} from '../../functions/domain/business-hours.ts';

type Ranges = [string, string][];
const nineToFive: Ranges = [['09:00', '17:00']];
/** Europe/Berlin; in June local time is UTC+2, so 09:00 local is 07:00Z. */
const berlin = (weekly: Partial<Record<'mon' | 'tue' | 'sun', Ranges>>) =>
  BusinessCalendar.parse({ timezone: 'Europe/Berlin', weekly });

const add = (iso: string, minutes: number, calendar: BusinessCalendar): string =>
  addBusinessMinutes(new Date(iso), minutes, calendar).toISOString();
const between = (a: string, b: string, calendar: BusinessCalendar): number =>
  businessMinutesBetween(new Date(a), new Date(b), calendar);
const next = (iso: string, calendar: BusinessCalendar): string =>
  nextBusinessInstant(new Date(iso), calendar).toISOString();
const open = (iso: string, calendar: BusinessCalendar, inclusiveEnd?: boolean): boolean =>
  isWithinBusinessHours(new Date(iso), calendar, inclusiveEnd === undefined ? {} : { inclusiveEnd });

/** Monday 2026-06-15 from local midnight to local midnight. */
const mondayStart = '2026-06-14T22:00:00Z';
const mondayEnd = '2026-06-15T22:00:00Z';

describe('opening ranges within a day', () => {
  it('counts overlapping ranges once, as their union', () => {
    const overlapping = berlin({
      mon: [
        ['09:00', '12:00'],
        ['11:00', '14:00'],
      ],
    });
    expect(between(mondayStart, mondayEnd, overlapping)).toBe(300);
    expect(add('2026-06-15T07:00:00Z', 240, overlapping)).toBe('2026-06-15T11:00:00.000Z');
    expect(open('2026-06-15T11:30:00Z', overlapping)).toBe(true);
    expect(open('2026-06-15T12:00:00Z', overlapping)).toBe(false);
  });

  it('merges an overlap that comes after several separate ranges', () => {
    const calendar = berlin({
      mon: [
        ['08:00', '09:00'],
        ['10:00', '11:00'],
        ['12:00', '13:00'],
        ['12:30', '14:00'],
      ],
    });
    expect(between(mondayStart, mondayEnd, calendar)).toBe(240);
    // 60 + 60 + 90 minutes reach 13:30 local.
    expect(add(mondayStart, 210, calendar)).toBe('2026-06-15T11:30:00.000Z');
  });

  it('walks ranges in time order whatever order the config lists them in', () => {
    const unsorted = berlin({
      mon: [
        ['15:00', '17:00'],
        ['09:00', '11:00'],
        ['12:00', '14:00'],
      ],
    });
    expect(between(mondayStart, mondayEnd, unsorted)).toBe(360);
    // From 08:00 local: 09:00-11:00 (120 minutes), then 30 more from 12:00.
    expect(add('2026-06-15T06:00:00Z', 150, unsorted)).toBe('2026-06-15T10:30:00.000Z');
    expect(next('2026-06-15T09:30:00Z', unsorted)).toBe('2026-06-15T10:00:00.000Z');
    expect(next('2026-06-15T12:30:00Z', unsorted)).toBe('2026-06-15T13:00:00.000Z');
  });

  it('treats back-to-back ranges as continuous time', () => {
    const split = berlin({
      mon: [
        ['09:00', '12:00'],
        ['12:00', '17:00'],
      ],
    });
    expect(between(mondayStart, mondayEnd, split)).toBe(480);
    expect(add('2026-06-15T09:00:00Z', 120, split)).toBe('2026-06-15T11:00:00.000Z');
    expect(open('2026-06-15T10:00:00Z', split)).toBe(true);
  });
});

describe('closing instants', () => {
  const weekdays = berlin({ mon: nineToFive, tue: nineToFive });

  it('moves the next business instant from a closing time to the next opening', () => {
    expect(open('2026-06-15T15:00:00Z', weekdays)).toBe(false);
    expect(next('2026-06-15T15:00:00Z', weekdays)).toBe('2026-06-16T07:00:00.000Z');
    expect(next('2026-06-15T14:59:59.999Z', weekdays)).toBe('2026-06-15T14:59:59.999Z');
  });

  it('accepts a midnight closing instant only with inclusiveEnd, and nothing after it', () => {
    const evenings = berlin({ mon: [['18:00', '24:00']] });
    const due = add('2026-06-15T16:00:00Z', 360, evenings);
    expect(due).toBe('2026-06-15T22:00:00.000Z');
    expect(open(due, evenings)).toBe(false);
    expect(open(due, evenings, true)).toBe(true);
    expect(open('2026-06-15T22:01:00Z', evenings, true)).toBe(false);
    expect(open('2026-06-15T15:59:00Z', evenings, true)).toBe(false);
  });

  it('accepts a mid-day closing instant with inclusiveEnd but not the minutes after it', () => {
    expect(open('2026-06-15T15:00:00Z', weekdays, true)).toBe(true);
    expect(open('2026-06-15T15:00:01Z', weekdays, true)).toBe(false);
    expect(open('2026-06-15T18:00:00Z', weekdays, true)).toBe(false);
    expect(open('2026-06-15T06:59:59Z', weekdays, true)).toBe(false);
  });
});

describe('short ranges on the Berlin spring-forward Sunday (2026-03-29)', () => {
  it('keeps a half-hour range after the switch at its local time, and nothing else that day', () => {
    const calendar = berlin({ sun: [['09:00', '09:30']], mon: nineToFive });
    // Sunday 09:00 CEST is 07:00Z: 30 minutes that day, 30 more from Monday 09:00 CEST.
    expect(add('2026-03-29T07:00:00Z', 60, calendar)).toBe('2026-03-30T07:30:00.000Z');
    expect(between('2026-03-28T12:00:00Z', '2026-03-31T00:00:00Z', calendar)).toBe(30 + 480);
    expect(next('2026-03-29T07:30:00Z', calendar)).toBe('2026-03-30T07:00:00.000Z');
  });

  it('never opens for a range inside the skipped hour', () => {
    const calendar = berlin({ sun: [['02:00', '03:00']], mon: nineToFive });
    expect(next('2026-03-28T12:00:00Z', calendar)).toBe('2026-03-30T07:00:00.000Z');
    expect(between('2026-03-28T12:00:00Z', '2026-03-30T00:00:00Z', calendar)).toBe(0);
  });
});
