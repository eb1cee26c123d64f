/**
 * When synthetic leads arrive and where they come from, for the history generator (seed.ts).
 *
 * Arrivals follow a weekly profile in the unit's time zone, as inbound B2B forms do: most on
 * weekday late mornings and early afternoons, a lunchtime dip, a tail into the evening, a few
 * at night; Friday afternoons half as busy as other afternoons; weekends and the calendar's
 * holidays a small fraction of a weekday. Web forms do not keep office hours, so leads arrive
 * outside business hours too and wait for the SLA clock to open.
 *
 * The channel mix is UTM source / medium / campaign, weighted: paid search, paid social, the
 * newsletter, organic search (no campaign) and direct traffic (no UTM at all). Channels differ
 * in how often sales accepts what they bring, so acceptance by source is worth looking at.
 */
import { addDays, datesBetween, startOfLocalDate } from '../functions/domain/agreement/dates.ts';
import { offsetMinutes } from '../functions/domain/time-zone.ts';
import type { Random } from './random.ts';

/** Relative arrivals per local hour of the day (index 0 = 00:00-00:59). */
export const ARRIVALS_BY_HOUR: readonly number[] = [
  0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 3, 5, 7, 8, 6, 7, 7.5, 6.5, 5, 3.5, 2.5, 2, 1.8, 1.5, 1, 0.5,
];

/** Relative arrivals per weekday, Monday first (holidays count as a Sunday). */
export const ARRIVALS_BY_WEEKDAY: readonly number[] = [1.1, 1.15, 1.1, 1, 0.95, 0.25, 0.2];

/** Friday from 13:00 gets this share of an ordinary afternoon hour. */
export const FRIDAY_AFTERNOON = { fromHour: 13, factor: 0.5 } as const;

/** How many leads arrive in one local hour of a weekday (0 = Monday), relative to the others. */
export function arrivalWeight(weekday: number, hour: number, holiday = false): number {
  const day = ARRIVALS_BY_WEEKDAY[holiday ? 6 : weekday] ?? 0;
  const friday = !holiday && weekday === 4 && hour >= FRIDAY_AFTERNOON.fromHour;
  return day * (ARRIVALS_BY_HOUR[hour] ?? 0) * (friday ? FRIDAY_AFTERNOON.factor : 1);
}

export interface Channel {
  source?: string;
  medium?: string;
  /** Campaigns of the channel, equally likely; none for organic and direct traffic. */
  campaigns: readonly string[];
  share: number;
  /** Added to the chance sales accepts a lead of this channel. */
  acceptance: number;
}

export const CHANNELS: readonly Channel[] = [
  { source: 'google', medium: 'cpc', campaigns: ['brand-search', 'spring-demo'], share: 0.3, acceptance: 0 },
  {
    source: 'linkedin',
    medium: 'paid-social',
    campaigns: ['cfo-webinar', 'spring-demo'],
    share: 0.2,
    acceptance: -0.1,
  },
  { source: 'newsletter', medium: 'email', campaigns: ['monthly-digest'], share: 0.15, acceptance: -0.15 },
  { source: 'google', medium: 'organic', campaigns: [], share: 0.25, acceptance: 0.05 },
  { campaigns: [], share: 0.1, acceptance: 0.1 },
];

export interface DrawnChannel {
  channel: Channel;
  /** As a submission posts it (`utm`), or nothing for direct traffic. */
  utm?: { source: string; medium: string; campaign?: string };
}

export function drawChannel(random: Random): DrawnChannel {
  const channel = random.weighted(CHANNELS, (c) => c.share);
  const campaign = channel.campaigns.length > 0 ? random.pick(channel.campaigns) : undefined;
  if (!channel.source || !channel.medium) return { channel };
  return {
    channel,
    utm: { source: channel.source, medium: channel.medium, ...(campaign ? { campaign } : {}) },
  };
}

const MINUTE = 60_000;

/** The instant a local wall-clock time falls on (a time DST skips lands an hour on). */
function localInstant(date: string, minuteOfDay: number, zone: string): number {
  const start = startOfLocalDate(date, zone);
  const naive = start + minuteOfDay * MINUTE;
  return naive + (offsetMinutes(zone, start) - offsetMinutes(zone, naive)) * MINUTE;
}

interface HourCell {
  date: string;
  hour: number;
  /** Cumulative weight up to and including this hour. */
  upTo: number;
}

/** The period's local hours with their cumulative arrival weight. */
function hourCells(from: string, to: string, holidays: ReadonlySet<string>): HourCell[] {
  const cells: HourCell[] = [];
  let total = 0;
  for (const date of datesBetween(from, addDays(to, -1))) {
    const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
    for (let hour = 0; hour < 24; hour++) {
      total += arrivalWeight(weekday, hour, holidays.has(date));
      cells.push({ date, hour, upTo: total });
    }
  }
  return cells;
}

export interface ArrivalPeriod {
  /** First local date, included. */
  from: string;
  /** Local date after the last. */
  to: string;
  zone: string;
  /** Local dates that arrive like a Sunday. */
  holidays: readonly string[];
}

/**
 * `count` arrival instants (epoch ms on the whole second, ascending) over the period, shaped by
 * the profile; draw `i` comes from `randomFor(i)`, so it does not depend on the other draws.
 */
export function arrivalInstants(
  period: ArrivalPeriod,
  count: number,
  randomFor: (i: number) => Random,
): number[] {
  const { from, to, zone } = period;
  const cells = hourCells(from, to, new Set(period.holidays));
  const total = cells.at(-1)?.upTo ?? 0;
  if (total <= 0) throw new RangeError(`no arrivals possible from ${from} to ${to}`);
  const end = startOfLocalDate(to, zone);
  return Array.from({ length: count }, (_, i) => {
    const random = randomFor(i);
    const target = random.next() * total;
    let lo = 0;
    let hi = cells.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cells[mid] as HourCell).upTo > target) hi = mid;
      else lo = mid + 1;
    }
    const cell = cells[lo] as HourCell;
    const at = localInstant(cell.date, cell.hour * 60 + random.next() * 60, zone);
    return Math.floor(Math.min(at, end - 1) / 1000) * 1000;
  }).sort((a, b) => a - b);
}
