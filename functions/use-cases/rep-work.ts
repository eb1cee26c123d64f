/**
 * The rep API's use cases: a rep's open leads with their deadlines, and their activity on a
 * lead (touch, accept, reject, outcome), which goes through `recordActivity` exactly as the same
 * event from the bus does, so it completes the wait it ends and lands on the timeline.
 *
 * Ownership is the caller's to judge (`owns`, the same rule as GET /leads/{id}); it is checked
 * on the lead as read and again on the read the activity's write is conditioned on, so a lead
 * reassigned in between is not touched by its former owner.
 */
import type { Rep } from '../../config/schema.ts';
import type { Lead, Owner } from '../domain/lead.ts';
import { byDeadline } from '../domain/lead-queue.ts';
import { repsOf } from '../domain/roster.ts';
import type { ActivityEvent, ActivityEventName } from '../events/catalog.ts';
import type { RepQueue, RosterStore } from './ports.ts';
import { type ActivityOutcome, type ActivityPorts, recordActivity } from './record-activity.ts';

export interface RepCaller {
  subject: string;
  verifiedEmail?: string;
  owns(owner: Owner | undefined): boolean;
}

export type RepWorkPorts = ActivityPorts & { queue: RepQueue; roster: RosterStore };

/** The caller's open leads (every rep of the roster they are), soonest deadline first. */
export async function myOpenLeads(ports: RepWorkPorts, caller: RepCaller): Promise<Lead[]> {
  const teams = (await ports.roster.current())?.teams ?? ports.config.routing.teams;
  return openLeadsHeldBy(ports.queue, repsOf(teams, caller), (owner) => caller.owns(owner));
}

/**
 * The open leads the reps' loads name and `owns` accepts, soonest deadline first. The load can
 * lag a reassignment by a moment: only leads owned now count.
 */
export async function openLeadsHeldBy(
  queue: RepQueue,
  reps: readonly Pick<Rep, 'id'>[],
  owns: (owner: Owner | undefined) => boolean,
): Promise<Lead[]> {
  const leads = new Map<string, Lead>();
  for (const rep of reps)
    for (const lead of await queue.leadsHeldBy(rep.id)) if (owns(lead.owner)) leads.set(lead.leadId, lead);
  return [...leads.values()].sort(byDeadline);
}

export type RepActivityResult = ActivityOutcome | { status: 'not-found' };

/**
 * Records the caller's activity on a lead they own. Not theirs (or no such lead): 'not-found',
 * the same answer either way, so lead ids cannot be probed.
 */
export async function recordRepActivity<N extends ActivityEventName>(
  ports: RepWorkPorts,
  caller: RepCaller,
  type: N,
  activity: ActivityEvent<N>,
  activityId: string | undefined,
): Promise<RepActivityResult> {
  const lead = await ports.leads.get(activity.leadId);
  if (!lead || !caller.owns(lead.owner)) return { status: 'not-found' };
  let handedOn = false;
  const outcome = await recordActivity(ports, type, activity, {
    ...(activityId ? { activityId } : {}),
    guard: (current) => {
      if (caller.owns(current.owner)) return undefined;
      handedOn = true;
      return 'the lead is no longer yours';
    },
  });
  return handedOn ? { status: 'not-found' } : outcome;
}
