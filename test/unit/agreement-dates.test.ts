/**
 * agreement/dates.ts computes local dates, ISO weeks and day starts with the platform's time
 * zone data (domain/time-zone.ts) instead of luxon. Its former luxon implementation is kept
 * here as the oracle: the two must agree on every date and instant, DST days included.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  assertDate,
  isoWeek,
  localDate,
  monthBounds,
  startOfLocalDate,
} from '../../functions/domain/agreement/dates.ts';
import { offsetMinutes } from '../../functions/domain/time-zone.ts';

const DAY = 86_400_000;

/** The luxon version these functions replace, verbatim in what it computes. */
const luxon = {
  localDate: (t: number, zone: string) => DateTime.fromMillis(t, { zone }).toISODate(),
  isoWeek: (t: number, zone: string) => DateTime.fromMillis(t, { zone }).toFormat("kkkk-'W'WW"),
  parse: (date: string, zone: string) => {
    const dt = /^\d{4}-\d{2}-\d{2}$/.test(date)
      ? DateTime.fromISO(date, { zone })
      : DateTime.invalid('format');
    return dt.isValid && dt.toISODate() === date ? dt : undefined;
  },
  startOfLocalDate: (date: string, zone: string) => luxon.parse(date, zone)?.startOf('day').toMillis(),
  addDays: (date: string, days: number) => luxon.parse(date, 'UTC')?.plus({ days }).toISODate(),
  monthEnd: (month: string) => luxon.parse(`${month}-01`, 'UTC')?.endOf('month').toISODate(),
};

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/St_Johns',
  'America/Santiago',
  'America/Havana',
  'Asia/Beirut',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Africa/Casablanca',
];
const zone = fc.constantFrom(...ZONES);
const instant = fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2100, 0, 1) });
const isoDate = fc
  .integer({ min: Date.UTC(1900, 0, 1) / DAY, max: Date.UTC(2150, 0, 1) / DAY })
  .map((d) => new Date(d * DAY).toISOString().slice(0, 10));

describe('local dates and ISO weeks', () => {
  it('match luxon at any instant (property)', () => {
    fc.assert(
      fc.property(zone, instant, (z, t) => {
        expect(localDate(t, z)).toBe(luxon.localDate(t, z));
        expect(isoWeek(t, z)).toBe(luxon.isoWeek(t, z));
      }),
      { numRuns: 3000 },
    );
  });

  it('match luxon around every new year from 1990 to 2060, where ISO weeks change year', () => {
    for (const z of ZONES) {
      for (let year = 1990; year <= 2060; year++) {
        const newYear = Date.UTC(year, 0, 1);
        for (let t = newYear - 4 * DAY; t <= newYear + 4 * DAY; t += 7 * 3_600_000) {
          expect([z, t, isoWeek(t, z), localDate(t, z)]).toEqual([
            z,
            t,
            luxon.isoWeek(t, z),
            luxon.localDate(t, z),
          ]);
        }
      }
    }
    expect(isoWeek('2026-12-31T12:00:00Z', 'UTC')).toBe('2026-W53');
    expect(isoWeek('2027-01-03T12:00:00Z', 'UTC')).toBe('2026-W53');
    expect(isoWeek('2027-01-04T12:00:00Z', 'UTC')).toBe('2027-W01');
    expect(isoWeek('2024-12-30T12:00:00Z', 'UTC')).toBe('2025-W01');
  });

  it('use the zone: one instant, two dates', () => {
    expect(localDate('2026-06-15T23:30:00Z', 'Europe/Berlin')).toBe('2026-06-16');
    expect(localDate('2026-06-15T23:30:00Z', 'America/New_York')).toBe('2026-06-15');
    expect(() => localDate(0, 'Mars/Olympus')).toThrow("unknown time zone 'Mars/Olympus'");
    expect(() => isoWeek('not a time', 'UTC')).toThrow("invalid instant 'not a time'");
  });
});

describe('the start of a local date', () => {
  /** Whether t is the first instant of `date` in zone z. */
  const startsDate = (t: number, date: string, z: string) =>
    localDate(t, z) === date && localDate(t - 1, z) < date;

  it('matches luxon on every day from 2024 to 2028, except where midnight happens twice', () => {
    let twice = 0;
    for (const z of ZONES) {
      for (let d = Date.UTC(2024, 0, 1); d < Date.UTC(2029, 0, 1); d += DAY) {
        const date = new Date(d).toISOString().slice(0, 10);
        const start = startOfLocalDate(date, z);
        expect([z, date, startsDate(start, date, z)]).toEqual([z, date, true]);
        // Clocks set back to midnight (Havana): luxon may pick either midnight, depending on today.
        const exactMidnights = [d - DAY, d + DAY]
          .map((t) => offsetMinutes(z, t))
          .filter(
            (offset, i, all) => all.indexOf(offset) === i && offsetMinutes(z, d - offset * 60_000) === offset,
          );
        if (exactMidnights.length === 2) twice++;
        else expect([z, date, start]).toEqual([z, date, luxon.startOfLocalDate(date, z)]);
      }
    }
    expect(twice).toBe(5); // Havana's five autumn changes
  });

  it('is the moment the clocks jump when midnight is skipped, the first midnight when repeated', () => {
    // Santiago, 2026-09-06: 00:00 -04 becomes 01:00 -03, so the day starts at 04:00Z.
    expect(new Date(startOfLocalDate('2026-09-06', 'America/Santiago')).toISOString()).toBe(
      '2026-09-06T04:00:00.000Z',
    );
    // Havana, 2026-11-01: 01:00 CDT goes back to 00:00 CST; the first midnight is 04:00Z.
    expect(new Date(startOfLocalDate('2026-11-01', 'America/Havana')).toISOString()).toBe(
      '2026-11-01T04:00:00.000Z',
    );
    expect(new Date(startOfLocalDate('2026-03-29', 'Europe/Berlin')).toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
  });
});

describe('calendar arithmetic on dates', () => {
  it('adds days and finds month ends as luxon does (property)', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -800, max: 800 }), (date, days) => {
        expect(addDays(date, days)).toBe(luxon.addDays(date, days));
        expect(monthBounds(date.slice(0, 7))).toEqual({
          from: `${date.slice(0, 7)}-01`,
          to: luxon.monthEnd(date.slice(0, 7)),
        });
      }),
      { numRuns: 2000 },
    );
    expect(monthBounds('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthBounds('2100-02')).toEqual({ from: '2100-02-01', to: '2100-02-28' });
  });

  it('refuses the dates luxon refused, with the same message', () => {
    const candidates = fc.oneof(
      isoDate,
      fc
        .tuple(
          fc.integer({ min: 0, max: 2200 }),
          fc.integer({ min: 0, max: 13 }),
          fc.integer({ min: 0, max: 32 }),
        )
        .map(([y, m, d]) => [y, m, d].map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0')).join('-')),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(candidates, (date) => {
        const valid = luxon.parse(date, 'UTC') !== undefined;
        if (valid) expect(assertDate(date)).toBe(date);
        else expect(() => assertDate(date)).toThrow(`invalid date '${date}' (YYYY-MM-DD)`);
      }),
      { numRuns: 3000 },
    );
    expect(() => assertDate('2027-02-29')).toThrow("invalid date '2027-02-29'");
    expect(assertDate('0044-03-15')).toBe('0044-03-15');
  });
});
