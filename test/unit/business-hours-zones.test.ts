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
import { isValidTimeZone, localIsoDate, offsetMinutes } from '../../functions/domain/time-zone.ts';

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
    expect(switches.length).toBeGreaterThanOrEqual(4);
    fc.assert(
      fc.property(calendar, instant, (cal, t) => {
        expect(isWithinBusinessHours(new Date(t), cal)).toBe(openByDefinition(t, cal));
      }),
      { numRuns: 400 },
    );
  });
});

/**
 * time-zone.ts replaces luxon's IANAZone in production: it must give luxon's offsets, to the
 * millisecond, wherever the calendar may ask. Zones with odd offsets (quarter and half hours,
 * 30-minute DST, DST at midnight, negative DST, no DST any more) and every switch in 2024-2028.
 */
describe('time-zone.ts agrees with luxon', () => {
  /** Zones that switch offsets in 2024-2028 (Dublin's winter time is its negative DST). */
  const switching = [
    'Europe/Berlin',
    'Europe/London',
    'Europe/Dublin',
    'America/New_York',
    'America/St_Johns',
    'America/Santiago',
    'America/Havana',
    'Asia/Beirut',
    'Australia/Lord_Howe',
    'Australia/Adelaide',
    'Pacific/Chatham',
    'Africa/Casablanca',
    'Antarctica/Troll',
  ];
  /** Fixed offsets now, with their history (São Paulo and Apia dropped DST, Tehran in 2022). */
  const steady = [
    'UTC',
    'Etc/GMT+12',
    'Asia/Kathmandu',
    'Asia/Kolkata',
    'Asia/Tehran',
    'America/Sao_Paulo',
    'Australia/Eucla',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
    'Pacific/Apia',
  ];
  const zones = [...switching, ...steady];
  const HOUR = 60 * MINUTE;
  const luxonOffset = (zone: string, t: number) => IANAZone.create(zone).offset(t);

  /** Luxon's offset changes in [from, to), each found to the millisecond. */
  function switchesBetween(zone: string, from: number, to: number): number[] {
    const found: number[] = [];
    for (let t = from; t < to; t += 6 * HOUR) {
      if (luxonOffset(zone, t) === luxonOffset(zone, t + 6 * HOUR)) continue;
      let lo = t;
      let hi = t + 6 * HOUR;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (luxonOffset(zone, mid) === luxonOffset(zone, t)) lo = mid;
        else hi = mid;
      }
      found.push(hi);
    }
    return found;
  }

  it.each(switching)('gives the same offset as luxon around every switch in %s, 2024-2028', (zone) => {
    const switches = switchesBetween(zone, Date.UTC(2024, 0, 1), Date.UTC(2029, 0, 1));
    expect(switches.length).toBeGreaterThanOrEqual(4);
    const aroundEach = [-HOUR, -MINUTE, -1000, -1, 0, 1, 1000, MINUTE, HOUR];
    for (const t of switches.flatMap((s) => aroundEach.map((d) => s + d))) {
      expect([zone, t, offsetMinutes(zone, t)]).toEqual([zone, t, luxonOffset(zone, t)]);
    }
  });

  it('finds the switches with odd offsets where they are', () => {
    // Lord Howe moves by half an hour (10:30 to 11:00) at 02:00 local, 2026-10-04.
    const lordHowe = switchesBetween('Australia/Lord_Howe', Date.UTC(2026, 9, 1), Date.UTC(2026, 9, 8));
    expect(lordHowe).toEqual([Date.UTC(2026, 9, 3, 15, 30)]);
    expect(offsetMinutes('Australia/Lord_Howe', lordHowe[0]! - 1)).toBe(630);
    expect(offsetMinutes('Australia/Lord_Howe', lordHowe[0]!)).toBe(660);
    expect(offsetMinutes('Asia/Kathmandu', Date.UTC(2026, 5, 1))).toBe(345);
    expect(offsetMinutes('America/St_Johns', Date.UTC(2026, 0, 15))).toBe(-210);
    expect(offsetMinutes('America/St_Johns', Date.UTC(2026, 6, 15))).toBe(-150);
    expect(offsetMinutes('Pacific/Chatham', Date.UTC(2026, 0, 15))).toBe(825);
  });

  it('agrees at year boundaries, local and UTC, from 1969 to 2101', () => {
    for (const zone of zones) {
      for (let year = 1969; year <= 2101; year += 4) {
        const utcNewYear = Date.UTC(year, 0, 1);
        const localNewYear = utcNewYear - luxonOffset(zone, utcNewYear) * MINUTE;
        for (const t of [utcNewYear - 1, utcNewYear, localNewYear - 1, localNewYear, localNewYear + 1]) {
          expect([zone, t, offsetMinutes(zone, t)]).toEqual([zone, t, luxonOffset(zone, t)]);
        }
        const lastDay = DateTime.fromMillis(localNewYear - 1, { zone }).toISODate();
        expect(localIsoDate(zone, localNewYear - 1)).toBe(lastDay);
        expect(localIsoDate(zone, localNewYear)).toBe(`${String(year).padStart(4, '0')}-01-01`);
      }
    }
  });

  it('agrees at any millisecond from 1800 to 2200, local mean times included (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(1800, 0, 1), max: Date.UTC(2200, 0, 1) }),
        (zone, t) => {
          expect(offsetMinutes(zone, t)).toBe(luxonOffset(zone, t));
          expect(localIsoDate(zone, t)).toBe(DateTime.fromMillis(t, { zone }).toISODate());
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads years before 100 and before the common era as luxon does', () => {
    // Date.UTC(50, ...) would be 1950.
    const early = (year: number, month: number, day: number) => new Date(0).setUTCFullYear(year, month, day);
    for (const t of [early(50, 5, 1), early(99, 11, 31) + 23 * HOUR, early(-44, 2, 15), early(0, 0, 1) - 1]) {
      for (const zone of ['Europe/Berlin', 'Asia/Kathmandu', 'America/St_Johns']) {
        expect(offsetMinutes(zone, t)).toBe(luxonOffset(zone, t));
      }
    }
    expect(offsetMinutes('UTC', Number.NaN)).toBeNaN();
    expect(offsetMinutes('UTC', 8.64e15 + 1)).toBeNaN();
  });

  it('knows the zones luxon knows', () => {
    for (const zone of [...zones, 'utc', 'europe/berlin', 'Mars/Olympus', '', 'Europe/Berlin ', 'GMT+1']) {
      expect([zone, isValidTimeZone(zone)]).toEqual([zone, IANAZone.isValidZone(zone)]);
    }
    expect(() => offsetMinutes('Mars/Olympus', 0)).toThrow(RangeError);
  });
});
