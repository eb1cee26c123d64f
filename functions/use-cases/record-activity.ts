/**
 * Sales and marketing activity that drives the lifecycle waits (primary course):
 * 1. Record the activity on the lead (touch, accept, reject, outcome, engagement).
 * 2. Work out which wait it completes and with what result.
 * 3. Leave that result as "pending" on the lead, then complete the wait if its token is stored.
 *    If the wait has not begun yet (the touch came before the token was stored), the
 *    register-wait step finds the pending result and completes itself. Stale tokens are refused.
 */
import type { BusinessUnitConfig } from '../../config/schema.ts';
import type { WaitKind } from '../../workflows/lifecycle-contract.ts';
import type { PublishedEvent } from '../adapters/event-publisher.ts';
import type { LeadChange, StoredWait } from '../adapters/lead-store.ts';
import type { Clock, Lead, Owner } from '../domain/lead.ts';
import { acceptancePlan, outcomePlan, touchSatisfiesSla } from '../domain/sla-policy.ts';
import { ownerRef, timelineEntry } from '../domain/timeline.ts';
import { capWait } from '../domain/wait-limits.ts';
import type { ActivityEvent, ActivityEventName } from '../events/catalog.ts';

export interface ActivityDependencies {
  config: BusinessUnitConfig;
  clock: Clock;
  calendarFor(owner: Owner | undefined): BusinessUnitConfig['calendar'];
  leads: {
    get(leadId: string): Promise<Lead | undefined>;
    transition(leadId: string, change: LeadChange, now: Date): Promise<Lead>;
    setPending(
      leadId: string,
      kind: string,
      output: Record<string, unknown>,
    ): Promise<StoredWait | undefined>;
    claimWait(
      leadId: string,
      kind: string,
      token: string,
    ): Promise<{ claimed: boolean; pending?: Record<string, unknown> }>;
  };
  events: { publish(events: PublishedEvent[], occurredAt: Date): Promise<void> };
  callbacks: { completeWait(token: string, output: Record<string, unknown>): Promise<'completed' | 'stale'> };
}

type Completion = { kind: WaitKind; output: Record<string, unknown> };

export type ActivityOutcome =
  | { status: 'ignored'; reason: string }
  | { status: 'recorded'; completions: Array<{ kind: WaitKind; result: 'completed' | 'pending' }> };

export async function recordActivity<N extends ActivityEventName>(
  deps: ActivityDependencies,
  type: N,
  activity: ActivityEvent<N>,
): Promise<ActivityOutcome> {
  const now = deps.clock.now();
  const lead = await deps.leads.get(activity.leadId);
  if (!lead) return { status: 'ignored', reason: 'unknown lead' };
  const at = activity.occurredAt ? new Date(activity.occurredAt) : now;
  const completions: Completion[] = [];
  const events: PublishedEvent[] = [];
  const sla = deps.config.sla;
  const calendar = deps.calendarFor(lead.owner);

  const touch = (): LeadChange => {
    const attempts = (lead.sla?.touchAttempts ?? 0) + 1;
    const earliest =
      lead.sla?.firstTouchAt && lead.sla.firstTouchAt < at.toISOString()
        ? lead.sla.firstTouchAt
        : at.toISOString();
    const change: LeadChange = { set: { 'sla.touchAttempts': attempts, 'sla.firstTouchAt': earliest } };
    if (touchSatisfiesSla(attempts, sla) && ['captured', 'qualified', 'assigned'].includes(lead.stage)) {
      const plan = acceptancePlan(now, sla, calendar);
      Object.assign(change.set!, { 'sla.acceptanceDueAt': plan.acceptanceDueAt });
      // Before assignment completes, the touch waits as "pending" and the first-touch wait
      // completes the moment it begins (register-wait then moves the stage on).
      if (lead.stage === 'assigned') change.stage = 'touched';
      completions.push({
        kind: 'first-touch',
        output: { decision: 'touched', timeoutSeconds: plan.timeoutSeconds },
      });
    }
    return change;
  };

  let change: LeadChange;
  switch (type) {
    case 'TouchLogged': {
      const a = activity as ActivityEvent<'TouchLogged'>;
      change = touch();
      change.timeline = [
        timelineEntry(
          now,
          'touch',
          `Touch logged (${a.channel}) by ${a.repEmail ?? lead.owner?.email ?? 'sales'}`,
          {
            at: at.toISOString(),
          },
        ),
      ];
      break;
    }
    case 'LeadAccepted': {
      if (!['assigned', 'touched'].includes(lead.stage))
        return { status: 'ignored', reason: `cannot accept a lead in stage ${lead.stage}` };
      change = lead.stage === 'assigned' ? touch() : { set: {} };
      const plan = outcomePlan(now, sla, calendar);
      change.stage = 'accepted';
      Object.assign(change.set!, {
        'sla.acceptedAt': now.toISOString(),
        'sla.outcomeDueAt': plan.outcomeDueAt,
      });
      change.timeline = [timelineEntry(now, 'accepted', `Accepted by ${lead.owner?.name ?? 'sales'}`)];
      if (lead.stage === 'assigned')
        completions.push({ kind: 'first-touch', output: { decision: 'touched', timeoutSeconds: 1 } });
      completions.push({
        kind: 'decision',
        output: { decision: 'accepted', timeoutSeconds: plan.timeoutSeconds },
      });
      events.push({
        name: 'LeadAccepted',
        leadId: lead.leadId,
        eventId: `${lead.leadId}:accepted`,
        data: { owner: ownerRef(lead.owner) },
      });
      break;
    }
    case 'LeadRejected': {
      if (!['assigned', 'touched'].includes(lead.stage))
        return { status: 'ignored', reason: `cannot reject a lead in stage ${lead.stage}` };
      const reason = (activity as ActivityEvent<'LeadRejected'>).reason;
      change = {
        timeline: [timelineEntry(now, 'rejection', `Rejected by ${lead.owner?.name ?? 'sales'}: ${reason}`)],
      };
      if (lead.stage === 'assigned')
        completions.push({ kind: 'first-touch', output: { decision: 'touched', timeoutSeconds: 1 } });
      completions.push({ kind: 'decision', output: { decision: 'rejected', reason } });
      break;
    }
    case 'OutcomeRecorded': {
      const a = activity as ActivityEvent<'OutcomeRecorded'>;
      if (lead.stage !== 'accepted')
        return { status: 'ignored', reason: `an outcome needs an accepted lead, not stage ${lead.stage}` };
      change = {
        timeline: [
          timelineEntry(
            now,
            'outcome-logged',
            `Outcome logged: ${a.result}${a.reason ? ` (${a.reason})` : ''}`,
          ),
        ],
      };
      completions.push({
        kind: 'outcome',
        output: { decision: 'closed', result: a.result, reason: a.reason },
      });
      break;
    }
    case 'EngagementRecorded': {
      const a = activity as ActivityEvent<'EngagementRecorded'>;
      change = {
        set: { engagements: [...(lead.engagements ?? []), { type: a.type, at: at.toISOString() }] },
        timeline: [timelineEntry(now, 'engagement', `Engagement: ${a.type}`)],
      };
      const points =
        deps.config.scoring.engagementPoints[a.type as keyof typeof deps.config.scoring.engagementPoints] ??
        0;
      // Only engagement that moves the score is worth waking a nurture wait for.
      if (lead.stage === 'nurturing' && points !== 0)
        completions.push({ kind: 'nurture', output: { decision: 'engaged' } });
      break;
    }
    default:
      return { status: 'ignored', reason: `unknown activity ${String(type)}` };
  }

  await deps.leads.transition(lead.leadId, change, now);
  await deps.events.publish(events, now);
  const results: Array<{ kind: WaitKind; result: 'completed' | 'pending' }> = [];
  for (const completion of completions)
    results.push({ kind: completion.kind, result: await complete(deps, lead.leadId, completion) });
  return { status: 'recorded', completions: results };
}

async function complete(
  deps: ActivityDependencies,
  leadId: string,
  completion: Completion,
): Promise<'completed' | 'pending'> {
  const { kind } = completion;
  const output =
    typeof completion.output.timeoutSeconds === 'number'
      ? { ...completion.output, timeoutSeconds: capWait(completion.output.timeoutSeconds) }
      : completion.output;
  // Written before the wait is looked at: register-wait does the reverse, so one of them sees the other.
  const wait = await deps.leads.setPending(leadId, kind, output);
  if (!wait) return 'pending';
  const claim = await deps.leads.claimWait(leadId, kind, wait.token);
  if (!claim.claimed) return 'pending';
  const result = await deps.callbacks.completeWait(wait.token, claim.pending ?? output);
  if (result === 'stale') {
    // That wait had already timed out: keep the result for the next wait of this kind.
    await deps.leads.setPending(leadId, kind, claim.pending ?? output);
    return 'pending';
  }
  return 'completed';
}
