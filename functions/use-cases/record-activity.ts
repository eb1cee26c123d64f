/**
 * Sales and marketing activity that drives the lifecycle waits (primary course):
 * 1. Read the lead; an activity id it already applied is not applied again (redelivery).
 * 2. Work out the change (touch, accept, reject, outcome, engagement) and which waits it
 *    completes with which decision (typed by the contract).
 * 3. Write the change, the activity id and the waits' results in one update, on the version
 *    (and the waits in progress) that were read: two activities at the same moment never lose
 *    one another's update; the loser reads again and is judged on the lead as the winner left
 *    it. A wait in progress is claimed by that write; one that has not begun finds its result
 *    pending when it does (wait handshake, lifecycle/wait-handshake.ts).
 * 4. Complete each wait the write claimed.
 */

import { randomUUID } from 'node:crypto';
import type { WaitKind } from '../../workflows/lifecycle-contract.ts';
import { businessMinutesBetween } from '../domain/business-hours.ts';
import type { Lead } from '../domain/lead.ts';
import { calendarForOwner } from '../domain/owner-calendar.ts';
import { engagementScores } from '../domain/scoring.ts';
import { acceptancePlan, outcomePlan, touchSatisfiesSla } from '../domain/sla-policy.ts';
import { ownerRef, timelineEntry } from '../domain/timeline.ts';
import type { ActivityEvent, ActivityEventName } from '../events/catalog.ts';
import {
  activityResults,
  completeClaimed,
  completePending,
  type WaitCompletion,
} from './lifecycle/wait-handshake.ts';
import type { LeadChange, LifecyclePorts, PublishedEvent } from './ports.ts';

export type ActivityPorts = Pick<LifecyclePorts, 'config' | 'clock' | 'leads' | 'events' | 'callbacks'>;

export type ActivityOutcome =
  | { status: 'ignored'; reason: string }
  | {
      status: 'recorded' | 'duplicate';
      completions: Array<{ kind: WaitKind; result: 'completed' | 'pending' }>;
    };

/** How many activity ids a lead remembers (redeliveries come within minutes, not 50 activities later). */
export const REMEMBERED_ACTIVITIES = 50;
/** Concurrent activities on one lead retry on the fresh version at most this often. */
const MAX_ATTEMPTS = 10;

/** What one activity does to a lead: the change, the events, and the waits it completes. */
interface Recorded {
  change: LeadChange;
  events?: PublishedEvent[];
  /** When the events happened, if not now (a touch happened when the rep made it). */
  occurredAt?: Date;
  completions?: WaitCompletion[];
}

type Recorder<N extends ActivityEventName> = (
  facts: { ports: ActivityPorts; lead: Lead; now: Date; at: Date },
  activity: ActivityEvent<N>,
) => Recorded | { ignored: string };

/** Stages in which a touch still counts towards the first-touch SLA. */
const BEFORE_FIRST_TOUCH = ['captured', 'qualified', 'assigned'];
const AWAITING_DECISION = ['assigned', 'touched'];
/** Stages in which the lead is with the owner of its current assignment. */
const WITH_OWNER = ['assigned', 'touched', 'accepted'];

/** A touch attempt; once the unit's minimum is reached, the first-touch wait completes. */
function touch({ ports, lead, now, at }: Parameters<Recorder<'TouchLogged'>>[0]): Recorded {
  const sla = ports.config.sla;
  const attempts = (lead.sla?.touchAttempts ?? 0) + 1;
  const first = lead.sla?.firstTouchAt;
  const change: LeadChange = {
    set: {
      'sla.touchAttempts': attempts,
      'sla.firstTouchAt': first && first < at.toISOString() ? first : at.toISOString(),
    },
  };
  if (!touchSatisfiesSla(attempts, sla) || !BEFORE_FIRST_TOUCH.includes(lead.stage)) return { change };
  const plan = acceptancePlan(now, sla, calendarForOwner(ports.config, lead.owner));
  Object.assign(change.set as object, { 'sla.acceptanceDueAt': plan.acceptanceDueAt });
  // Before assignment completes, the touch waits as "pending" and the first-touch wait
  // completes the moment it begins (the wait handshake then moves the stage on).
  if (lead.stage === 'assigned') change.stage = 'touched';
  return {
    change,
    completions: [
      { kind: 'first-touch', result: { decision: 'touched', timeoutSeconds: plan.timeoutSeconds } },
    ],
  };
}

/**
 * LeadTouched for an applied touch. A redelivered activity is recognised by its id and applies
 * nothing, so it publishes nothing; the event id counts the lead's touch attempts (never reset,
 * one more per applied touch), the same however the step is replayed.
 */
function touchedEvent(
  { ports, lead, now, at }: Parameters<Recorder<'TouchLogged'>>[0],
  activity: ActivityEvent<'TouchLogged'>,
  change: LeadChange,
): Pick<Recorded, 'events' | 'occurredAt'> {
  // A sender's clock ahead of ours cannot put the touch in the future.
  const touchedAt = at < now ? at : now;
  const assignedAt = WITH_OWNER.includes(lead.stage) ? lead.sla?.assignedAt : undefined;
  const calendar = calendarForOwner(ports.config, lead.owner);
  const set = change.set as Record<string, unknown>;
  const acceptanceDueAt = set['sla.acceptanceDueAt'] as string | undefined;
  const touchAttempts = set['sla.touchAttempts'] as number;
  return {
    occurredAt: touchedAt,
    events: [
      {
        name: 'LeadTouched',
        leadId: lead.leadId,
        eventId: `${lead.leadId}:touched:${touchAttempts}`,
        data: {
          owner: assignedAt ? ownerRef(lead.owner) : {},
          channel: activity.channel,
          touchAttempts,
          ...(assignedAt
            ? {
                businessMinutesSinceAssigned: Math.max(
                  0,
                  businessMinutesBetween(new Date(assignedAt), touchedAt, calendar),
                ),
              }
            : {}),
          ...(acceptanceDueAt ? { acceptanceDueAt } : {}),
          ...(activity.topics?.length ? { topics: activity.topics } : {}),
        },
      },
    ],
  };
}

/** Accepting or rejecting before a touch was logged ends the first-touch wait too. */
const skipFirstTouch = (lead: Lead): WaitCompletion[] =>
  lead.stage === 'assigned'
    ? [{ kind: 'first-touch', result: { decision: 'touched', timeoutSeconds: 1 } }]
    : [];

const RECORDERS: { [N in ActivityEventName]: Recorder<N> } = {
  TouchLogged: (facts, a) => {
    const recorded = touch(facts);
    recorded.change.timeline = [
      timelineEntry(
        facts.now,
        'touch',
        `Touch logged (${a.channel}) by ${a.repEmail ?? facts.lead.owner?.email ?? 'sales'}${a.topics?.length ? `; asked about ${a.topics.join(', ')}` : ''}`,
        {
          at: facts.at.toISOString(),
          ...(a.topics?.length ? { topics: a.topics } : {}),
        },
      ),
    ];
    return { ...recorded, ...touchedEvent(facts, a, recorded.change) };
  },
  LeadAccepted: (facts) => {
    const { ports, lead, now } = facts;
    if (!AWAITING_DECISION.includes(lead.stage))
      return { ignored: `cannot accept a lead in stage ${lead.stage}` };
    const touched = lead.stage === 'assigned' ? touch(facts).change : { set: {} };
    const plan = outcomePlan(now, ports.config.sla, calendarForOwner(ports.config, lead.owner));
    return {
      change: {
        ...touched,
        stage: 'accepted',
        set: { ...touched.set, 'sla.acceptedAt': now.toISOString(), 'sla.outcomeDueAt': plan.outcomeDueAt },
        timeline: [timelineEntry(now, 'accepted', `Accepted by ${lead.owner?.name ?? 'sales'}`)],
      },
      events: [
        {
          name: 'LeadAccepted',
          leadId: lead.leadId,
          eventId: `${lead.leadId}:accepted`,
          data: { owner: ownerRef(lead.owner) },
        },
      ],
      completions: [
        ...skipFirstTouch(lead),
        { kind: 'decision', result: { decision: 'accepted', timeoutSeconds: plan.timeoutSeconds } },
      ],
    };
  },
  LeadRejected: ({ lead, now }, a) => {
    if (!AWAITING_DECISION.includes(lead.stage))
      return { ignored: `cannot reject a lead in stage ${lead.stage}` };
    return {
      change: {
        timeline: [
          timelineEntry(now, 'rejection', `Rejected by ${lead.owner?.name ?? 'sales'}: ${a.reason}`),
        ],
      },
      completions: [
        ...skipFirstTouch(lead),
        { kind: 'decision', result: { decision: 'rejected', reason: a.reason } },
      ],
    };
  },
  // "Not my lead" from the owner of an untouched lead: the first-touch wait ends with
  // `reassign`, so HandOff routes it to someone else (never back to this rep) with a fresh SLA.
  // It uses no reassignment of the breach ladder: nobody let the SLA slip.
  LeadDeclined: ({ lead, now }, a) => {
    if (lead.stage !== 'assigned')
      return { ignored: `only an untouched assigned lead can be declined, not stage ${lead.stage}` };
    if (lead.owner?.fallback) return { ignored: 'the fallback queue cannot hand a lead on' };
    const by = lead.owner?.name ?? 'The owner';
    return {
      change: {
        timeline: [
          timelineEntry(now, 'declined', `${by}: not my lead${a.reason ? ` (${a.reason})` : ''}`, {
            by,
            handoff: lead.sla?.handoffs ?? 0,
          }),
        ],
      },
      completions: [
        {
          kind: 'first-touch',
          result: { decision: 'reassign', reassignments: lead.sla?.reassignments ?? 0 },
        },
      ],
    };
  },
  OutcomeRecorded: ({ lead, now }, a) => {
    if (lead.stage !== 'accepted')
      return { ignored: `an outcome needs an accepted lead, not stage ${lead.stage}` };
    return {
      change: {
        ...(a.amount !== undefined ? { set: { dealAmount: a.amount } } : {}),
        timeline: [
          timelineEntry(
            now,
            'outcome-logged',
            `Outcome logged: ${a.result}${a.reason ? ` (${a.reason})` : ''}${a.amount !== undefined ? `, amount ${a.amount}` : ''}`,
            a.amount !== undefined ? { amount: a.amount } : undefined,
          ),
        ],
      },
      completions: [
        {
          kind: 'outcome',
          result: { decision: 'closed', result: a.result, ...(a.reason ? { reason: a.reason } : {}) },
        },
      ],
    };
  },
  EngagementRecorded: ({ ports, lead, now, at }, a) => {
    const scoring = ports.config.scoring;
    const points = scoring.engagementPoints[a.type as keyof typeof scoring.engagementPoints] ?? 0;
    const { perType, periodDays } = scoring.engagementCap;
    if (!engagementScores(lead.engagements ?? [], a.type, at, scoring.engagementCap))
      return {
        change: {
          timeline: [
            timelineEntry(
              now,
              'engagement',
              `Engagement: ${a.type} (not scored: at most ${perType} per ${periodDays} days)`,
            ),
          ],
        },
      };
    return {
      change: {
        set: { engagements: [...(lead.engagements ?? []), { type: a.type, at: at.toISOString() }] },
        timeline: [timelineEntry(now, 'engagement', `Engagement: ${a.type}`)],
      },
      // Only engagement that moves the score is worth waking a nurture wait for.
      completions:
        lead.stage === 'nurturing' && points !== 0
          ? [{ kind: 'nurture', result: { decision: 'engaged' } }]
          : [],
    };
  },
};

export async function recordActivity<N extends ActivityEventName>(
  ports: ActivityPorts,
  type: N,
  activity: ActivityEvent<N>,
  options: {
    activityId?: string;
    /**
     * Why the activity must not apply to the lead as read, if it must not: checked on the very
     * read the conditional write is made against, so a change landing after the check fails the
     * write and is checked again (an action link stays its rep's until the write).
     */
    guard?: (lead: Lead) => string | undefined;
  } = {},
): Promise<ActivityOutcome> {
  // Without an id (none given by the sender or the bus) an activity cannot be recognised again.
  const activityId = options.activityId ?? randomUUID();
  const recorder = RECORDERS[type] as Recorder<N> | undefined;
  if (!recorder) return { status: 'ignored', reason: `unknown activity ${String(type)}` };
  const now = ports.clock.now();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const read = await ports.leads.getWithWaits(activity.leadId);
    if (!read) return { status: 'ignored', reason: 'unknown lead' };
    const { lead, waits } = read;
    // Applied before: the change and its events are done, but the process may have stopped
    // before completing the waits, so finish those.
    if (lead.processedActivityIds?.includes(activityId))
      return { status: 'duplicate', completions: await completePending(ports, lead.leadId) };
    const refused = options.guard?.(lead);
    if (refused) return { status: 'ignored', reason: refused };
    const at = activity.occurredAt ? new Date(activity.occurredAt) : now;
    const recorded = recorder({ ports, lead, now, at }, activity);
    if ('ignored' in recorded) return { status: 'ignored', reason: recorded.ignored };
    const change = {
      ...recorded.change,
      set: {
        ...recorded.change.set,
        processedActivityIds: [...(lead.processedActivityIds ?? []), activityId].slice(
          -REMEMBERED_ACTIVITIES,
        ),
      },
    };
    // A wait in progress is claimed in the same write (one request fewer than claiming after).
    const results = activityResults(recorded.completions ?? [], waits);
    const written = await ports.leads.applyActivity(
      lead.leadId,
      change,
      { expectedVersion: lead.version, results },
      now,
    );
    if (written === 'conflict') continue;
    if (recorded.events?.length) await ports.events.publish(recorded.events, recorded.occurredAt ?? now);
    const completions = await completeClaimed(ports, lead.leadId, results);
    return { status: 'recorded', completions };
  }
  throw new Error(`Lead ${activity.leadId} kept changing while recording ${String(type)}; will retry`);
}
