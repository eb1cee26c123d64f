import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../config/schema.ts';
import {
  addBusinessMinutes,
  BusinessCalendarError,
  businessMinutesBetween,
  isWithinBusinessHours,
  nextBusinessInstant,
} from '../../functions/domain/business-hours.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Ranges = [string, string][];

const calendarIn = (
  timezone: string,
  weekly: Partial<Record<(typeof WEEKDAYS)[number], Ranges>>,
  holidays?: string[],
) => BusinessCalendar.parse({ timezone, weekly, holidays });
const at = (iso: string) => new Date(iso);

describe('zones far from UTC', () => {
  it('keeps a whole local day open in Pago Pago (UTC-11), which ends on the next UTC date', () => {
    const pagoPago = calendarIn('Pacific/Pago_Pago', { mon: [['09:00', '17:00']] });
    // Monday 09:00-17:00 local is Monday 20:00Z to Tuesday 04:00Z.
    expect(isWithinBusinessHours(at('2026-06-16T03:30:00Z'), pagoPago)).toBe(true);
    expect(isWithinBusinessHours(at('2026-06-16T04:00:00Z'), pagoPago)).toBe(false);
    expect(addBusinessMinutes(at('2026-06-15T20:00:00Z'), 480, pagoPago).toISOString()).toBe(
      '2026-06-16T04:00:00.000Z',
    );
    expect(businessMinutesBetween(at('2026-06-15T00:00:00Z'), at('2026-06-17T00:00:00Z'), pagoPago)).toBe(
      480,
    );
  });

  it('sees the small hours of a Kiritimati (UTC+14) Monday while it is still Sunday in UTC', () => {
    const kiritimati = calendarIn('Pacific/Kiritimati', { mon: [['00:00', '06:00']] });
    // Monday 00:00-06:00 local is Sunday 10:00Z to 16:00Z.
    expect(isWithinBusinessHours(at('2026-06-14T12:00:00Z'), kiritimati)).toBe(true);
    expect(isWithinBusinessHours(at('2026-06-14T09:59:00Z'), kiritimati)).toBe(false);
    expect(nextBusinessInstant(at('2026-06-13T00:00:00Z'), kiritimati).toISOString()).toBe(
      '2026-06-14T10:00:00.000Z',
    );
  });
});

describe('offset changes in the middle of the night, America/New_York', () => {
  it('opens a range that starts after the spring-forward switch at its local time', () => {
    // 2026-03-08: 02:00 EST (07:00Z) becomes 03:00 EDT; 03:30 EDT is 07:30Z.
    const calendar = calendarIn('America/New_York', { sun: [['03:30', '06:00']] });
    expect(nextBusinessInstant(at('2026-03-07T12:00:00Z'), calendar).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    expect(isWithinBusinessHours(at('2026-03-08T07:15:00Z'), calendar)).toBe(false);
    expect(isWithinBusinessHours(at('2026-03-08T07:45:00Z'), calendar)).toBe(true);
    expect(businessMinutesBetween(at('2026-03-07T12:00:00Z'), at('2026-03-09T12:00:00Z'), calendar)).toBe(
      150,
    );
  });

  it('opens a range inside the repeated hour twice on the fall-back night', () => {
    // 2026-11-01: 02:00 EDT (06:00Z) becomes 01:00 EST; 01:30-02:30 local happens as
    // 05:30Z-06:00Z (EDT, cut short by the switch) and 06:30Z-07:30Z (EST).
    const calendar = calendarIn('America/New_York', { sun: [['01:30', '02:30']] });
    expect(businessMinutesBetween(at('2026-10-31T12:00:00Z'), at('2026-11-02T12:00:00Z'), calendar)).toBe(90);
    expect(isWithinBusinessHours(at('2026-11-01T05:45:00Z'), calendar)).toBe(true);
    expect(isWithinBusinessHours(at('2026-11-01T06:15:00Z'), calendar)).toBe(false);
    expect(isWithinBusinessHours(at('2026-11-01T06:45:00Z'), calendar)).toBe(true);
  });
});

describe('long walks', () => {
  const allDay: Ranges = [['00:00', '24:00']];
  const everyDay = Object.fromEntries(WEEKDAYS.map((d) => [d, allDay]));
  const alwaysOpen = calendarIn('UTC', everyDay);
  const closedFor = (days: number) => {
    const holidays = Array.from({ length: days }, (_, i) =>
      new Date(Date.UTC(2026, 0, 1) + i * DAY).toISOString().slice(0, 10),
    );
    return calendarIn('UTC', everyDay, holidays);
  };
  const newYear = at('2026-01-01T00:00:00Z');

  it('is plain elapsed time on a 24/7 calendar, however many years it spans', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }),
        fc.integer({ min: 1, max: 6 * 365 * 24 * 60 }),
        (t, minutes) => {
          const due = addBusinessMinutes(new Date(t), minutes, alwaysOpen);
          expect(due.getTime()).toBe(t + minutes * MINUTE);
          expect(businessMinutesBetween(new Date(t), due, alwaysOpen)).toBe(minutes);
        },
      ),
      { numRuns: 30 },
    );
    expect(addBusinessMinutes(newYear, 4 * 365 * 24 * 60, alwaysOpen).toISOString()).toBe(
      '2029-12-31T00:00:00.000Z',
    );
  });

  it('tolerates 1098 closed days in a row (counting the day before the start) and gives up after 1099', () => {
    expect(nextBusinessInstant(newYear, closedFor(1097)).toISOString()).toBe('2029-01-02T00:00:00.000Z');
    expect(() => nextBusinessInstant(newYear, closedFor(1098))).toThrow(
      new BusinessCalendarError(
        'business calendar (UTC) has no opening hours in the 3 years after 2026-01-01T00:00:00.000Z',
      ),
    );
  });

  it('counts zero minutes across a long closure instead of throwing', () => {
    const closed = closedFor(4 * 366);
    expect(businessMinutesBetween(newYear, at('2029-12-31T00:00:00Z'), closed)).toBe(0);
    expect(businessMinutesBetween(at('2029-12-31T00:00:00Z'), newYear, closed)).toBe(-0);
  });
});

/** The model from business-hours.ts, evaluated directly on luxon's local time of t. */
function openByDefinition(t: number, calendar: BusinessCalendar): boolean {
  const local = DateTime.fromMillis(t, { zone: calendar.timezone });
  if (calendar.holidays.includes(local.toISODate() ?? '')) return false;
  const minute = local.hour * 60 + local.minute + (local.second * 1000 + local.millisecond) / MINUTE;
  const clock = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  const ranges = calendar.weekly[WEEKDAYS[local.weekday - 1] ?? 'mon'];
  return ranges.some(([start, end]) => clock(start) <= minute && minute < clock(end));
}

/** Instants in 2026 at which `zone` changes its UTC offset (to the minute). */
function offsetChanges(zone: string): number[] {
  const z = IANAZone.create(zone);
  const changes: number[] = [];
  for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 30 * MINUTE) {
    if (z.offset(t) === z.offset(t + 30 * MINUTE)) continue;
    let lo = t;
    let hi = t + 30 * MINUTE;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (z.offset(mid) === z.offset(t)) lo = mid;
      else hi = mid;
    }
    changes.push(hi);
  }
  return changes;
}

describe('isWithinBusinessHours matches the model (property)', () => {
  const zones = [
    'Europe/Berlin',
    'America/New_York',
    'Australia/Lord_Howe',
    'America/Santiago',
    'Asia/Kolkata',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
  ];
  const switches = zones.flatMap(offsetChanges);
  const clock = fc
    .integer({ min: 0, max: 96 })
    .map((q) => `${String(Math.floor(q / 4)).padStart(2, '0')}:${String((q % 4) * 15).padStart(2, '0')}`);
  const range = fc.tuple(clock, clock).filter(([a, b]) => a < b);
  const calendar = fc
    .record({
      timezone: fc.constantFrom(...zones),
      weekly: fc.record(Object.fromEntries(WEEKDAYS.map((d) => [d, fc.array(range, { maxLength: 2 })]))),
      holidays: fc.subarray(['2026-03-08', '2026-03-29', '2026-04-05', '2026-10-25', '2026-11-01']),
    })
    .filter((c) => Object.values(c.weekly).some((ranges) => ranges.length > 0))
    .map((c) => BusinessCalendar.parse(c));
  const instant = fc.oneof(
    fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
    fc
      .tuple(fc.constantFrom(...switches), fc.integer({ min: -36 * 60, max: 36 * 60 }))
      .map(([t, minutes]) => t + minutes * MINUTE),
  );

  it('is open exactly when the local date is no holiday and the local time lies in a range', () => {
    expect(switches.length).toBeGreaterThanOrEqual(8);
    fc.assert(
      fc.property(calendar, instant, (cal, t) => {
        expect(isWithinBusinessHours(new Date(t), cal)).toBe(openByDefinition(t, cal));
      }),
      { numRuns: 400 },
    );
  });
});
