/**
 * Which reps get their daily digest (notifications/digest.ts) at one run of its hourly schedule
 * (scorecard/report-schedules.ts). A rep's day is their calendar's (else the unit's): the digest
 * goes out at the first run at or after `email.repDigest.localTime` on their wall clock, on that
 * calendar's business days and not while they are out of office. A run is hourly, so the window
 * is one hour: a rep whose zone is off the unit's by a fraction of an hour gets it up to 59
 * minutes late, and a wall-clock time the DST switch skips (02:30 in spring) sends nothing that
 * day; a repeated hour (autumn) matches twice, which the once-per-day marker absorbs.
 */
import type { BusinessUnitConfig, Rep, Team } from '../../config/schema.ts';
import { isBusinessDay } from './agreement/dates.ts';
import { localIsoDate, offsetMinutes } from './time-zone.ts';

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;
/** The schedule's period: each local send time falls into exactly one run's window. */
const RUN_EVERY_MINUTES = 60;

export interface DueRepDigest {
  rep: Rep;
  /** The rep's local date the digest is for (YYYY-MM-DD): at most one digest per rep and date. */
  localDate: string;
}

/** Minutes since local midnight on the wall clock of `zone` at `t`. */
function wallClockMinutes(zone: string, t: number): number {
  const local = Math.floor((t + Math.round(offsetMinutes(zone, t) * MINUTE)) / MINUTE);
  return ((local % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
}

/** The reps of the roster whose digest the run at `at` sends, each once (a rep may sit in two teams). */
export function repDigestsDue(
  teams: readonly Team[],
  config: Pick<BusinessUnitConfig, 'calendar' | 'email'>,
  at: Date,
): DueRepDigest[] {
  const [hours = 0, minutes = 0] = config.email.repDigest.localTime.split(':').map(Number);
  const sendAt = hours * 60 + minutes;
  const due = new Map<string, DueRepDigest>();
  for (const rep of teams.flatMap((t) => t.members)) {
    if (due.has(rep.id)) continue;
    const calendar = rep.calendar ?? config.calendar;
    const zone = calendar.timezone;
    const sinceSendTime = (wallClockMinutes(zone, at.getTime()) - sendAt + DAY_MINUTES) % DAY_MINUTES;
    if (sinceSendTime >= RUN_EVERY_MINUTES) continue;
    const localDate = localIsoDate(zone, at.getTime());
    if (!isBusinessDay(localDate, zone, calendar)) continue;
    if (rep.outOfOffice.some((away) => away.from <= localDate && localDate <= away.to)) continue;
    due.set(rep.id, { rep, localDate });
  }
  return [...due.values()];
}
