/**
 * Local days, ISO weeks and business days in a unit's time zone, for the agreement and its
 * scorecard. A day is a local calendar date (YYYY-MM-DD) in the unit's IANA zone, so a day around
 * a DST change is 23 or 25 hours long and the year ends at local midnight, not at UTC midnight.
 * A business day is a local date on which the unit's calendar has any opening hours.
 */
import type { BusinessCalendar } from '../../../config/schema.ts';
import { businessMinutesBetween } from '../business-hours.ts';
import { isValidTimeZone, localIsoDate, offsetMinutes } from '../time-zone.ts';

/** An instant: a Date, an ISO string, or epoch milliseconds. */
export type Instant = Date | string | number;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function toMs(t: Instant): number {
  const ms = typeof t === 'string' ? Date.parse(t) : typeof t === 'number' ? t : t.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`invalid instant '${String(t)}'`);
  return ms;
}

export const toIso = (t: Instant): string => new Date(toMs(t)).toISOString();

const MINUTE = 60_000;
const DAY = 86_400_000;

function zoneChecked(zone: string): string {
  if (!isValidTimeZone(zone)) throw new RangeError(`unknown time zone '${zone}'`);
  return zone;
}

/** The local date of an instant in `zone`, YYYY-MM-DD. */
export function localDate(t: Instant, zone: string): string {
  return localIsoDate(zoneChecked(zone), toMs(t));
}

/** The ISO week (Monday to Sunday) of an instant's local date, e.g. 2026-W53. */
export function isoWeek(t: Instant, zone: string): string {
  const day = parseDate(localDate(t, zone));
  // The week belongs to the year of its Thursday; week 1 holds the year's first Thursday.
  const thursday = day + (3 - ((new Date(day).getUTCDay() + 6) % 7)) * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - utcDate(year, 1, 1)) / (7 * DAY)) + 1;
  return `${String(year).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}

/** Midnight UTC of a calendar date; years 0-99 as such, not as 1900-1999 (Date.UTC's reading). */
function utcDate(year: number, month: number, day: number): number {
  return new Date(0).setUTCFullYear(year, month - 1, day);
}

const isoDateOf = (utcMidnight: number) => new Date(utcMidnight).toISOString().slice(0, 10);

/** A YYYY-MM-DD date as midnight UTC; a malformed or impossible date (2027-02-29) throws. */
function parseDate(date: string): number {
  const ms = DATE.test(date) ? utcDate(+date.slice(0, 4), +date.slice(5, 7), +date.slice(8, 10)) : Number.NaN;
  if (Number.isNaN(ms) || isoDateOf(ms) !== date) throw new RangeError(`invalid date '${date}' (YYYY-MM-DD)`);
  return ms;
}

export function assertDate(date: string): string {
  parseDate(date);
  return date;
}

/**
 * The instant a local date starts (its first moment, which DST may move off 00:00). Midnight
 * under the offset in force before or after it, whichever is really midnight there, the
 * earlier if both are (clocks set back to midnight); if neither is, midnight fell into a
 * skipped hour and the day starts when the clocks jump.
 */
export function startOfLocalDate(date: string, zone: string): number {
  const midnight = parseDate(date);
  zoneChecked(zone);
  const offsetAt = (t: number) => Math.round(offsetMinutes(zone, t) * MINUTE);
  const offsets = [-DAY, 0, DAY].map((d) => offsetAt(midnight + d));
  const starts = offsets.map((offset) => midnight - offset).filter((t) => offsetAt(t) === midnight - t);
  return starts.length > 0 ? Math.min(...starts) : midnight - Math.min(...offsets);
}

export function addDays(date: string, days: number): string {
  return isoDateOf(parseDate(date) + days * DAY);
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let d = assertDate(from); d <= to; d = addDays(d, 1)) dates.push(d);
  return dates;
}

export const monthOf = (date: string): string => date.slice(0, 7);

/** First and last date of a month YYYY-MM. */
export function monthBounds(month: string): { from: string; to: string } {
  const start = parseDate(`${month}-01`);
  const next = new Date(start);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return { from: isoDateOf(start), to: isoDateOf(next.getTime() - DAY) };
}

/** Business minutes of a local date on the calendar (0 on a closed day). */
export function openMinutesOn(date: string, zone: string, calendar: BusinessCalendar): number {
  const start = startOfLocalDate(date, zone);
  const end = startOfLocalDate(addDays(date, 1), zone);
  return businessMinutesBetween(new Date(start), new Date(end), calendar);
}

export function isBusinessDay(date: string, zone: string, calendar: BusinessCalendar): boolean {
  return openMinutesOn(date, zone, calendar) > 0;
}

/**
 * How much of a local date's business hours has passed at `now`: 1 for a date before today,
 * 0 for a later one or a closed day, and today's share of open minutes already gone.
 */
export function businessDayElapsed(
  date: string,
  now: Instant,
  zone: string,
  calendar: BusinessCalendar,
): number {
  const today = localDate(now, zone);
  if (date > today) return 0;
  const open = openMinutesOn(date, zone, calendar);
  if (open === 0) return 0;
  if (date < today) return 1;
  const passed = businessMinutesBetween(
    new Date(startOfLocalDate(date, zone)),
    new Date(toMs(now)),
    calendar,
  );
  return Math.min(1, passed / open);
}

/** Average business minutes of an open weekday: how long "a business day" is on this calendar. */
export function typicalBusinessDayMinutes(calendar: BusinessCalendar): number {
  const days = Object.values(calendar.weekly)
    .map((ranges) => ranges.reduce((sum, [start, end]) => sum + clockMinutes(end) - clockMinutes(start), 0))
    .filter((minutes) => minutes > 0);
  return days.length === 0 ? 0 : days.reduce((a, b) => a + b, 0) / days.length;
}

function clockMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
