/**
 * The ends of a lifecycle: disqualified, closed won or lost, or failed (a step that kept
 * failing after its retries). Each frees the rep's capacity if the lead still held it.
 */
import type { Lead, Stage } from '../../domain/lead.ts';
import type { Step } from './step.ts';
import type { StepContext } from './step-context.ts';

/** What both lead repositories call a failed guard (`onlyFromStages`), as DynamoDB does. */
const GUARD_FAILED = 'ConditionalCheckFailedException';

/** Stages in which the lead counts against its rep's capacity. */
const HELD_BY_REP: ReadonlySet<Stage> = new Set(['assigned', 'touched', 'accepted']);

async function releaseRep(ctx: StepContext, lead: Lead): Promise<void> {
  if (lead.owner?.repId && HELD_BY_REP.has(lead.stage))
    await ctx.ports.routing.release(lead.owner.repId, lead.leadId);
}

export const disqualify: Step<'Disqualify'> = async (ctx, { previous }) => {
  const lead = await ctx.lead();
  await releaseRep(ctx, lead);
  await ctx.record(lead, {
    change: {
      stage: 'disqualified',
      timeline: [ctx.entry('disqualified', `Disqualified: ${previous.reason}`)],
    },
    events: [ctx.event('LeadDisqualified', 'disqualified', { reason: previous.reason })],
  });
  return { decision: 'done' };
};

/**
 * Closes the lead without reading it first: the write is guarded by the stage an outcome needs
 * (accepted), and the lead it returns names the rep to free. When the guard fails, the lead is
 * read: a retry after the write only frees the rep again (idempotent); a lead in another stage
 * is closed from there.
 */
export const recordOutcome: Step<'Outcome'> = async (ctx, { previous }) => {
  const { result, reason } = previous;
  const change = {
    stage: result,
    set: { outcome: { result, at: ctx.now.toISOString(), ...(reason ? { reason } : {}) } },
    timeline: [ctx.entry(result, `Closed ${result}${reason ? `: ${reason}` : ''}`)],
  };
  const events = [ctx.event('LeadConverted', 'converted', { result, reason })];
  await ctx.ports.events.publish(events, ctx.now);
  const closed = await ctx.ports.leads
    .transition(ctx.leadId, { ...change, onlyFromStages: ['accepted'] }, ctx.now)
    .catch((error: Error) => {
      if (error.name === GUARD_FAILED) return undefined;
      throw error;
    });
  if (closed) {
    if (closed.owner?.repId) await ctx.ports.routing.release(closed.owner.repId, ctx.leadId);
    return { decision: 'done' };
  }
  const lead = await ctx.lead();
  if (lead.stage === result) {
    if (lead.owner?.repId) await ctx.ports.routing.release(lead.owner.repId, ctx.leadId);
    return { decision: 'done' };
  }
  await releaseRep(ctx, lead);
  await ctx.record(lead, { change });
  return { decision: 'done' };
};

/**
 * The lead is parked as failed, ops are told, and the execution ends (LifecycleFailed). Nothing
 * here may keep the failure from being recorded: not the lead item (it may be what failed),
 * not SES (an outage may be what failed). The event goes out first; then the lead is parked and
 * the rep freed, as far as the store allows; then ops are mailed through the outbox. A mail SES
 * refuses fails the step, whose retries send it; through a longer outage the alert stays
 * pending in the outbox (sent when the lead is redriven) and the CloudWatch alarm on failed
 * executions reaches ops. A retry repeats nothing: the failure is keyed by the
 * execution that failed, and a lead already parked keeps the stage it failed in.
 */
export const recordFailure: Step<'RecordFailure'> = async (ctx, { error }) => {
  const lead = await ctx.ports.leads.get(ctx.leadId);
  if (!lead) return { decision: 'failed' };
  const message = `${error.Error ?? 'Error'}: ${(error.Cause ?? '').slice(0, 500)}`;
  const failedIn = lead.stage === 'failed' && lead.failure ? lead.failure.stage : lead.stage;
  const key = `${failedIn}:${lead.executionStartedAt ?? lead.createdAt}`;
  // Parked already: a retry whose mail failed; the event went out before the lead was parked.
  if (lead.stage !== 'failed') {
    await ctx.ports.events.publish(
      [ctx.event('LifecycleFailed', `failed:${key}`, { stage: failedIn, error: message })],
      ctx.now,
    );
    await parkAsFailed(ctx, lead, failedIn, message).catch(() => {});
  }
  // Last, and allowed to fail: the step's retries try the mail again, and if SES stays down the
  // lead is parked already and the alert waits in the outbox.
  await ctx.notifyOnce(lead, {
    marker: `failure-${key}`,
    facts: { kind: 'failure', audiences: ['ops'], error: message },
  });
  return { decision: 'failed' };
};

async function parkAsFailed(ctx: StepContext, lead: Lead, failedIn: Stage, message: string): Promise<void> {
  await releaseRep(ctx, lead);
  await ctx.ports.leads.transition(
    lead.leadId,
    {
      stage: 'failed',
      set: { failure: { at: ctx.now.toISOString(), error: message, stage: failedIn } },
      timeline: [ctx.entry('failed', `Lifecycle step failed in stage ${failedIn}: ${message}`)],
    },
    ctx.now,
  );
}
