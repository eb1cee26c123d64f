/**
 * The first-touch escalation ladder, one rung per call (see domain/sla-policy.ts for when each
 * rung is due): remind, breach, escalate level by level, reassign, and when no reassignment is
 * left, the exhausted alert and finally the fallback queue.
 *
 * The rungs that alert are a table: what each one stores, writes on the timeline, publishes
 * and mails. Markers and event ids are per hand-off, so a lead handed off again (recycled,
 * reassigned) gets a fresh ladder.
 */

import type { Outcome } from '../../../workflows/lifecycle-contract.ts';
import { businessMinutesBetween } from '../../domain/business-hours.ts';
import type { Lead } from '../../domain/lead.ts';
import { type FirstTouchState, type FirstTouchStep, nextFirstTouchStep } from '../../domain/sla-policy.ts';
import { ownerRef } from '../../domain/timeline.ts';
import { MAX_WAIT_SECONDS } from '../../domain/wait-limits.ts';
import type { PublishedEvent } from '../ports.ts';
import type { Step } from './step.ts';
import type { Alert, StepContext } from './step-context.ts';
import { lostCompletion } from './wait-handshake.ts';

type AlertingStep = Extract<
  FirstTouchStep,
  { decision: 'remind' | 'breach' | 'escalate' | 'escalation-exhausted' }
>;

interface RungFacts<S extends AlertingStep> {
  ctx: StepContext;
  lead: Lead;
  ladder: FirstTouchState;
  step: S;
  /** Which hand-off this ladder belongs to. */
  handoff: number;
  businessMinutesWaited: number;
}

interface Rung {
  set?: Record<string, unknown>;
  entry: [type: string, summary: string];
  event: PublishedEvent;
  alert: Alert;
}

const RUNGS: {
  [D in AlertingStep['decision']]: (f: RungFacts<Extract<AlertingStep, { decision: D }>>) => Rung;
} = {
  remind: ({ ctx, lead, ladder, step, handoff, businessMinutesWaited }) => ({
    entry: ['reminder', `Reminder sent to ${lead.owner?.name}: first touch due ${ladder.followUpDueAt}`],
    event: ctx.event('FollowUpReminder', `reminder:${handoff}`, {
      owner: ownerRef(lead.owner),
      followUpDueAt: ladder.followUpDueAt,
    }),
    alert: {
      marker: `reminder-${handoff}`,
      facts: { kind: 'reminder', audiences: step.notify, businessMinutesWaited },
    },
  }),
  breach: ({ ctx, lead, ladder, step, handoff, businessMinutesWaited }) => ({
    set: { 'sla.breachedAt': ctx.now.toISOString() },
    entry: [
      'breached',
      `First-touch SLA breached after ${businessMinutesWaited} business minutes (SLA ${ctx.config.sla.firstTouchMinutes})`,
    ],
    event: ctx.event('FollowUpBreached', `breach:${handoff}`, {
      owner: ownerRef(lead.owner),
      followUpDueAt: ladder.followUpDueAt,
      businessMinutesWaited,
    }),
    alert: {
      marker: `breach-${handoff}`,
      facts: { kind: 'breach', audiences: step.notify, businessMinutesWaited },
    },
  }),
  escalate: (facts) => escalation(facts, facts.step.level, 'escalation'),
  'escalation-exhausted': (facts) =>
    escalation(facts, facts.ctx.config.sla.escalation.length + 1, 'exhausted'),
};

function escalation(
  { ctx, lead, step, handoff, businessMinutesWaited }: RungFacts<AlertingStep>,
  level: number,
  kind: 'escalation' | 'exhausted',
): Rung {
  return {
    entry: ['escalated', `Escalation level ${level}: notified ${step.notify.join(', ')}`],
    event: ctx.event('LeadEscalated', `escalated:${handoff}:${level}`, {
      owner: ownerRef(lead.owner),
      level,
      notified: step.notify,
    }),
    alert: {
      marker: `escalation-${handoff}-${level}`,
      facts: { kind, audiences: step.notify, level, businessMinutesWaited },
    },
  };
}

/** How long a lead already with the fallback queue waits before the ladder looks again. */
const FALLBACK_RECHECK_SECONDS = 30 * 86_400;

export const firstTouchOverdue: Step<'FirstTouchOverdue'> = async (ctx) => {
  const lost = await lostCompletion(ctx, 'first-touch');
  if (lost) return lost as Outcome<'FirstTouchOverdue'>;
  const lead = await ctx.lead();
  // A paused SLA clock alerts nobody; resuming it ends this wait (`resumed`) with the new deadline.
  if (lead.sla?.pausedAt) return { decision: 'wait', timeoutSeconds: MAX_WAIT_SECONDS };
  const ladder = lead.sla?.ladder;
  if (!ladder) throw new Error(`Lead ${lead.leadId} has no first-touch ladder`);
  const calendar = ctx.calendarFor(lead.owner);
  const step = nextFirstTouchStep(ladder, ctx.now, ctx.config.sla, calendar);
  const handoff = lead.sla?.handoffs ?? 0;
  const businessMinutesWaited = businessMinutesBetween(new Date(ladder.assignedAt), ctx.now, calendar);
  switch (step.decision) {
    case 'wait':
      return { decision: 'wait', timeoutSeconds: step.timeoutSeconds };
    case 'reassign':
      return { decision: 'reassign', reassignments: step.reassignments };
    case 'give-up': {
      // Already with the fallback queue: nobody left to hand it to, so stop alerting and wait.
      if (lead.owner?.fallback) return { decision: 'wait', timeoutSeconds: FALLBACK_RECHECK_SECONDS };
      await ctx.record(lead, {
        change: {
          timeline: [ctx.entry('given-up', 'Never contacted: moving the lead to the fallback queue')],
        },
        alerts: [
          {
            marker: `give-up-${handoff}`,
            facts: { kind: 'give-up', audiences: step.notify, businessMinutesWaited },
          },
        ],
      });
      return { decision: 'reassign', reassignments: ladder.reassignments, fallback: true };
    }
    default: {
      const facts = { ctx, lead, ladder, step, handoff, businessMinutesWaited };
      const rung = (RUNGS[step.decision] as (f: RungFacts<AlertingStep>) => Rung)(facts);
      await ctx.record(lead, {
        change: { set: { 'sla.ladder': step.state, ...rung.set }, timeline: [ctx.entry(...rung.entry)] },
        events: [rung.event],
        alerts: [rung.alert],
      });
      return { decision: step.decision, timeoutSeconds: step.timeoutSeconds };
    }
  }
};
