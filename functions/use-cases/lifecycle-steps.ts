/**
 * The lifecycle steps the state machine calls. Each one loads the lead, asks the domain for a
 * decision, records the transition (stage, timeline, event, email) and returns the `decision`
 * the workflow branches on, plus `timeoutSeconds` before a wait. Every step is safe to retry:
 * emails are sent once per marker, transitions are idempotent for the same inputs.
 */
import type { BusinessCalendar, BusinessUnitConfig } from '../../config/schema.ts';
import { CONTINUE_AS_NEW_AFTER_DAYS } from '../../workflows/lifecycle-contract.ts';
import type { PublishedEvent } from '../adapters/event-publisher.ts';
import type { LeadChange, StoredWait } from '../adapters/lead-store.ts';
import { businessMinutesBetween } from '../domain/business-hours.ts';
import type { Clock, Lead, Owner } from '../domain/lead.ts';
import { composeNotification, type EmailMessage, type NotificationFacts } from '../domain/notifications.ts';
import { calendarForOwner } from '../domain/owner-calendar.ts';
import { nurtureDecision, qualifyLead } from '../domain/qualification.ts';
import { routeLead, selectTeam } from '../domain/routing.ts';
import { scoreLead } from '../domain/scoring.ts';
import {
  acceptancePlan,
  firstTouchPlan,
  nextFirstTouchStep,
  outcomePlan,
  timeoutSecondsUntil,
} from '../domain/sla-policy.ts';
import { ownerRef, timelineEntry } from '../domain/timeline.ts';
import { capWait } from '../domain/wait-limits.ts';

export interface LifecycleDependencies {
  config: BusinessUnitConfig;
  clock: Clock;
  leads: {
    get(leadId: string): Promise<Lead | undefined>;
    transition(leadId: string, change: LeadChange, now: Date): Promise<Lead>;
    markOnce(leadId: string, marker: string, at: Date): Promise<boolean>;
    unmark(leadId: string, marker: string): Promise<void>;
    registerWait(
      leadId: string,
      kind: string,
      wait: StoredWait,
    ): Promise<{ lead: Lead; pending?: Record<string, unknown> }>;
    claimWait(
      leadId: string,
      kind: string,
      token: string,
    ): Promise<{ claimed: boolean; pending?: Record<string, unknown> }>;
  };
  routing: {
    snapshot(
      teamId: string,
      repIds: string[],
    ): Promise<{ cursor: number; openLeadsByRep: Record<string, number> }>;
    advanceCursor(teamId: string, expected: number, next: number): Promise<boolean>;
    reserve(repId: string, leadId: string, capacity: number): Promise<boolean>;
    release(repId: string, leadId: string): Promise<void>;
  };
  events: { publish(events: PublishedEvent[], occurredAt: Date): Promise<void> };
  mailer: { send(message: EmailMessage): Promise<void> };
  callbacks: { completeWait(token: string, output: Record<string, unknown>): Promise<'completed' | 'stale'> };
  executions: { start(name: string, input: Record<string, unknown>): Promise<unknown> };
}

export interface StepInput {
  step: string;
  state: string;
  leadId: string;
  /** The previous step's result (`$.Payload`): a decision and its details. */
  previous?: Record<string, unknown> | null;
  wait?: string;
  token?: string;
  timeoutSeconds?: number;
  error?: { Error?: string; Cause?: string };
}

export type StepResult = { decision: string; timeoutSeconds?: number; [key: string]: unknown };

/**
 * Concurrent hand-offs into one team race for its rotation cursor. Losers re-read and retry
 * after a random pause that grows with each attempt (full jitter), so a burst of leads spreads
 * out instead of colliding again in lock-step.
 */
const MAX_ROUTING_ATTEMPTS = 30;

/** Steps that send an execution round a wait loop, where a long-lived lead can age it out. */
const LOOPING_STEPS = new Set([
  'nurture-check',
  'first-touch-overdue',
  'decision-overdue',
  'outcome-overdue',
]);
const contentionPause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 5 * 2 ** attempt)));

export class LeadNotFoundError extends Error {
  override name = 'LeadNotFoundError';
}

export class LifecycleSteps {
  constructor(private readonly deps: LifecycleDependencies) {}

  private get config() {
    return this.deps.config;
  }

  async run(input: StepInput): Promise<StepResult> {
    const result = await this.dispatch(input);
    if (result.timeoutSeconds === undefined) return result;
    if (LOOPING_STEPS.has(input.step) && this.executionTooOld(this.loaded.get(input))) {
      return { decision: 'continue-as-new' };
    }
    return { ...result, timeoutSeconds: capWait(result.timeoutSeconds) };
  }

  /**
   * Execution age comes from the lead (Score or Resume, the first step of every execution,
   * records it), not from `$$.Execution.StartTime`, which local engines fill with wall time.
   */
  private executionTooOld(lead: Lead | undefined): boolean {
    if (!lead?.executionStartedAt) return false;
    return (
      this.deps.clock.now().getTime() - Date.parse(lead.executionStartedAt) >
      CONTINUE_AS_NEW_AFTER_DAYS * 86_400_000
    );
  }

  private dispatch(input: StepInput): Promise<StepResult> {
    switch (input.step) {
      case 'resume':
        return this.resume(input);
      case 'score':
        return this.score(input);
      case 'qualify':
        return this.qualify(input);
      case 'register-wait':
        return this.registerWait(input);
      case 'nurture-check':
        return this.nurtureCheck(input);
      case 'hand-off':
        return this.handOff(input);
      case 'first-touch-overdue':
        return this.firstTouchOverdue(input);
      case 'decision-overdue':
        return this.deadlineOverdue(input, 'decision');
      case 'outcome-overdue':
        return this.deadlineOverdue(input, 'outcome');
      case 'recycle':
        return this.recycle(input);
      case 'disqualify':
        return this.disqualify(input);
      case 'record-outcome':
        return this.recordOutcome(input);
      case 'record-failure':
        return this.recordFailure(input);
      case 'continue-as-new':
        return this.continueAsNew(input);
      default:
        throw new Error(`Unknown lifecycle step "${input.step}"`);
    }
  }

  /**
   * The lead each step invocation loaded, so `run` can judge the execution's age without
   * reading the item again. Keyed by the invocation's input: steps of different leads run
   * concurrently on one instance.
   */
  private readonly loaded = new WeakMap<StepInput, Lead>();

  private async load(input: StepInput): Promise<Lead> {
    const lead = await this.deps.leads.get(input.leadId);
    if (!lead) throw new LeadNotFoundError(`Lead ${input.leadId} does not exist`);
    this.loaded.set(input, lead);
    return lead;
  }

  /** The calendar an SLA runs on: the owning rep's own hours if set, else the unit's. */
  calendarFor(owner: Owner | undefined): BusinessCalendar {
    return calendarForOwner(this.config, owner);
  }

  /** Sends a notification once per marker, even when the step is retried or the runtime restarts. */
  private async notifyOnce(lead: Lead, marker: string, facts: NotificationFacts): Promise<void> {
    const message = composeNotification(lead, facts, this.config);
    if (message.to.length === 0) return;
    if (!(await this.deps.leads.markOnce(lead.leadId, marker, facts.now))) return;
    try {
      await this.deps.mailer.send(message);
    } catch (error) {
      // Let the retry send it: an alert nobody received must not count as sent.
      await this.deps.leads.unmark(lead.leadId, marker);
      throw error;
    }
  }

  private async publish(events: PublishedEvent[], now: Date): Promise<void> {
    await this.deps.events.publish(events, now);
  }

  private async rescore(lead: Lead, now: Date) {
    const score = scoreLead(
      { profile: lead.profile, engagements: lead.engagements ?? [] },
      this.config.scoring,
      now,
    );
    // Sales already answered this hand-raise: after a rejection only new engagement re-qualifies.
    const profile = lead.rejection ? { ...lead.profile, intent: undefined } : lead.profile;
    return { score, qualification: qualifyLead({ profile, score }, this.config.qualification) };
  }

  private async score(input: StepInput): Promise<StepResult> {
    const now = this.deps.clock.now();
    const lead = await this.load(input);
    const { score } = await this.rescore(lead, now);
    await this.deps.leads.transition(
      lead.leadId,
      {
        set: {
          score,
          lifecycleStartedAt: lead.lifecycleStartedAt ?? now.toISOString(),
          executionStartedAt: now.toISOString(),
        },
        timeline: [
          timelineEntry(
            now,
            'scored',
            `Scored ${score.total} (fit ${score.fit}, engagement ${score.engagement})`,
            {
              breakdown: score.breakdown,
            },
          ),
        ],
      },
      now,
    );
    await this.publish(
      [
        {
          name: 'LeadScored',
          leadId: lead.leadId,
          eventId: `${lead.leadId}:scored:${lead.version}`,
          data: { total: score.total, fit: score.fit, engagement: score.engagement },
        },
      ],
      now,
    );
    return { decision: 'scored', total: score.total };
  }

  private async qualify(input: StepInput): Promise<StepResult> {
    const now = this.deps.clock.now();
    const lead = await this.load(input);
    const { qualification } = await this.rescore(lead, now);
    if (qualification.decision === 'disqualify')
      return { decision: 'disqualify', reason: qualification.reason };
    if (qualification.decision === 'sql') {
      await this.deps.leads.transition(
        lead.leadId,
        {
          stage: 'qualified',
          timeline: [timelineEntry(now, 'qualified', `Sales-qualified: ${qualification.reasons.join('; ')}`)],
        },
        now,
      );
      await this.publish(
        [
          {
            name: 'LeadQualified',
            leadId: lead.leadId,
            eventId: `${lead.leadId}:qualified:${lead.version}`,
            data: { reasons: qualification.reasons },
          },
        ],
        now,
      );
      return { decision: 'sql' };
    }
    return this.startNurture(
      lead,
      now,
      `Nurturing (${qualification.level.toUpperCase()}): ${qualification.reasons.join('; ')}`,
      qualification.level,
    );
  }

  private async startNurture(lead: Lead, now: Date, summary: string, level: string): Promise<StepResult> {
    const plan = nurtureDecision(
      {
        nurtureStartedAt: now.toISOString(),
        now,
        latest: { decision: 'nurture', level: 'lead', reasons: [] },
      },
      this.config.nurture,
    );
    if (plan.decision !== 'keep-nurturing') throw new Error('A fresh nurture period must allow a wait');
    const until = new Date(now.getTime() + this.config.nurture.maxNurtureDays * 86_400_000).toISOString();
    await this.deps.leads.transition(
      lead.leadId,
      {
        stage: 'nurturing',
        set: { 'sla.nurtureStartedAt': now.toISOString(), 'sla.nurtureUntil': until },
        timeline: [timelineEntry(now, 'nurturing', summary)],
      },
      now,
    );
    await this.publish(
      [
        {
          name: 'LeadNurtured',
          leadId: lead.leadId,
          eventId: `${lead.leadId}:nurtured:${lead.version}`,
          data: { level, until },
        },
      ],
      now,
    );
    return { decision: 'nurture', timeoutSeconds: plan.timeoutSeconds };
  }

  /**
   * Stores the task token of a callback wait. If the awaited activity already happened (a
   * touch logged before the token was stored), the wait is completed at once.
   */
  private async registerWait(input: StepInput): Promise<StepResult> {
    const now = this.deps.clock.now();
    if (!input.wait || !input.token) throw new Error('register-wait needs wait and token');
    const { lead, pending } = await this.deps.leads.registerWait(input.leadId, input.wait, {
      token: input.token,
      state: input.state,
      registeredAt: now.toISOString(),
      timeoutSeconds: input.timeoutSeconds ?? 0,
    });
    if (pending) {
      const claim = await this.deps.leads.claimWait(input.leadId, input.wait, input.token);
      if (claim.claimed && claim.pending) {
        if (input.wait === 'first-touch' && lead.stage === 'assigned') {
          await this.deps.leads.transition(
            lead.leadId,
            { stage: 'touched', onlyFromStages: ['assigned'] },
            now,
          );
        }
        await this.deps.callbacks.completeWait(input.token, claim.pending);
      }
    }
    return { decision: 'waiting' };
  }

  private async nurtureCheck(input: StepInput): Promise<StepResult> {
    const now = this.deps.clock.now();
    const lead = await this.load(input);
    const { score, qualification } = await this.rescore(lead, now);
    const verdict = nurtureDecision(
      { nurtureStartedAt: lead.sla?.nurtureStartedAt ?? now.toISOString(), now, latest: qualification },
      this.config.nurture,
    );
    const woken = input.previous?.decision === 'engaged';
    const change: LeadChange = { set: { score } };
    if (woken)
      change.timeline = [timelineEntry(now, 'rescored', `Re-scored after engagement: ${score.total}`)];
    if (verdict.decision === 'qualified') {
      change.stage = 'qualified';
      change.timeline = [
        ...(change.timeline ?? []),
        timelineEntry(
          now,
          'qualified',
          `Sales-qualified while nurtured: ${qualification.decision === 'sql' ? qualification.reasons.join('; ') : ''}`,
        ),
      ];
    }
    await this.deps.leads.transition(lead.leadId, change, now);
    if (woken)
      await this.publish(
        [
          {
            name: 'LeadScored',
            leadId: lead.leadId,
            data: { total: score.total, fit: score.fit, engagement: score.engagement },
          },
        ],
        now,
      );
    switch (verdict.decision) {
      case 'qualified':
        await this.publish(
          [
            {
              name: 'LeadQualified',
              leadId: lead.leadId,
              eventId: `${lead.leadId}:qualified:${lead.version}`,
              data: { reasons: qualification.decision === 'sql' ? qualification.reasons : [] },
            },
          ],
          now,
        );
        return { decision: 'qualified' };
      case 'keep-nurturing':
        return { decision: 'keep-nurturing', timeoutSeconds: verdict.timeoutSeconds };
      case 'disqualified':
        return { decision: 'disqualify', reason: verdict.reason };
      case 'expired':
        return verdict.action === 'recycle'
          ? { decision: 'recycle', reason: 'nurture-expired' }
          : {
              decision: 'disqualify',
              reason: `Nurtured for ${this.config.nurture.maxNurtureDays} days without qualifying`,
            };
    }
  }

  /** Routes the lead to a rep (fairly, under concurrent hand-offs) and starts the first-touch SLA clock. */
  private async handOff(input: StepInput): Promise<StepResult> {
    const now = this.deps.clock.now();
    const lead = await this.load(input);
    const reassigning = input.previous?.decision === 'reassign';
    if (lead.stage === 'assigned' && lead.sla?.ladder && !reassigning) {
      // A retried hand-off that already went through: keep the assignment (and make sure the
      // rep heard about it, in case the first attempt failed right after assigning).
      await this.notifyOnce(lead, `assigned-${lead.sla.handoffs ?? 0}`, {
        kind: 'assigned',
        audiences: ['rep'],
        now,
      });
      const plan = nextFirstTouchStep(lead.sla.ladder, now, this.config.sla, this.calendarFor(lead.owner));
      return { decision: 'assigned', timeoutSeconds: 'timeoutSeconds' in plan ? plan.timeoutSeconds : 1 };
    }
    const previousOwner = reassigning ? lead.owner : undefined;
    const handoffs = (lead.sla?.handoffs ?? 0) + 1;
    const excluded = [
      ...(lead.sla?.excludedRepIds ?? []),
      ...(previousOwner?.repId ? [previousOwner.repId] : []),
    ];
    const forceFallback = input.previous?.fallback === true;
    const reassignments = reassigning
      ? Number(input.previous?.reassignments ?? (lead.sla?.reassignments ?? 0) + 1)
      : (lead.sla?.reassignments ?? 0);

    const { owner, teamId, ruleId, skipped } = await this.assignOwner(lead, now, excluded, forceFallback);
    if (previousOwner?.repId) await this.deps.routing.release(previousOwner.repId, lead.leadId);

    const calendar = this.calendarFor(owner);
    const plan = firstTouchPlan(now, this.config.sla, calendar, { reassignments });
    const skippedNote = skipped.length
      ? ` (skipped ${skipped.map((s) => `${s.repId}: ${s.reason}`).join(', ')})`
      : '';
    const assignedLead = await this.deps.leads.transition(
      lead.leadId,
      {
        stage: 'assigned',
        set: {
          owner,
          'sla.assignedAt': now.toISOString(),
          'sla.followUpDueAt': plan.followUpDueAt,
          'sla.reminderAt': plan.reminderAt,
          'sla.ladder': plan.state,
          'sla.reassignments': reassignments,
          'sla.handoffs': handoffs,
          'sla.excludedRepIds': excluded,
          'sla.breachedAt': undefined,
        },
        timeline: [
          timelineEntry(
            now,
            reassigning ? 'reassigned' : 'assigned',
            `${reassigning ? 'Reassigned' : 'Assigned'} to ${owner.name}${owner.fallback ? ' (fallback: no eligible rep)' : ''} in team ${teamId}${ruleId ? ` by rule ${ruleId}` : ''}; first touch due ${plan.followUpDueAt}${skippedNote}`,
            { skipped },
          ),
        ],
      },
      now,
    );
    const events: PublishedEvent[] = [
      {
        name: 'LeadAssigned',
        leadId: lead.leadId,
        eventId: `${lead.leadId}:assigned:${handoffs}`,
        data: { owner: ownerRef(owner), followUpDueAt: plan.followUpDueAt, ruleId },
      },
    ];
    if (reassigning) {
      events.push({
        name: 'LeadReassigned',
        leadId: lead.leadId,
        eventId: `${lead.leadId}:reassigned:${handoffs}`,
        data: { from: ownerRef(previousOwner), to: ownerRef(owner), reassignments },
      });
    }
    await this.publish(events, now);
    await this.notifyOnce(assignedLead, `assigned-${handoffs}`, {
      kind: 'assigned',
      audiences: ['rep'],
      now,
    });
    if (previousOwner) {
      await this.notifyOnce(assignedLead, `reassigned-away-${handoffs}`, {
        kind: 'reassigned-away',
        audiences: ['manager'],
        now,
        previousOwnerEmail: previousOwner.email,
      });
    }
    return { decision: 'assigned', timeoutSeconds: plan.timeoutSeconds };
  }

  private async assignOwner(lead: Lead, now: Date, excludeRepIds: string[], forceFallback: boolean) {
    const routing = this.config.routing;
    if (forceFallback) {
      const team = routing.teams.find((t) => t.id === routing.defaultTeam)!;
      const owner: Owner = {
        ...routing.fallback,
        fallback: true,
        teamId: team.id,
        managerEmail: team.manager.email,
      };
      return { owner, teamId: team.id, ruleId: undefined, skipped: [] };
    }
    const { team } = selectTeam(lead.profile, routing);
    const repIds = team.members.map((m) => m.id);
    for (let attempt = 0; attempt < MAX_ROUTING_ATTEMPTS; attempt++) {
      if (attempt > 0) await contentionPause(attempt);
      const snapshot = await this.deps.routing.snapshot(team.id, repIds);
      const decision = routeLead(
        {
          profile: lead.profile,
          now,
          openLeadsByRep: snapshot.openLeadsByRep,
          rotation: { [team.id]: snapshot.cursor },
          excludeRepIds,
        },
        routing,
        this.config.calendar,
      );
      if (decision.decision === 'fallback') {
        return {
          owner: decision.owner,
          teamId: decision.teamId,
          ruleId: decision.ruleId,
          skipped: decision.skipped,
        };
      }
      // Another hand-off moved the rotation since our snapshot: route again from the new cursor.
      if (!(await this.deps.routing.advanceCursor(decision.teamId, snapshot.cursor, decision.nextCursor)))
        continue;
      const member = team.members.find((m) => m.id === decision.owner.repId);
      // The rep filled up meanwhile: the cursor moved on, so the next round picks someone else.
      if (member && !(await this.deps.routing.reserve(member.id, lead.leadId, member.capacity))) continue;
      return {
        owner: decision.owner,
        teamId: decision.teamId,
        ruleId: decision.ruleId,
        skipped: decision.skipped,
      };
    }
    throw new Error('Could not assign the lead: routing state kept changing under contention');
  }

  /** One rung of the escalation ladder per call: remind, breach, escalate, reassign. */
  private async firstTouchOverdue(input: StepInput): Promise<StepResult> {
    const now = this.deps.clock.now();
    const lead = await this.load(input);
    const ladder = lead.sla?.ladder;
    if (!ladder) throw new Error(`Lead ${lead.leadId} has no first-touch ladder`);
    const calendar = this.calendarFor(lead.owner);
    const step = nextFirstTouchStep(ladder, now, this.config.sla, calendar);
    const waited = businessMinutesBetween(new Date(ladder.assignedAt), now, calendar);
    // Markers and event ids are per hand-off: a recycled lead handed off again gets a fresh ladder.
    const rung = `${lead.sla?.handoffs ?? 0}`;
    switch (step.decision) {
      case 'wait':
        return { decision: 'wait', timeoutSeconds: step.timeoutSeconds };
      case 'remind': {
        const updated = await this.deps.leads.transition(
          lead.leadId,
          {
            set: { 'sla.ladder': step.state },
            timeline: [
              timelineEntry(
                now,
                'reminder',
                `Reminder sent to ${lead.owner?.name}: first touch due ${ladder.followUpDueAt}`,
              ),
            ],
          },
          now,
        );
        await this.publish(
          [
            {
              name: 'FollowUpReminder',
              leadId: lead.leadId,
              eventId: `${lead.leadId}:reminder:${rung}`,
              data: { owner: ownerRef(lead.owner), followUpDueAt: ladder.followUpDueAt },
            },
          ],
          now,
        );
        await this.notifyOnce(updated, `reminder-${rung}`, {
          kind: 'reminder',
          audiences: step.notify,
          now,
          businessMinutesWaited: waited,
        });
        return { decision: 'remind', timeoutSeconds: step.timeoutSeconds };
      }
      case 'breach': {
        const updated = await this.deps.leads.transition(
          lead.leadId,
          {
            set: { 'sla.ladder': step.state, 'sla.breachedAt': now.toISOString() },
            timeline: [
              timelineEntry(
                now,
                'breached',
                `First-touch SLA breached after ${waited} business minutes (SLA ${this.config.sla.firstTouchMinutes})`,
              ),
            ],
          },
          now,
        );
        await this.publish(
          [
            {
              name: 'FollowUpBreached',
              leadId: lead.leadId,
              eventId: `${lead.leadId}:breach:${rung}`,
              data: {
                owner: ownerRef(lead.owner),
                followUpDueAt: ladder.followUpDueAt,
                businessMinutesWaited: waited,
              },
            },
          ],
          now,
        );
        await this.notifyOnce(updated, `breach-${rung}`, {
          kind: 'breach',
          audiences: step.notify,
          now,
          businessMinutesWaited: waited,
        });
        return { decision: 'breach', timeoutSeconds: step.timeoutSeconds };
      }
      case 'escalate':
      case 'escalation-exhausted': {
        const level = step.decision === 'escalate' ? step.level : this.config.sla.escalation.length + 1;
        const updated = await this.deps.leads.transition(
          lead.leadId,
          {
            set: { 'sla.ladder': step.state },
            timeline: [
              timelineEntry(
                now,
                'escalated',
                `Escalation level ${level}: notified ${step.notify.join(', ')}`,
              ),
            ],
          },
          now,
        );
        await this.publish(
          [
            {
              name: 'LeadEscalated',
              leadId: lead.leadId,
              eventId: `${lead.leadId}:escalated:${rung}:${level}`,
              data: { owner: ownerRef(lead.owner), level, notified: step.notify },
            },
          ],
          now,
        );
        await this.notifyOnce(updated, `escalation-${rung}-${level}`, {
          kind: step.decision === 'escalate' ? 'escalation' : 'exhausted',
          audiences: step.notify,
          now,
          level,
          businessMinutesWaited: waited,
        });
        return { decision: step.decision, timeoutSeconds: step.timeoutSeconds };
      }
      case 'reassign':
        return { decision: 'reassign', reassignments: step.reassignments };
      case 'give-up': {
        // Already with the fallback queue: nobody left to hand it to, so stop alerting and wait.
        if (lead.owner?.fallback) return { decision: 'wait', timeoutSeconds: 30 * 86_400 };
        const updated = await this.deps.leads.transition(
          lead.leadId,
          {
            timeline: [
              timelineEntry(now, 'given-up', 'Never contacted: moving the lead to the fallback queue'),
            ],
          },
          now,
        );
        await this.notifyOnce(updated, `give-up-${rung}`, {
          kind: 'give-up',
          audiences: step.notify,
          now,
          businessMinutesWaited: waited,
        });
        return { decision: 'reassign', reassignments: ladder.reassignments, fallback: true };
      }
    }
  }

  /** Acceptance or outcome overdue: alert once per window and wait another window. */
  private async deadlineOverdue(input: StepInput, kind: 'decision' | 'outcome'): Promise<StepResult> {
    const now = this.deps.clock.now();
    const lead = await this.load(input);
    const calendar = this.calendarFor(lead.owner);
    const dueAt = kind === 'decision' ? lead.sla?.acceptanceDueAt : lead.sla?.outcomeDueAt;
    // Woken before the deadline (long deadlines take several capped waits): just wait on.
    if (dueAt && now.getTime() < Date.parse(dueAt))
      return { decision: 'wait', timeoutSeconds: timeoutSecondsUntil(now, dueAt) };
    const plan =
      kind === 'decision'
        ? acceptancePlan(now, this.config.sla, calendar)
        : outcomePlan(now, this.config.sla, calendar);
    const updated = await this.deps.leads.transition(
      lead.leadId,
      {
        timeline: [
          timelineEntry(
            now,
            `${kind}-overdue`,
            `${kind === 'decision' ? 'Accept/reject' : 'Outcome'} overdue since ${dueAt ?? 'n/a'}; manager alerted`,
          ),
        ],
      },
      now,
    );
    await this.notifyOnce(updated, `${kind}-overdue-${dueAt ?? now.toISOString()}`, {
      kind: `${kind}-overdue`,
      audiences: ['rep', 'manager'],
      now,
    });
    const nextDue = 'acceptanceDueAt' in plan ? plan.acceptanceDueAt : plan.outcomeDueAt;
    await this.deps.leads.transition(
      lead.leadId,
      { set: { [kind === 'decision' ? 'sla.acceptanceDueAt' : 'sla.outcomeDueAt']: nextDue } },
      now,
    );
    return { decision: 'wait', timeoutSeconds: plan.timeoutSeconds };
  }

  /** Sales rejected the lead (reason kept) or nurture ran out: back to marketing. */
  private async recycle(input: StepInput): Promise<StepResult> {
    const now = this.deps.clock.now();
    const lead = await this.load(input);
    const reason = String(input.previous?.reason ?? 'recycled');
    const rejected = input.previous?.decision === 'rejected';
    if (lead.owner?.repId && rejected) await this.deps.routing.release(lead.owner.repId, lead.leadId);
    await this.deps.leads.transition(
      lead.leadId,
      {
        stage: 'recycled',
        set: rejected ? { rejection: { reason, at: now.toISOString(), by: lead.owner?.email } } : {},
        timeline: [
          timelineEntry(
            now,
            'recycled',
            rejected
              ? `Rejected by ${lead.owner?.name ?? 'sales'}: ${reason}; recycled to nurture`
              : `Recycled: ${reason}`,
          ),
        ],
      },
      now,
    );
    const events: PublishedEvent[] = [
      {
        name: 'LeadRecycled',
        leadId: lead.leadId,
        eventId: `${lead.leadId}:recycled:${lead.version}`,
        data: { reason },
      },
    ];
    if (rejected)
      events.unshift({
        name: 'LeadRejected',
        leadId: lead.leadId,
        eventId: `${lead.leadId}:rejected:${lead.version}`,
        data: { owner: ownerRef(lead.owner), reason },
      });
    await this.publish(events, now);
    return this.startNurture(lead, now, `Nurturing again after recycle (${reason})`, 'recycled');
  }

  private async disqualify(input: StepInput): Promise<StepResult> {
    const now = this.deps.clock.now();
    const lead = await this.load(input);
    const reason = String(input.previous?.reason ?? 'disqualified');
    if (
      lead.owner?.repId &&
      (lead.stage === 'assigned' || lead.stage === 'touched' || lead.stage === 'accepted')
    ) {
      await this.deps.routing.release(lead.owner.repId, lead.leadId);
    }
    await this.deps.leads.transition(
      lead.leadId,
      { stage: 'disqualified', timeline: [timelineEntry(now, 'disqualified', `Disqualified: ${reason}`)] },
      now,
    );
    await this.publish(
      [
        {
          name: 'LeadDisqualified',
          leadId: lead.leadId,
          eventId: `${lead.leadId}:disqualified`,
          data: { reason },
        },
      ],
      now,
    );
    return { decision: 'done' };
  }

  private async recordOutcome(input: StepInput): Promise<StepResult> {
    const now = this.deps.clock.now();
    const lead = await this.load(input);
    const result = input.previous?.result === 'won' ? 'won' : 'lost';
    const reason = typeof input.previous?.reason === 'string' ? input.previous.reason : undefined;
    if (lead.owner?.repId && lead.stage !== 'won' && lead.stage !== 'lost')
      await this.deps.routing.release(lead.owner.repId, lead.leadId);
    await this.deps.leads.transition(
      lead.leadId,
      {
        stage: result,
        set: { outcome: { result, at: now.toISOString(), ...(reason ? { reason } : {}) } },
        timeline: [timelineEntry(now, result, `Closed ${result}${reason ? `: ${reason}` : ''}`)],
      },
      now,
    );
    await this.publish(
      [
        {
          name: 'LeadConverted',
          leadId: lead.leadId,
          eventId: `${lead.leadId}:converted`,
          data: { result, reason },
        },
      ],
      now,
    );
    return { decision: 'done' };
  }

  private async recordFailure(input: StepInput): Promise<StepResult> {
    const now = this.deps.clock.now();
    const lead = await this.deps.leads.get(input.leadId);
    const error = `${input.error?.Error ?? 'Error'}: ${(input.error?.Cause ?? '').slice(0, 500)}`;
    if (!lead) return { decision: 'failed' };
    const updated = await this.deps.leads.transition(
      lead.leadId,
      {
        stage: 'failed',
        set: { failure: { at: now.toISOString(), error, stage: lead.stage } },
        timeline: [timelineEntry(now, 'failed', `Lifecycle step failed in stage ${lead.stage}: ${error}`)],
      },
      now,
    );
    await this.publish(
      [{ name: 'LifecycleFailed', leadId: lead.leadId, data: { stage: lead.stage, error } }],
      now,
    );
    await this.notifyOnce(updated, `failure-${lead.version}`, {
      kind: 'failure',
      audiences: ['ops'],
      now,
      error,
    });
    return { decision: 'failed' };
  }

  /** Hands the lead to a fresh execution that resumes at its stage; this one then ends. */
  private async continueAsNew(input: StepInput): Promise<StepResult> {
    const now = this.deps.clock.now();
    const lead = await this.load(input);
    const generation = (lead.lifecycleGeneration ?? 1) + 1;
    const name = `${lead.leadId}-g${generation}`;
    await this.deps.leads.transition(
      lead.leadId,
      {
        set: { lifecycleGeneration: generation },
        timeline: [timelineEntry(now, 'continued', `Lifecycle continues in execution ${name}`)],
      },
      now,
    );
    await this.deps.executions.start(name, { leadId: lead.leadId, resumeAt: lead.stage });
    return { decision: 'continued', execution: name };
  }

  /** Where a resumed execution enters: the stage the lead is in, with the wait it still owes. */
  private async resume(input: StepInput): Promise<StepResult> {
    const now = this.deps.clock.now();
    const lead = await this.deps.leads.transition(
      input.leadId,
      { set: { executionStartedAt: now.toISOString() } },
      now,
    );
    const calendar = this.calendarFor(lead.owner);
    switch (lead.stage) {
      case 'captured':
        return { decision: 'score' };
      case 'qualified':
        return { decision: 'hand-off' };
      case 'nurturing':
      case 'recycled': {
        const until = lead.sla?.nurtureUntil ?? now.toISOString();
        const next = Math.min(
          Date.parse(until),
          now.getTime() + this.config.nurture.checkIntervalHours * 3_600_000,
        );
        return { decision: 'nurture', timeoutSeconds: timeoutSecondsUntil(now, new Date(next)) };
      }
      case 'assigned': {
        const ladder = lead.sla?.ladder;
        if (!ladder) return { decision: 'hand-off' };
        const step = nextFirstTouchStep(ladder, now, this.config.sla, calendar);
        // Overdue rungs are caught up by the first wait timing out at once, never skipped.
        return {
          decision: 'await-first-touch',
          timeoutSeconds: step.decision === 'wait' ? step.timeoutSeconds : 1,
        };
      }
      case 'touched':
        return {
          decision: 'await-decision',
          timeoutSeconds: timeoutSecondsUntil(now, lead.sla?.acceptanceDueAt ?? now),
        };
      case 'accepted':
        return {
          decision: 'await-outcome',
          timeoutSeconds: timeoutSecondsUntil(now, lead.sla?.outcomeDueAt ?? now),
        };
      default:
        return { decision: 'done' };
    }
  }
}
