/**
 * The deadlines after the first touch: accept or reject within `acceptanceMinutes`, record
 * the outcome within `outcomeMinutes` (business time). When one passes, the rep and the manager
 * are alerted once for that deadline and a new window starts; the wait goes on.
 */
import type { SlaConfig } from '../../../config/schema.ts';
import type { Outcome } from '../../../workflows/lifecycle-contract.ts';
import { deadlineAfter, timeoutSecondsUntil } from '../../domain/sla-policy.ts';
import { MAX_WAIT_SECONDS } from '../../domain/wait-limits.ts';
import type { Step } from './step.ts';
import type { StepContext } from './step-context.ts';
import { lostCompletion } from './wait-handshake.ts';

interface Deadline {
  /** The wait whose overdue step this is. */
  wait: 'decision' | 'outcome';
  /** Where the due instant lives on the lead (`sla.<field>`). */
  field: 'acceptanceDueAt' | 'outcomeDueAt';
  label: string;
  kind: 'decision-overdue' | 'outcome-overdue';
  /** The window's length in business minutes. */
  window: keyof Pick<SlaConfig, 'acceptanceMinutes' | 'outcomeMinutes'>;
}

const DECISION: Deadline = {
  wait: 'decision',
  field: 'acceptanceDueAt',
  label: 'Accept/reject',
  kind: 'decision-overdue',
  window: 'acceptanceMinutes',
};
const OUTCOME: Deadline = {
  wait: 'outcome',
  field: 'outcomeDueAt',
  label: 'Outcome',
  kind: 'outcome-overdue',
  window: 'outcomeMinutes',
};

async function overdue(ctx: StepContext, deadline: Deadline) {
  const lost = await lostCompletion(ctx, deadline.wait);
  if (lost) return lost;
  const lead = await ctx.lead();
  // A paused SLA clock alerts nobody; resuming it ends this wait (`resumed`) with the new deadline.
  if (lead.sla?.pausedAt) return { decision: 'wait' as const, timeoutSeconds: MAX_WAIT_SECONDS };
  const dueAt = lead.sla?.[deadline.field];
  // Woken before the deadline (long deadlines take several capped waits): just wait on.
  if (dueAt && ctx.now.getTime() < Date.parse(dueAt))
    return { decision: 'wait' as const, timeoutSeconds: timeoutSecondsUntil(ctx.now, dueAt) };
  const next = deadlineAfter(ctx.now, ctx.config.sla[deadline.window], ctx.calendarFor(lead.owner));
  await ctx.record(lead, {
    change: {
      set: { [`sla.${deadline.field}`]: next.dueAt },
      timeline: [
        ctx.entry(deadline.kind, `${deadline.label} overdue since ${dueAt ?? 'n/a'}; manager alerted`),
      ],
    },
    alerts: [
      {
        marker: `${deadline.kind}-${dueAt ?? ctx.now.toISOString()}`,
        facts: { kind: deadline.kind, audiences: ['rep', 'manager'] },
      },
    ],
  });
  return { decision: 'wait' as const, timeoutSeconds: next.timeoutSeconds };
}

export const decisionOverdue: Step<'DecisionOverdue'> = (ctx) =>
  overdue(ctx, DECISION) as Promise<Outcome<'DecisionOverdue'>>;
export const outcomeOverdue: Step<'OutcomeOverdue'> = (ctx) =>
  overdue(ctx, OUTCOME) as Promise<Outcome<'OutcomeOverdue'>>;
