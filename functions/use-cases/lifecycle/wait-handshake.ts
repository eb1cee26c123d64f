/**
 * The two halves of a callback wait. Either can come first:
 * - the wait begins (`registerWait`, run by the wait's own Task): its token is stored on the
 *   lead; if a result is already pending (a touch logged before the hand-off finished), the
 *   wait completes at once;
 * - activity ends it (record-activity): its write claims the token it read with the result
 *   (the token must still be the stored one), or, when no wait was in progress, leaves the
 *   result pending (no wait may have begun since the read); then a claimed wait is completed.
 * Each side's write is conditioned on the other's slot, so one of them always sees the other.
 * Claiming removes the token only if it is still the stored one, so exactly one side completes
 * a wait, and a token from an older wait (timed out meanwhile) is refused.
 */
import {
  type CompletionForKind,
  type WaitKind,
  type WaitStateName,
  waitKind,
} from '../../../workflows/lifecycle-contract.ts';
import { timeoutSecondsUntil } from '../../domain/sla-policy.ts';
import { capWait } from '../../domain/wait-limits.ts';
import type { LifecyclePorts, StoredWait, WaitResult } from '../ports.ts';
import type { StepContext } from './step-context.ts';

export async function registerWait(
  ports: LifecyclePorts,
  input: { state: WaitStateName; leadId: string; token: string },
): Promise<{ registered: WaitKind; completedAtOnce: boolean }> {
  const now = ports.clock.now();
  const kind = waitKind(input.state);
  const { lead, pending } = await ports.leads.registerWait(input.leadId, kind, {
    token: input.token,
    state: input.state,
    registeredAt: now.toISOString(),
  });
  if (!pending) return { registered: kind, completedAtOnce: false };
  const claim = await ports.leads.claimWait(input.leadId, kind, input.token);
  if (!claim.claimed || !claim.pending) return { registered: kind, completedAtOnce: false };
  // The touch came before the lead was assigned: the stage moves on now that it is.
  if (kind === 'first-touch' && claim.pending.decision === 'touched' && lead.stage === 'assigned')
    await ports.leads.transition(lead.leadId, { stage: 'touched', onlyFromStages: ['assigned'] }, now);
  await ports.callbacks.completeWait(input.token, claim.pending);
  return { registered: kind, completedAtOnce: true };
}

export type WaitCompletion = { [K in WaitKind]: { kind: K; result: CompletionForKind<K> } }[WaitKind];

/** A result as a wait receives it: a wait it starts is capped like every other wait. */
export function withCappedWait(result: WaitResult): WaitResult {
  return typeof result.timeoutSeconds === 'number'
    ? { ...result, timeoutSeconds: capWait(result.timeoutSeconds) }
    : result;
}

/**
 * An activity's wait results as its write carries them: each claims the wait of its kind that
 * was in progress when the lead was read, if any (capped like every other wait).
 */
export function activityResults(
  completions: readonly WaitCompletion[],
  waits: Record<string, StoredWait>,
): Record<string, { result: WaitResult; claimWith?: string }> {
  return Object.fromEntries(
    completions.map((c) => [c.kind, { result: withCappedWait(c.result), claimWith: waits[c.kind]?.token }]),
  );
}

/** After the activity's write: completes each wait it claimed; the other results wait as pending. */
export async function completeClaimed(
  ports: Pick<LifecyclePorts, 'leads' | 'callbacks'>,
  leadId: string,
  results: Record<string, { result: WaitResult; claimWith?: string }>,
): Promise<Array<{ kind: WaitKind; result: 'completed' | 'pending' }>> {
  const completions: Array<{ kind: WaitKind; result: 'completed' | 'pending' }> = [];
  for (const [kind, { result, claimWith }] of Object.entries(results) as Array<
    [WaitKind, { result: WaitResult; claimWith?: string }]
  >)
    completions.push({
      kind,
      result: claimWith ? await deliverClaimed(ports, leadId, kind, claimWith, result) : 'pending',
    });
  return completions;
}

/**
 * Completes a wait whose token was claimed with `result` (by the activity's own write, or by
 * `claimWait`). A wait that had already timed out refuses it: the result goes back to pending
 * for the next wait of this kind (unless the timed-out wait's overdue step has taken it meanwhile).
 */
export async function deliverClaimed(
  ports: Pick<LifecyclePorts, 'leads' | 'callbacks'>,
  leadId: string,
  kind: WaitKind,
  token: string,
  result: WaitResult,
): Promise<'completed' | 'pending'> {
  if ((await ports.callbacks.completeWait(token, result)) === 'completed') return 'completed';
  await ports.leads.requeue(leadId, kind);
  return 'pending';
}

/** A result left pending while a wait of its kind is in progress: claim its token and complete it. */
export async function completeWait(
  ports: Pick<LifecyclePorts, 'leads' | 'callbacks'>,
  leadId: string,
  kind: WaitKind,
  wait: StoredWait | undefined,
): Promise<'completed' | 'pending'> {
  if (!wait) return 'pending';
  const claim = await ports.leads.claimWait(leadId, kind, wait.token);
  if (!claim.claimed || !claim.pending) return 'pending';
  return deliverClaimed(ports, leadId, kind, wait.token, claim.pending);
}

/**
 * Finishes what an activity that was applied once left undone (its process stopped, or Step
 * Functions failed, before the waits heard of it): every wait with a result pending and a token
 * stored is completed, and a result claimed but perhaps never delivered is sent again with the
 * token it was claimed with. A wait already over refuses that ('stale'); the claimed result then
 * stays for that wait's overdue step, never back to pending, where a later wait could take it.
 */
export async function completePending(
  ports: Pick<LifecyclePorts, 'leads' | 'callbacks'>,
  leadId: string,
): Promise<Array<{ kind: WaitKind; result: 'completed' | 'pending' }>> {
  const { waits, pending, claimed } = await ports.leads.waits(leadId);
  const results: Array<{ kind: WaitKind; result: 'completed' | 'pending' }> = [];
  for (const kind of Object.keys(pending) as WaitKind[])
    results.push({ kind, result: await completeWait(ports, leadId, kind, waits[kind]) });
  for (const [kind, { token, result }] of Object.entries(claimed) as Array<
    [WaitKind, { token: string; result: WaitResult }]
  >)
    results.push({
      kind,
      result: (await ports.callbacks.completeWait(token, result)) === 'completed' ? 'completed' : 'pending',
    });
  return results;
}

/**
 * What the overdue step of a wait takes first: a result activity left for that wait that never
 * reached it (the completion was lost between claiming the token and calling Step Functions, or
 * the wait timed out just as it came). Its wait is renewed from the deadline stored on the lead.
 */
export async function lostCompletion(ctx: StepContext, kind: WaitKind): Promise<WaitResult | undefined> {
  const lead = await ctx.lead();
  // The lead as read says whether there is one: no extra request in the usual case.
  if (!lead.waitResults?.includes(kind)) return undefined;
  const result = await ctx.ports.leads.takeResult(ctx.leadId, kind);
  // A resumed SLA clock asks for exactly what the overdue step does anyway: look again.
  if (!result || result.decision === 'resumed') return undefined;
  const sla = lead.sla ?? {};
  const dueAt =
    result.decision === 'touched'
      ? sla.acceptanceDueAt
      : result.decision === 'accepted'
        ? sla.outcomeDueAt
        : undefined;
  return dueAt ? { ...result, timeoutSeconds: timeoutSecondsUntil(ctx.now, dueAt) } : result;
}
