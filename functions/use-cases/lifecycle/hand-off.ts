/**
 * Hand-off: route the lead to a rep (fairly, under concurrent hand-offs into one team), start
 * the first-touch SLA clock, and tell the rep (and, on a reassignment, the manager).
 */
import type { RoutingConfig } from '../../../config/schema.ts';
import type { Lead, Owner } from '../../domain/lead.ts';
import { findRep, routingWithRoster } from '../../domain/roster.ts';
import { repOwner, routeLead, type SkippedRep, selectTeam } from '../../domain/routing.ts';
import { firstTouchPlan, nextFirstTouchStep } from '../../domain/sla-policy.ts';
import { ownerRef } from '../../domain/timeline.ts';
import type { Step } from './step.ts';
import type { StepContext } from './step-context.ts';

interface Assignment {
  owner: Owner;
  teamId: string;
  ruleId: string | undefined;
  skipped: SkippedRep[];
}

export const handOff: Step<'HandOff'> = async (ctx, { previous }) => {
  const lead = await ctx.lead();
  const reassign = previous.decision === 'reassign' ? previous : undefined;
  const sla = lead.sla ?? {};
  if (lead.stage === 'assigned' && sla.ladder && !reassign) {
    // A retried hand-off that already went through: keep the assignment (and make sure the rep
    // heard about it, in case the first attempt failed right after assigning).
    await ctx.notifyOnce(lead, {
      marker: `assigned-${sla.handoffs ?? 0}`,
      facts: { kind: 'assigned', audiences: ['rep'] },
    });
    const plan = nextFirstTouchStep(sla.ladder, ctx.now, ctx.config.sla, ctx.calendarFor(lead.owner));
    // A rung already due is caught up by a wait that times out at once, never skipped.
    return { decision: 'assigned', timeoutSeconds: plan.decision === 'wait' ? plan.timeoutSeconds : 1 };
  }
  const previousOwner = reassign ? lead.owner : undefined;
  const handoffs = (sla.handoffs ?? 0) + 1;
  const excluded = [...(sla.excludedRepIds ?? []), ...(previousOwner?.repId ? [previousOwner.repId] : [])];
  const reassignments = reassign ? reassign.reassignments : (sla.reassignments ?? 0);

  // The roster current at this hand-off (ops may replace it as data), else the config's.
  const routing = routingWithRoster(ctx.config.routing, (await ctx.ports.roster?.current())?.teams);
  const requested = reassign && !reassign.fallback ? await requestedRep(ctx, routing, lead) : undefined;
  const { owner, teamId, ruleId, skipped } = reassign?.fallback
    ? fallbackAssignment(ctx)
    : (requested ?? (await assignOwner(ctx, lead, excluded, routing)));
  if (previousOwner?.repId) await ctx.ports.routing.release(previousOwner.repId, lead.leadId);

  const plan = firstTouchPlan(ctx.now, ctx.config.sla, ctx.calendarFor(owner), { reassignments });
  const skippedNote = skipped.length
    ? ` (skipped ${skipped.map((s) => `${s.repId}: ${s.reason}`).join(', ')})`
    : '';
  await ctx.record(lead, {
    change: {
      stage: 'assigned',
      set: {
        owner,
        'sla.assignedAt': ctx.now.toISOString(),
        'sla.followUpDueAt': plan.followUpDueAt,
        'sla.reminderAt': plan.reminderAt,
        'sla.ladder': plan.state,
        'sla.reassignments': reassignments,
        'sla.handoffs': handoffs,
        'sla.excludedRepIds': excluded,
        'sla.breachedAt': undefined,
        'sla.reassignTo': undefined,
      },
      timeline: [
        ctx.entry(
          reassign ? 'reassigned' : 'assigned',
          `${reassign ? 'Reassigned' : 'Assigned'} to ${owner.name}${owner.fallback ? ' (fallback: no eligible rep)' : ''} in team ${teamId}${ruleId ? ` by rule ${ruleId}` : ''}; first touch due ${plan.followUpDueAt}${skippedNote}`,
          { skipped },
        ),
      ],
    },
    events: [
      ctx.event('LeadAssigned', `assigned:${handoffs}`, {
        owner: ownerRef(owner),
        followUpDueAt: plan.followUpDueAt,
        ruleId,
      }),
      ...(reassign
        ? [
            ctx.event('LeadReassigned', `reassigned:${handoffs}`, {
              from: ownerRef(previousOwner),
              to: ownerRef(owner),
              reassignments,
            }),
          ]
        : []),
    ],
    alerts: [
      { marker: `assigned-${handoffs}`, facts: { kind: 'assigned', audiences: ['rep'] } },
      ...(previousOwner
        ? [
            {
              marker: `reassigned-away-${handoffs}`,
              facts: {
                kind: 'reassigned-away' as const,
                audiences: ['manager' as const],
                previousOwnerEmail: previousOwner.email,
              },
            },
          ]
        : []),
    ],
  });
  return { decision: 'assigned', timeoutSeconds: plan.timeoutSeconds };
};

/**
 * The rep ops named when they reassigned the lead (POST /leads/{id}/reassign), if they are still
 * on the roster: ops override routing, capacity included.
 */
async function requestedRep(
  ctx: StepContext,
  routing: RoutingConfig,
  lead: Lead,
): Promise<Assignment | undefined> {
  const repId = lead.sla?.reassignTo;
  const found = repId ? findRep(routing.teams, repId) : undefined;
  if (!found) return undefined;
  await ctx.ports.routing.reserve(found.rep.id, lead.leadId, Number.MAX_SAFE_INTEGER);
  return { owner: repOwner(found.rep, found.team), teamId: found.team.id, ruleId: undefined, skipped: [] };
}

/** Nobody ever touched the lead: it goes to the unit's fallback owner, in the default team. */
function fallbackAssignment(ctx: StepContext): Assignment {
  const routing = ctx.config.routing;
  const team = routing.teams.find((t) => t.id === routing.defaultTeam);
  if (!team) throw new Error(`Default team ${routing.defaultTeam} is not configured`);
  return {
    owner: { ...routing.fallback, fallback: true, teamId: team.id, managerEmail: team.manager.email },
    teamId: team.id,
    ruleId: undefined,
    skipped: [],
  };
}

/**
 * Snapshot, ticket, route, reserve: 3 requests, none of which can conflict with another
 * hand-off. The snapshot comes first so a retried hand-off that already holds a rep spends no
 * ticket, and neither does a lead bound for the fallback queue. Only `reserve` can fail, when the
 * rep filled up after the snapshot; the next round's snapshot then shows them full, so the same
 * ticket falls to another eligible rep. Each round rules out a rep, so the rounds are bounded by
 * the team's size (plus one to reach the fallback when everyone filled up).
 */
async function assignOwner(
  ctx: StepContext,
  lead: Lead,
  excludeRepIds: string[],
  routing: RoutingConfig,
): Promise<Assignment> {
  const { team, ruleId } = selectTeam(lead.profile, routing);
  const repIds = team.members.map((m) => m.id);
  let ticket: number | undefined;
  for (let attempt = 0; attempt <= team.members.length; attempt++) {
    const snapshot = await ctx.ports.routing.snapshot(team.id, repIds, lead.leadId);
    // A retried hand-off whose first attempt already reserved a rep keeps that rep.
    const holder = team.members.find((m) => m.id === snapshot.heldBy && !excludeRepIds.includes(m.id));
    if (holder) return { owner: repOwner(holder, team), teamId: team.id, ruleId, skipped: [] };
    const route = (turn: number) =>
      routeLead(
        { profile: lead.profile, now: ctx.now, openLeadsByRep: snapshot.openLeadsByRep, turn, excludeRepIds },
        routing,
        ctx.config.calendar,
      );
    let decision = route(0);
    if (decision.decision === 'assigned') {
      ticket ??= await ctx.ports.routing.takeTicket(team.id);
      // Tickets count from 1; turn 0 is the first eligible rep's.
      decision = route(ticket - 1);
    }
    const assignment = {
      owner: decision.owner,
      teamId: decision.teamId,
      ruleId: decision.ruleId,
      skipped: decision.skipped,
    };
    if (decision.decision === 'fallback') return assignment;
    const member = team.members.find((m) => m.id === decision.owner.repId);
    if (member && !(await ctx.ports.routing.reserve(member.id, lead.leadId, member.capacity))) continue;
    return assignment;
  }
  throw new Error('Could not assign the lead: every rep it was routed to filled up first');
}
