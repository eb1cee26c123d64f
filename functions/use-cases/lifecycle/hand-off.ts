/**
 * Hand-off: route the lead to a rep (fairly, under concurrent hand-offs into one team), start
 * the first-touch SLA clock, and tell the rep (and, on a reassignment, the manager).
 */
import type { Lead, Owner } from '../../domain/lead.ts';
import { repOwner, routeLead, type SkippedRep, selectTeam } from '../../domain/routing.ts';
import { firstTouchPlan, nextFirstTouchStep } from '../../domain/sla-policy.ts';
import { ownerRef } from '../../domain/timeline.ts';
import type { Step } from './step.ts';
import type { StepContext } from './step-context.ts';

/**
 * Concurrent hand-offs into one team race for its rotation cursor. Losers re-read and retry
 * after a random pause that grows with each attempt (full jitter), so a burst of leads spreads
 * out instead of colliding again in lock-step.
 */
const MAX_ROUTING_ATTEMPTS = 30;
const contentionPause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 5 * 2 ** attempt)));

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

  const { owner, teamId, ruleId, skipped } = reassign?.fallback
    ? fallbackAssignment(ctx)
    : await assignOwner(ctx, lead, excluded);
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

async function assignOwner(ctx: StepContext, lead: Lead, excludeRepIds: string[]): Promise<Assignment> {
  const routing = ctx.config.routing;
  const { team, ruleId } = selectTeam(lead.profile, routing);
  const repIds = team.members.map((m) => m.id);
  for (let attempt = 0; attempt < MAX_ROUTING_ATTEMPTS; attempt++) {
    if (attempt > 0) await contentionPause(attempt);
    const snapshot = await ctx.ports.routing.snapshot(team.id, repIds, lead.leadId);
    // A retried hand-off whose first attempt already reserved a rep keeps that rep.
    const holder = team.members.find((m) => m.id === snapshot.heldBy && !excludeRepIds.includes(m.id));
    if (holder) return { owner: repOwner(holder, team), teamId: team.id, ruleId, skipped: [] };
    const decision = routeLead(
      {
        profile: lead.profile,
        now: ctx.now,
        openLeadsByRep: snapshot.openLeadsByRep,
        rotation: { [team.id]: snapshot.cursor },
        excludeRepIds,
      },
      routing,
      ctx.config.calendar,
    );
    const assignment = {
      owner: decision.owner,
      teamId: decision.teamId,
      ruleId: decision.ruleId,
      skipped: decision.skipped,
    };
    if (decision.decision === 'fallback') return assignment;
    // Another hand-off moved the rotation since our snapshot: route again from the new cursor.
    if (!(await ctx.ports.routing.advanceCursor(decision.teamId, snapshot.cursor, decision.nextCursor)))
      continue;
    const member = team.members.find((m) => m.id === decision.owner.repId);
    // The rep filled up meanwhile: the cursor moved on, so the next round picks someone else.
    if (member && !(await ctx.ports.routing.reserve(member.id, lead.leadId, member.capacity))) continue;
    return assignment;
  }
  throw new Error('Could not assign the lead: routing state kept changing under contention');
}
