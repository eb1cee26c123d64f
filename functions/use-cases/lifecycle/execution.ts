/**
 * Steps about the execution rather than the lead: where every execution starts (a new lead is
 * qualified, a resumed one enters at its stage, with the wait it still owes), and
 * continue-as-new before Standard workflows' one-year limit.
 */
import { CONTINUE_AS_NEW_AFTER_DAYS, type Outcome } from '../../../workflows/lifecycle-contract.ts';
import type { Lead } from '../../domain/lead.ts';
import { nextFirstTouchStep, timeoutSecondsUntil } from '../../domain/sla-policy.ts';
import { handOff } from './hand-off.ts';
import { qualify } from './qualification-and-nurture.ts';
import type { Step } from './step.ts';
import type { StepContext } from './step-context.ts';

/**
 * Execution age comes from the lead (Start, the first step of every execution, records it),
 * so the step needs nothing from the execution's context and judges age by the
 * same clock as every other deadline.
 */
export function executionTooOld(lead: Lead | undefined, now: Date): boolean {
  if (!lead?.executionStartedAt) return false;
  return now.getTime() - Date.parse(lead.executionStartedAt) > CONTINUE_AS_NEW_AFTER_DAYS * 86_400_000;
}

/** The execution that continues `current`: `<leadId>` → `<leadId>-g2` → `<leadId>-g3` … */
export function nextExecutionName(current: string): { name: string; generation: number } {
  const match = /^(.*)-g(\d+)$/.exec(current);
  const generation = match ? Number(match[2]) + 1 : 2;
  return { name: `${match ? match[1] : current}-g${generation}`, generation };
}

/**
 * Hands the lead to a fresh execution that resumes at its stage; this one then ends. The new
 * name follows from this execution's own, so a retried step starts the same one again, which
 * Step Functions treats as a no-op, never a second execution.
 */
export const continueAsNew: Step<'ContinueAsNew'> = async (ctx) => {
  const lead = await ctx.lead();
  const { name, generation } = nextExecutionName(ctx.execution ?? lead.leadId);
  await ctx.ports.executions.start(name, { leadId: lead.leadId, resumeAt: lead.stage });
  await ctx.record(lead, {
    change: {
      set: { lifecycleGeneration: generation },
      timeline: [ctx.entry('continued', `Lifecycle continues in execution ${name}`)],
    },
  });
  return { decision: 'continued', execution: name };
};

/**
 * The first step of every execution. A captured lead is scored and qualified; a lead further
 * on (an execution resumed by a redrive or continue-as-new, or a Start retried after its write)
 * enters at its stage, with the wait it still owes.
 */
export const start: Step<'Start'> = async (ctx) => {
  const lead = await ctx.lead();
  // Only a lead past capture can have alerts recorded but never sent (the runtime stopped
  // between the two): a new lead skips the outbox read.
  if (lead.stage !== 'captured') await ctx.sendPendingAlerts();
  if (lead.stage !== 'captured') return resumeAtStage(ctx);
  const qualified = await qualify(ctx);
  return qualified.decision === 'qualified' ? handOff(ctx, { previous: qualified }) : qualified;
};

/**
 * The execution clock only needs day precision (continue-as-new at 300 days leaves 65 days
 * before the one-year limit), so a Start retried soon after its own write, which would only
 * move the clock by seconds, writes nothing.
 */
const CLOCK_PRECISION_MS = 86_400_000;

async function resumeAtStage(ctx: StepContext): Promise<Outcome<'Start'>> {
  const { now } = ctx;
  const read = await ctx.lead();
  const started = read.executionStartedAt ? Date.parse(read.executionStartedAt) : Number.NEGATIVE_INFINITY;
  const lead =
    now.getTime() - started < CLOCK_PRECISION_MS
      ? read
      : await ctx.ports.leads.transition(ctx.leadId, { set: { executionStartedAt: now.toISOString() } }, now);
  const sla = lead.sla ?? {};
  // A qualified lead (or one assigned before its ladder was stored) is handed off right here,
  // as a new SQL is: the lead as just written goes on to the hand-off.
  const handOffNow = () => {
    ctx.continueWith(lead);
    return handOff(ctx, { previous: { decision: 'qualified' } });
  };
  switch (lead.stage) {
    case 'qualified':
      return handOffNow();
    case 'nurturing':
    case 'recycled': {
      const until = Date.parse(sla.nurtureUntil ?? now.toISOString());
      const nextCheck = now.getTime() + ctx.config.nurture.checkIntervalHours * 3_600_000;
      return {
        decision: 'nurture',
        timeoutSeconds: timeoutSecondsUntil(now, new Date(Math.min(until, nextCheck))),
      };
    }
    case 'assigned': {
      if (!sla.ladder) return handOffNow();
      const step = nextFirstTouchStep(sla.ladder, now, ctx.config.sla, ctx.calendarFor(lead.owner));
      // Overdue rungs are caught up by the first wait timing out at once, never skipped.
      return {
        decision: 'await-first-touch',
        timeoutSeconds: step.decision === 'wait' ? step.timeoutSeconds : 1,
      };
    }
    case 'touched':
      return {
        decision: 'await-decision',
        timeoutSeconds: timeoutSecondsUntil(now, sla.acceptanceDueAt ?? now),
      };
    case 'accepted':
      return { decision: 'await-outcome', timeoutSeconds: timeoutSecondsUntil(now, sla.outcomeDueAt ?? now) };
    default:
      return { decision: 'done' };
  }
}
