/**
 * The ops API's use cases on one lead: reassign it, and read or replace the team roster.
 *
 * Reassigning an untouched lead ends its first-touch wait with `reassign`, so the lifecycle's
 * own HandOff routes it (to the rep ops named, `sla.reassignTo`, or by the rules, never back to
 * the current owner) with a fresh SLA, as "Not my lead" does: no breach reassignment is spent.
 * A lead already touched or accepted has no hand-off ahead; it changes owner in place (ops must
 * name the rep) and its running deadline stays. The write is conditioned on the version read,
 * with the activity id, so a retried request applies nothing twice.
 */
import type { Team } from '../../config/schema.ts';
import type { Lead } from '../domain/lead.ts';
import { findRep, rosterProblems } from '../domain/roster.ts';
import { repOwner } from '../domain/routing.ts';
import { timelineEntry } from '../domain/timeline.ts';
import { activityResults, completeClaimed, completePending } from './lifecycle/wait-handshake.ts';
import type { LeadChange, LifecyclePorts, RosterStore, RosterVersion } from './ports.ts';
import { REMEMBERED_ACTIVITIES } from './record-activity.ts';

export type OpsPorts = Pick<LifecyclePorts, 'config' | 'clock' | 'leads' | 'callbacks' | 'routing'> & {
  roster: RosterStore;
};

export type ReassignResult =
  | { status: 'not-found' }
  | { status: 'refused'; reason: string }
  | { status: 'unknown-rep' }
  | { status: 'handed-off' | 'owner-changed' | 'duplicate'; lead: Lead };

const MAX_ATTEMPTS = 10;
/** Ops override a rep's capacity when they name the rep. */
const NO_CAPACITY_LIMIT = Number.MAX_SAFE_INTEGER;

async function currentTeams(ports: OpsPorts): Promise<Team[]> {
  return (await ports.roster.current())?.teams ?? ports.config.routing.teams;
}

export async function reassignLead(
  ports: OpsPorts,
  leadId: string,
  request: { repId?: string; by: string; activityId: string },
): Promise<ReassignResult> {
  const target = request.repId ? findRep(await currentTeams(ports), request.repId) : undefined;
  if (request.repId && !target) return { status: 'unknown-rep' };
  const now = ports.clock.now();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const read = await ports.leads.getWithWaits(leadId);
    if (!read) return { status: 'not-found' };
    const { lead, waits } = read;
    if (lead.processedActivityIds?.includes(request.activityId)) {
      await completePending(ports, leadId);
      return { status: 'duplicate', lead };
    }
    const remembered = [...(lead.processedActivityIds ?? []), request.activityId].slice(
      -REMEMBERED_ACTIVITIES,
    );
    const to = target ? `${target.rep.name} (${target.rep.id})` : 'the next rep routing picks';
    if (lead.stage === 'assigned') {
      if (target && target.rep.id === lead.owner?.repId)
        return { status: 'refused', reason: `the lead is already ${target.rep.id}'s` };
      const change: LeadChange = {
        set: { 'sla.reassignTo': target?.rep.id, processedActivityIds: remembered },
        timeline: [
          timelineEntry(now, 'reassign-requested', `Ops (${request.by}) reassigned the lead to ${to}`),
        ],
      };
      const results = activityResults(
        [
          {
            kind: 'first-touch',
            result: { decision: 'reassign', reassignments: lead.sla?.reassignments ?? 0 },
          },
        ],
        waits,
      );
      const written = await ports.leads.applyActivity(
        leadId,
        change,
        { expectedVersion: lead.version, results },
        now,
      );
      if (written === 'conflict') continue;
      await completeClaimed(ports, leadId, results);
      return { status: 'handed-off', lead: written };
    }
    if (lead.stage === 'touched' || lead.stage === 'accepted') {
      if (!target)
        return { status: 'refused', reason: `a ${lead.stage} lead goes to a rep ops name (repId)` };
      const owner = repOwner(target.rep, target.team);
      const written = await ports.leads.applyActivity(
        leadId,
        {
          set: { owner, processedActivityIds: remembered },
          timeline: [timelineEntry(now, 'reassigned', `Ops (${request.by}) reassigned the lead to ${to}`)],
        },
        { expectedVersion: lead.version },
        now,
      );
      if (written === 'conflict') continue;
      await ports.routing.reserve(target.rep.id, leadId, NO_CAPACITY_LIMIT);
      if (lead.owner?.repId && lead.owner.repId !== target.rep.id)
        await ports.routing.release(lead.owner.repId, leadId);
      return { status: 'owner-changed', lead: written };
    }
    return { status: 'refused', reason: `a lead in stage ${lead.stage} has no owner to change` };
  }
  throw new Error(`Lead ${leadId} kept changing while reassigning it; retry`);
}

/** The roster in force: the stored one, else the unit config's (version 0). */
export async function currentRoster(ports: Pick<OpsPorts, 'config' | 'roster'>): Promise<RosterVersion> {
  return (await ports.roster.current()) ?? { version: 0, teams: ports.config.routing.teams };
}

export type RosterReplaceResult =
  | { status: 'replaced'; roster: RosterVersion }
  | { status: 'invalid'; problems: Array<{ path: string; message: string }> }
  | { status: 'version-mismatch'; current: number };

/** Replaces the roster if it is still at `expectedVersion`; from the next hand-off on it applies. */
export async function replaceRoster(
  ports: Pick<OpsPorts, 'config' | 'clock' | 'roster'>,
  teams: Team[],
  expectedVersion: number,
  by: string,
): Promise<RosterReplaceResult> {
  const problems = rosterProblems(ports.config.routing, teams);
  if (problems.length) return { status: 'invalid', problems };
  const replaced = await ports.roster.replace(teams, expectedVersion, by, ports.clock.now());
  if (replaced === 'conflict')
    return { status: 'version-mismatch', current: (await currentRoster(ports)).version };
  return { status: 'replaced', roster: replaced };
}
