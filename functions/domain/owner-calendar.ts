import type { BusinessCalendar, BusinessUnitConfig } from '../../config/schema.ts';
import type { Owner } from './lead.ts';

/** The calendar an owner's SLA runs on: the rep's own working hours if set, else the unit's. */
export function calendarForOwner(
  config: BusinessUnitConfig,
  owner: Pick<Owner, 'repId'> | undefined,
): BusinessCalendar {
  const rep = config.routing.teams.flatMap((t) => t.members).find((m) => m.id === owner?.repId);
  return rep?.calendar ?? config.calendar;
}
