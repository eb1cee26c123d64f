/**
 * Qualification and nurture: score the lead, decide SQL / nurture / disqualify, re-check a
 * nurtured lead when its wait ends (or engagement wakes it), and recycle leads sales rejected
 * or nurture ran out on.
 */
import type { DecisionOf, Outcome } from '../../../workflows/lifecycle-contract.ts';
import type { Lead } from '../../domain/lead.ts';
import { nurtureDecision, qualifyLead } from '../../domain/qualification.ts';
import { scoreLead } from '../../domain/scoring.ts';
import { ownerRef } from '../../domain/timeline.ts';
import type { LeadChange, PublishedEvent } from '../ports.ts';
import type { Step } from './step.ts';
import type { StepContext } from './step-context.ts';
import { lostCompletion } from './wait-handshake.ts';

/** Score and qualification of the lead as it is now. */
function assess(ctx: StepContext, lead: Lead) {
  const score = scoreLead(
    { profile: lead.profile, engagements: lead.engagements ?? [] },
    ctx.config.scoring,
    ctx.now,
  );
  // Sales already answered this hand-raise: after a rejection only new engagement re-qualifies.
  const profile = lead.rejection ? { ...lead.profile, intent: undefined } : lead.profile;
  return { score, qualification: qualifyLead({ profile, score }, ctx.config.qualification) };
}

const scoreData = (score: { total: number; fit: number; engagement: number }) => ({
  total: score.total,
  fit: score.fit,
  engagement: score.engagement,
});

/** What qualifying a captured lead decides: an SQL goes on to its hand-off in the same step. */
export type Qualification = DecisionOf<'qualified'> | Exclude<Outcome<'Start'>, DecisionOf<'assigned'>>;

/**
 * A captured lead is scored and judged in one write (Start runs this): an SQL is qualified; a
 * lead that is neither SQL nor disqualified starts nurture; a disqualified one keeps its score
 * and goes on to Disqualify.
 */
export async function qualify(ctx: StepContext): Promise<Qualification> {
  const lead = await ctx.lead();
  const { score, qualification } = assess(ctx, lead);
  // Disqualified before in this execution (a retry, or a redrive of a lead whose Disqualify
  // failed): the score is written, so decide again without writing it twice.
  const scoredBefore =
    lead.score && lead.executionStartedAt && lead.score.scoredAt >= lead.executionStartedAt;
  if (scoredBefore && qualification.decision === 'disqualify')
    return { decision: 'disqualify', reason: qualification.reason };
  const now = ctx.now.toISOString();
  const scored = {
    set: { score, lifecycleStartedAt: lead.lifecycleStartedAt ?? now, executionStartedAt: now },
    timeline: [
      ctx.entry('scored', `Scored ${score.total} (fit ${score.fit}, engagement ${score.engagement})`, {
        breakdown: score.breakdown,
      }),
    ],
  };
  const scoredEvent = ctx.event('LeadScored', `scored:${lead.version}`, scoreData(score));
  if (qualification.decision === 'disqualify') {
    await ctx.record(lead, { change: scored, events: [scoredEvent] });
    return { decision: 'disqualify', reason: qualification.reason };
  }
  if (qualification.decision === 'sql') {
    const written = await ctx.record(lead, {
      change: {
        stage: 'qualified',
        set: scored.set,
        timeline: [
          ...scored.timeline,
          ctx.entry('qualified', `Sales-qualified: ${qualification.reasons.join('; ')}`),
        ],
      },
      events: [
        scoredEvent,
        ctx.event('LeadQualified', `qualified:${lead.version}`, { reasons: qualification.reasons }),
      ],
    });
    ctx.continueWith(written);
    return { decision: 'qualified' };
  }
  return startNurture(
    ctx,
    lead,
    `Nurturing (${qualification.level.toUpperCase()}): ${qualification.reasons.join('; ')}`,
    qualification.level,
    [scoredEvent],
    scored,
  );
}

/** Starts a fresh nurture period (bounded by maxNurtureDays), with `events` that led to it. */
async function startNurture(
  ctx: StepContext,
  lead: Lead,
  summary: string,
  level: string,
  events: PublishedEvent[],
  change: Omit<LeadChange, 'stage'> = {},
) {
  const nurture = ctx.config.nurture;
  const startedAt = ctx.now.toISOString();
  const plan = nurtureDecision(
    {
      nurtureStartedAt: startedAt,
      now: ctx.now,
      latest: { decision: 'nurture', level: 'lead', reasons: [] },
    },
    nurture,
  );
  if (plan.decision !== 'keep-nurturing') throw new Error('A fresh nurture period must allow a wait');
  const until = new Date(ctx.now.getTime() + nurture.maxNurtureDays * 86_400_000).toISOString();
  await ctx.record(lead, {
    change: {
      stage: 'nurturing',
      set: { ...change.set, 'sla.nurtureStartedAt': startedAt, 'sla.nurtureUntil': until },
      timeline: [...(change.timeline ?? []), ctx.entry('nurturing', summary)],
    },
    events: [...events, ctx.event('LeadNurtured', `nurtured:${lead.version}`, { level, until })],
  });
  return { decision: 'nurture' as const, timeoutSeconds: plan.timeoutSeconds };
}

export const nurtureCheck: Step<'NurtureCheck'> = async (ctx, { previous }) => {
  // An engagement whose wake-up was lost still counts as one.
  const lost = await lostCompletion(ctx, 'nurture');
  const lead = await ctx.lead();
  const { score, qualification } = assess(ctx, lead);
  const verdict = nurtureDecision(
    {
      nurtureStartedAt: lead.sla?.nurtureStartedAt ?? ctx.now.toISOString(),
      now: ctx.now,
      latest: qualification,
    },
    ctx.config.nurture,
  );
  const woken = previous.decision === 'engaged' || lost?.decision === 'engaged';
  const qualified = verdict.decision === 'qualified' && qualification.decision === 'sql';
  const timeline = [
    ...(woken ? [ctx.entry('rescored', `Re-scored after engagement: ${score.total}`)] : []),
    ...(qualified
      ? [ctx.entry('qualified', `Sales-qualified while nurtured: ${qualification.reasons.join('; ')}`)]
      : []),
  ];
  await ctx.record(lead, {
    change: { set: { score }, timeline, ...(qualified ? { stage: 'qualified' as const } : {}) },
    events: [
      ...(woken ? [ctx.event('LeadScored', `rescored:${lead.version}`, scoreData(score))] : []),
      ...(qualified
        ? [ctx.event('LeadQualified', `qualified:${lead.version}`, { reasons: qualification.reasons })]
        : []),
    ],
  });
  switch (verdict.decision) {
    case 'qualified':
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
            reason: `Nurtured for ${ctx.config.nurture.maxNurtureDays} days without qualifying`,
          };
  }
};

/** Sales rejected the lead (reason kept) or nurture ran out: back to marketing. */
export const recycle: Step<'Recycle'> = async (ctx, { previous }) => {
  const lead = await ctx.lead();
  const rejected = previous.decision === 'rejected';
  const reason = previous.reason;
  if (lead.owner?.repId && rejected) await ctx.ports.routing.release(lead.owner.repId, lead.leadId);
  const events = [
    ...(rejected
      ? [ctx.event('LeadRejected', `rejected:${lead.version}`, { owner: ownerRef(lead.owner), reason })]
      : []),
    ctx.event('LeadRecycled', `recycled:${lead.version}`, { reason }),
  ];
  return startNurture(ctx, lead, `Nurturing again after recycle (${reason})`, 'recycled', events, {
    set: rejected ? { rejection: { reason, at: ctx.now.toISOString(), by: lead.owner?.email } } : {},
    timeline: [
      ctx.entry(
        'recycled',
        rejected
          ? `Rejected by ${lead.owner?.name ?? 'sales'}: ${reason}; recycled to nurture`
          : `Recycled: ${reason}`,
      ),
    ],
  });
};
