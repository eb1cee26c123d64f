/**
 * The period's days and the marketing commitment paced over them.
 *
 * A month's commitment is spread evenly over that month's business days (local dates with
 * opening hours on the unit's calendar), each day under the agreement version in force on it:
 *   daily(d)      = sqlsPerMonth(version on d) / businessDays(month of d)   (0 on a closed day)
 *   commitment    = Σ daily(d) over the period's days
 *   expectedSoFar = Σ daily(d) · elapsed(d)   (elapsed: 1 before today, today's share of
 *                                              business hours gone, 0 after)
 *   pace          = delivered / expectedSoFar          (null while expectedSoFar is 0)
 *   projected     = pace · commitment                  (delivered once the period is over)
 */
import type { AgreementVersion, BusinessUnitConfig } from '../../../config/schema.ts';
import {
  assertDate,
  businessDayElapsed,
  datesBetween,
  type Instant,
  isBusinessDay,
  monthBounds,
  monthOf,
} from '../agreement/dates.ts';
import { versionOn } from '../agreement/versions.ts';
import { round } from './stats.ts';
import type { PaceFigure, Period } from './types.ts';

export interface PeriodDay {
  date: string;
  open: boolean;
  /** Share of the day's business hours gone by `now` (0..1). */
  elapsed: number;
  version: AgreementVersion;
}

export interface PeriodCalendar {
  days: PeriodDay[];
  /** Business days of each month the period touches (whole months, also outside the period). */
  monthBusinessDays: Map<string, number>;
}

export function periodCalendar(
  period: Period,
  now: Instant,
  config: Pick<BusinessUnitConfig, 'timezone' | 'calendar'>,
  versions: readonly AgreementVersion[],
): PeriodCalendar {
  assertDate(period.from);
  assertDate(period.to);
  if (period.to < period.from)
    throw new RangeError(`period ends (${period.to}) before it starts (${period.from})`);
  const { timezone, calendar } = config;
  const days = datesBetween(period.from, period.to).map((date) => ({
    date,
    open: isBusinessDay(date, timezone, calendar),
    elapsed: businessDayElapsed(date, now, timezone, calendar),
    version: versionOn(versions, date),
  }));
  const monthBusinessDays = new Map<string, number>();
  for (const { date } of days) {
    const month = monthOf(date);
    if (monthBusinessDays.has(month)) continue;
    const { from, to } = monthBounds(month);
    const open = datesBetween(from, to).filter((d) => isBusinessDay(d, timezone, calendar)).length;
    monthBusinessDays.set(month, open);
  }
  return { days, monthBusinessDays };
}

export function paceFigure(
  cal: PeriodCalendar,
  delivered: number,
  monthly: (v: AgreementVersion) => number,
  behindBy: number,
  segment?: string,
): PaceFigure {
  let commitment = 0;
  let expected = 0;
  for (const day of cal.days) {
    const monthDays = cal.monthBusinessDays.get(monthOf(day.date)) ?? 0;
    if (!day.open || monthDays === 0) continue;
    const daily = monthly(day.version) / monthDays;
    commitment += daily;
    expected += daily * day.elapsed;
  }
  const complete = cal.days.every((d) => !d.open || d.elapsed === 1);
  const pace = expected > 0 ? round(delivered / expected, 4) : null;
  const projected = complete
    ? delivered
    : pace === null
      ? null
      : round((delivered / expected) * commitment, 2);
  const status =
    pace === null ? null : pace >= 1 ? 'on pace' : pace >= round(1 - behindBy, 6) ? 'at risk' : 'behind';
  return {
    ...(segment !== undefined ? { segment } : {}),
    delivered,
    commitment: round(commitment, 2),
    expectedSoFar: round(expected, 2),
    pace,
    projected,
    status,
  };
}

export const segmentMonthly =
  (id: string) =>
  (v: AgreementVersion): number =>
    v.marketing.bySegment?.find((s) => s.id === id)?.sqlsPerMonth ?? 0;
