/**
 * A time zone's UTC offset at an instant, from the platform's own tz data (Intl, ICU).
 *
 * Hand-written rather than luxon's IANAZone because the business calendar needs only this,
 * and luxon (70 KB minified) is parsed on every cold start of each function that reaches the
 * calendar. The arithmetic is luxon's (IANAZone.offset, 3.7): format the instant as local wall
 * time, read that back as if it were UTC, subtract the instant truncated to the second. So the
 * results are the same to the minute, which test/unit/business-hours-zones.test.ts checks
 * against luxon itself.
 */

const MINUTE = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * One formatter per zone for the life of the process: constructing an Intl.DateTimeFormat
 * (locale and zone data lookups) costs far more than formatting with it. An unknown zone throws
 * a RangeError here, before anything is cached.
 */
function wallClock(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      // h23: midnight is hour 0; luxon's hour12:false can render it as 24 and must correct that.
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** Whether the platform knows `zone` (an IANA name such as Europe/Berlin, or UTC). */
export function isValidTimeZone(zone: string): boolean {
  if (!zone) return false;
  try {
    wallClock(zone);
    return true;
  } catch {
    return false;
  }
}

/** Minutes `zone` is ahead of UTC at epoch millisecond `t` (Berlin in summer: 120). */
export function offsetMinutes(zone: string, t: number): number {
  // As a Date holds it: whole milliseconds (truncated), NaN outside its range.
  const ms = new Date(t).getTime();
  if (Number.isNaN(ms)) return Number.NaN;
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let beforeCommonEra = false;
  for (const { type, value } of wallClock(zone).formatToParts(ms)) {
    if (type === 'year') year = Number(value);
    else if (type === 'month') month = Number(value);
    else if (type === 'day') day = Number(value);
    else if (type === 'hour') hour = Number(value);
    else if (type === 'minute') minute = Number(value);
    else if (type === 'second') second = Number(value);
    else if (type === 'era') beforeCommonEra = value === 'BC';
  }
  if (beforeCommonEra) year = 1 - year;
  let local = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC reads years 0..99 as 1900..1999.
  if (year >= 0 && year < 100) local = new Date(local).setUTCFullYear(year, month - 1, day);
  const wholeSecond = ms - (((ms % 1000) + 1000) % 1000);
  return (local - wholeSecond) / MINUTE;
}

/** The date in `zone` at epoch millisecond `t`, as YYYY-MM-DD (for years 0 to 9999). */
export function localIsoDate(zone: string, t: number): string {
  return new Date(t + offsetMinutes(zone, t) * MINUTE).toISOString().slice(0, 10);
}
