/**
 * A business-calendar clock: SLA deadlines count only minutes inside opening hours.
 *
 * Model. The calendar is open at instant t when t's local date (in `calendar.timezone`) is not
 * a holiday and t's local wall-clock time lies in one of that weekday's [start, end) ranges
 * ('24:00' as end means midnight). A business minute is a real elapsed minute while open, so:
 * - on a spring-forward day a range that spans the skipped hour is one hour shorter, and a
 *   range inside the skipped hour is empty;
 * - on a fall-back day a range that spans the repeated hour is one hour longer.
 *
 * Semantics of the public functions:
 * - `isWithinBusinessHours(t)` is true for t in [start, end); `{ inclusiveEnd: true }` also
 *   accepts the end instant of a range, which is where `addBusinessMinutes` may land.
 * - `nextBusinessInstant(t)` is t itself when open, else the start of the next open range.
 * - `addBusinessMinutes(t, n)` for n > 0 is the instant at which the n-th open minute after t
 *   ends: within business hours or exactly at the end of a range (a 17:00 close is due at
 *   17:00, not at 09:00 the next day). For n = 0 it is `nextBusinessInstant(t)`: a zero-minute
 *   deadline is due when the office next opens. Fractional minutes are allowed (ms precision),
 *   so `add(add(t, a), b) === add(t, a + b)` for a, b > 0.
 * - `businessMinutesBetween(a, b)` counts open minutes in [a, b); negative when b < a.
 *
 * The clock walks whole open ranges day by day (never minute by minute) and caches each
 * calendar's days, so a year of business time costs a few hundred cheap steps. A calendar
 * that stays closed for three years in a row is a configuration error and throws.
 */
import type { BusinessCalendar } from '../../config/schema.ts';
import { isValidTimeZone, offsetMinutes } from './time-zone.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Longest closed stretch tolerated before the calendar is declared never open. */
const MAX_CLOSED_DAYS = 3 * 366;
/** Offsets in the tz database stay within -12h..+14h; these bounds cover a local day fully. */
const DAY_WINDOW_BEFORE = 15 * HOUR;
const DAY_WINDOW_AFTER = DAY + 13 * HOUR;
/** Zones change offset at most once within this span, so one binary search per chunk finds it. */
const OFFSET_CHUNK = 8 * HOUR;
const MAX_CACHED_DAYS = 20_000;

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** [start, end) in epoch milliseconds. */
type Interval = readonly [number, number];

interface CompiledCalendar {
  /** IANA name, e.g. Europe/Berlin. */
  zone: string;
  /** Index 0 = Sunday, like `Date#getUTCDay`; ranges in minutes of the local day. */
  weekly: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  holidays: ReadonlySet<string>;
  /** Instants the clock stands still although the calendar is open (SLA pauses), sorted. */
  pauses: readonly Interval[];
  days: Map<number, Interval[]>;
}

/**
 * A calendar whose clock also stands still during `pauses` (a lead's SLA paused by ops): a
 * paused minute is no business minute, so deadlines move on by the business time paused.
 */
export type PausableCalendar = BusinessCalendar & {
  pauses?: ReadonlyArray<{ from: string; to: string }>;
};

/** The calendar with these pauses excluded (the calendar itself when there are none). */
export function withPauses(
  calendar: BusinessCalendar,
  pauses: ReadonlyArray<{ from: string; to: string }> | undefined,
): PausableCalendar {
  return pauses?.length ? { ...calendar, pauses } : calendar;
}

/** [start, end) intervals with the pauses cut out of them. */
function withoutPauses(intervals: Interval[], pauses: readonly Interval[]): Interval[] {
  if (pauses.length === 0) return intervals;
  const open: Interval[] = [];
  for (const [start, end] of intervals) {
    let from = start;
    for (const [pauseFrom, pauseTo] of pauses) {
      if (pauseTo <= from || pauseFrom >= end) continue;
      if (pauseFrom > from) open.push([from, pauseFrom]);
      from = Math.max(from, pauseTo);
    }
    if (from < end) open.push([from, end]);
  }
  return open;
}

export class BusinessCalendarError extends Error {
  override name = 'BusinessCalendarError';
}

const compiledCalendars = new WeakMap<BusinessCalendar, CompiledCalendar>();

function parseClock(hhmm: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
  if (!(minutes >= 0 && minutes <= 24 * 60)) throw new BusinessCalendarError(`invalid time of day '${hhmm}'`);
  return minutes;
}

function compile(calendar: PausableCalendar): CompiledCalendar {
  const cached = compiledCalendars.get(calendar);
  if (cached) return cached;
  const zone = calendar.timezone;
  if (!isValidTimeZone(zone)) throw new BusinessCalendarError(`unknown time zone '${zone}'`);
  const weekly = WEEKDAYS.map((day) =>
    (calendar.weekly[day] ?? []).map(([start, end]) => {
      const range = [parseClock(start), parseClock(end)] as const;
      if (range[1] <= range[0]) {
        throw new BusinessCalendarError(`opening range ${start}-${end} on ${day} must end after it starts`);
      }
      return range;
    }),
  );
  const compiled: CompiledCalendar = {
    zone,
    weekly,
    holidays: new Set(calendar.holidays ?? []),
    pauses: (calendar.pauses ?? [])
      .map((p) => [Date.parse(p.from), Date.parse(p.to)] as const)
      .filter(([from, to]) => from < to)
      .sort((a, b) => a[0] - b[0]),
    days: new Map(),
  };
  compiledCalendars.set(calendar, compiled);
  return compiled;
}

const offsetMs = (zone: string, t: number): number => offsetMinutes(zone, t) * MINUTE;

/** Midnight of t's local date, expressed as a UTC epoch (a day key, not an instant). */
function localDay(zone: string, t: number): number {
  return Math.floor((t + offsetMs(zone, t)) / DAY) * DAY;
}

/** Splits [from, to) into pieces of constant UTC offset. */
function constantOffsetPieces(zone: string, from: number, to: number): Array<[number, number, number]> {
  const pieces: Array<[number, number, number]> = [];
  let pieceStart = from;
  let pieceOffset = offsetMs(zone, from);
  for (let chunkEnd = from + OFFSET_CHUNK; pieceStart < to; chunkEnd += OFFSET_CHUNK) {
    const end = Math.min(chunkEnd, to);
    if (offsetMs(zone, end) !== pieceOffset) {
      let lo = Math.max(pieceStart, end - OFFSET_CHUNK);
      let hi = end;
      while (hi - lo > MINUTE) {
        const mid = lo + Math.max(MINUTE, Math.floor((hi - lo) / (2 * MINUTE)) * MINUTE);
        if (offsetMs(zone, mid) === pieceOffset) lo = mid;
        else hi = mid;
      }
      pieces.push([pieceStart, hi, pieceOffset]);
      pieceStart = hi;
      pieceOffset = offsetMs(zone, hi);
    }
    if (end === to) break;
  }
  pieces.push([pieceStart, to, pieceOffset]);
  return pieces;
}

function isoDate(day: number): string {
  return new Date(day).toISOString().slice(0, 10);
}

/** The open intervals of one local date, sorted and merged. */
function openIntervalsOfDay(cal: CompiledCalendar, day: number): Interval[] {
  const cached = cal.days.get(day);
  if (cached) return cached;
  const ranges = cal.holidays.has(isoDate(day)) ? [] : (cal.weekly[new Date(day).getUTCDay()] ?? []);
  const raw: Array<[number, number]> = [];
  if (ranges.length > 0) {
    // Inside a piece with offset o, local time-of-day is linear in t, so each range maps exactly.
    for (const [p0, p1, offset] of constantOffsetPieces(
      cal.zone,
      day - DAY_WINDOW_BEFORE,
      day + DAY_WINDOW_AFTER,
    )) {
      for (const [start, end] of ranges) {
        const lo = Math.max(p0, day + start * MINUTE - offset);
        const hi = Math.min(p1, day + end * MINUTE - offset);
        if (lo < hi) raw.push([lo, hi]);
      }
    }
  }
  raw.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const iv of raw) {
    const last = merged.at(-1);
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  const open = withoutPauses(merged, cal.pauses);
  if (cal.days.size >= MAX_CACHED_DAYS) cal.days.clear();
  cal.days.set(day, open);
  return open;
}

/**
 * Open intervals that end after `from`, in order. Contiguous intervals of adjacent days are
 * not merged; callers treat a shared boundary as continuous time. With `until`, stops once
 * no later interval can start before it (and never throws).
 */
function* openIntervalsAfter(cal: CompiledCalendar, from: number, until?: number): Generator<Interval> {
  let closedDays = 0;
  // Start a day early: an unusual zone may map instants after `from` to the previous date.
  for (let day = localDay(cal.zone, from) - DAY; ; day += DAY) {
    if (until !== undefined && day - DAY_WINDOW_BEFORE > until) return;
    let opened = false;
    for (const iv of openIntervalsOfDay(cal, day)) {
      if (iv[1] <= from) continue;
      opened = true;
      yield iv;
    }
    closedDays = opened ? 0 : closedDays + 1;
    if (closedDays > MAX_CLOSED_DAYS && until === undefined) {
      throw new BusinessCalendarError(
        `business calendar (${cal.zone}) has no opening hours in the 3 years after ${new Date(from).toISOString()}`,
      );
    }
  }
}

function epoch(t: Date): number {
  const ms = t.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid date');
  return ms;
}

export function isWithinBusinessHours(
  t: Date,
  calendar: BusinessCalendar,
  options: { inclusiveEnd?: boolean } = {},
): boolean {
  const cal = compile(calendar);
  const ms = epoch(t);
  const day = localDay(cal.zone, ms);
  for (const d of [day - DAY, day, day + DAY]) {
    for (const [start, end] of openIntervalsOfDay(cal, d)) {
      if (start <= ms && (ms < end || (options.inclusiveEnd === true && ms === end))) return true;
    }
  }
  return false;
}

export function nextBusinessInstant(t: Date, calendar: BusinessCalendar): Date {
  const ms = epoch(t);
  for (const [start] of openIntervalsAfter(compile(calendar), ms)) return new Date(Math.max(start, ms));
  throw new BusinessCalendarError('unreachable: the interval walk ends only by throwing');
}

export function addBusinessMinutes(start: Date, minutes: number, calendar: BusinessCalendar): Date {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`business minutes must be a finite number >= 0, got ${minutes}`);
  }
  if (minutes === 0) return nextBusinessInstant(start, calendar);
  const from = epoch(start);
  let remaining = Math.round(minutes * MINUTE);
  for (const [open, close] of openIntervalsAfter(compile(calendar), from)) {
    const begin = Math.max(open, from);
    if (remaining <= close - begin) return new Date(begin + remaining);
    remaining -= close - begin;
  }
  throw new BusinessCalendarError('unreachable: the interval walk ends only by throwing');
}

export function businessMinutesBetween(a: Date, b: Date, calendar: BusinessCalendar): number {
  const from = epoch(a);
  const to = epoch(b);
  if (to < from) return -businessMinutesBetween(b, a, calendar);
  let total = 0;
  for (const [open, close] of openIntervalsAfter(compile(calendar), from, to)) {
    if (open >= to) break;
    total += Math.min(close, to) - Math.max(open, from);
  }
  return total / MINUTE;
}
