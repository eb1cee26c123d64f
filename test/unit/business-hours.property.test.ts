import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../config/schema.ts';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  isWithinBusinessHours,
  nextBusinessInstant,
} from '../../functions/domain/business-hours.ts';

const withLunch = [
  ['08:30', '12:00'],
  ['13:00', '17:30'],
] as [string, string][];

/** Office hours plus a Sunday night shift that crosses the DST switch hour. */
const berlin = BusinessCalendar.parse({
  timezone: 'Europe/Berlin',
  weekly: {
    mon: withLunch,
    tue: withLunch,
    wed: withLunch,
    thu: withLunch,
    fri: [['09:00', '15:00']],
    sun: [['01:00', '04:00']],
  },
  holidays: [
    '2026-03-30',
    '2026-04-03',
    '2026-04-06',
    '2026-10-26',
    '2026-12-24',
    '2026-12-25',
    '2027-01-01',
  ],
});
const newYork = BusinessCalendar.parse({
  timezone: 'America/New_York',
  weekly: {
    mon: [['09:00', '17:00']],
    tue: [['09:00', '17:00']],
    wed: [['09:00', '17:00']],
    thu: [['09:00', '24:00']],
    fri: [['00:00', '12:00']],
    sun: [['00:30', '03:30']],
  },
  holidays: ['2026-03-09', '2026-07-03', '2026-11-02', '2026-11-26', '2026-12-25'],
});

const calendar = fc.constantFrom(berlin, newYork);
/** Instants from late 2025 to early 2027: both DST switches of 2026 in either zone. */
const instant = fc
  .integer({ min: Date.UTC(2025, 11, 1), max: Date.UTC(2027, 1, 1) })
  .map((ms) => new Date(ms));
const minutes = fc.integer({ min: 1, max: 6000 });
const runs = { numRuns: 200 };

describe('business-hours properties', () => {
  it('results are always within business hours (or exactly at a range end)', () => {
    fc.assert(
      fc.property(calendar, instant, minutes, (cal, t, n) => {
        expect(isWithinBusinessHours(addBusinessMinutes(t, n, cal), cal, { inclusiveEnd: true })).toBe(true);
        expect(isWithinBusinessHours(addBusinessMinutes(t, 0, cal), cal)).toBe(true);
      }),
      runs,
    );
  });

  it('is strictly monotonic in the number of minutes', () => {
    fc.assert(
      fc.property(calendar, instant, minutes, minutes, (cal, t, a, b) => {
        fc.pre(a !== b);
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(addBusinessMinutes(t, lo, cal).getTime()).toBeLessThan(
          addBusinessMinutes(t, hi, cal).getTime(),
        );
        expect(addBusinessMinutes(t, lo, cal).getTime()).toBeGreaterThan(t.getTime());
      }),
      runs,
    );
  });

  it('composes: add(add(t, a), b) equals add(t, a + b)', () => {
    fc.assert(
      fc.property(calendar, instant, minutes, minutes, (cal, t, a, b) => {
        const stepwise = addBusinessMinutes(addBusinessMinutes(t, a, cal), b, cal);
        expect(stepwise.toISOString()).toBe(addBusinessMinutes(t, a + b, cal).toISOString());
      }),
      runs,
    );
  });

  it('businessMinutesBetween inverts addBusinessMinutes', () => {
    fc.assert(
      fc.property(calendar, instant, minutes, (cal, t, n) => {
        expect(businessMinutesBetween(t, addBusinessMinutes(t, n, cal), cal)).toBe(n);
      }),
      runs,
    );
  });

  it('nextBusinessInstant is open, not before t, and reached without business time passing', () => {
    fc.assert(
      fc.property(calendar, instant, (cal, t) => {
        const next = nextBusinessInstant(t, cal);
        expect(next.getTime()).toBeGreaterThanOrEqual(t.getTime());
        expect(isWithinBusinessHours(next, cal)).toBe(true);
        expect(businessMinutesBetween(t, next, cal)).toBe(0);
        if (isWithinBusinessHours(t, cal)) expect(next.getTime()).toBe(t.getTime());
      }),
      runs,
    );
  });
});
