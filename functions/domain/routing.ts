/**
 * Routing: which team, then which rep, gets a qualified lead. Pure: the caller supplies open
 * lead counts and the hand-off's turn, a number no other hand-off into the team shares (the
 * team's atomic ticket counter), so concurrent hand-offs spread over the reps without ever
 * contending for shared rotation state.
 *
 * - Team: the first rule whose predicate matches, else `defaultTeam`.
 * - Eligibility, checked in this order (the first failing check is the reported reason):
 *   excluded (e.g. the rep who just lost the lead), inactive, out-of-office (today's date in
 *   the rep's calendar zone, else the unit's, within [from, to] inclusive), off-hours (only
 *   with `skipOffHoursReps`; rep calendar, else the unit's), at-capacity (open >= capacity).
 * - The rotation runs over the eligible members only, in member order:
 *   round-robin picks eligible[turn mod |eligible|]; weighted expands the eligible members'
 *   weights into the repeating sequence nginx's smooth weighted round robin produces (2:1
 *   gives a, b, a) and picks entry turn mod its length. Fractional weights are scaled to
 *   integers first.
 * While the eligible set stays the same, consecutive turns give each eligible rep exactly its
 * share per cycle. Walking a rotation of all members and passing an ineligible rep's turn to
 * the next one would instead hand that next rep a double share for as long as the other is
 * away. When the set changes (a rep fills up or comes back) the rotation restarts over the new
 * set, so one rep may get two turns in a row once. Every ineligible member is reported as
 * skipped, in member order. No eligible rep: 'fallback' to the unit's queue.
 */
import type { BusinessCalendar, Rep, RoutingConfig, Team } from '../../config/schema.ts';
import { isWithinBusinessHours } from './business-hours.ts';
import type { LeadProfile, Owner } from './lead.ts';
import { evaluatePredicate } from './predicates.ts';
import { localIsoDate } from './time-zone.ts';

export type SkipReason = 'out-of-office' | 'at-capacity' | 'off-hours' | 'inactive' | 'excluded';

export interface SkippedRep {
  repId: string;
  reason: SkipReason;
}

export interface RoutingInput {
  profile: LeadProfile;
  now: Date;
  openLeadsByRep: Record<string, number>;
  /**
   * The hand-off's turn in the chosen team's rotation, from 0 (its ticket less one); any
   * integer, taken modulo the rotation's length.
   */
  turn: number;
  excludeRepIds?: string[];
}

export type RoutingDecision =
  | {
      decision: 'assigned';
      owner: Owner;
      teamId: string;
      ruleId?: string;
      skipped: SkippedRep[];
    }
  | { decision: 'fallback'; owner: Owner; teamId: string; ruleId?: string; skipped: SkippedRep[] };

export class RoutingConfigError extends Error {
  override name = 'RoutingConfigError';
}

export function selectTeam(profile: LeadProfile, config: RoutingConfig): { team: Team; ruleId?: string } {
  const rule = config.rules.find((r) => evaluatePredicate(r.when, profile));
  const teamId = rule?.team ?? config.defaultTeam;
  const team = config.teams.find((t) => t.id === teamId);
  if (!team) throw new RoutingConfigError(`routing names team '${teamId}', which is not configured`);
  return rule ? { team, ruleId: rule.id } : { team };
}

export function repSkipReason(
  rep: Rep,
  input: Pick<RoutingInput, 'now' | 'openLeadsByRep' | 'excludeRepIds'>,
  config: Pick<RoutingConfig, 'skipOffHoursReps'>,
  unitCalendar: BusinessCalendar,
): SkipReason | undefined {
  if (input.excludeRepIds?.includes(rep.id)) return 'excluded';
  if (!rep.active) return 'inactive';
  const calendar = rep.calendar ?? unitCalendar;
  if (rep.outOfOffice.length > 0) {
    const today = localIsoDate(calendar.timezone, input.now.getTime());
    if (rep.outOfOffice.some((ooo) => ooo.from <= today && today <= ooo.to)) return 'out-of-office';
  }
  if (config.skipOffHoursReps && !isWithinBusinessHours(input.now, calendar)) return 'off-hours';
  if ((input.openLeadsByRep[rep.id] ?? 0) >= rep.capacity) return 'at-capacity';
  return undefined;
}

const MAX_SEQUENCE = 10_000;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Positive weights as the smallest integers with (almost) the same ratios. */
function integerWeights(weights: readonly number[]): number[] {
  let ints = weights.map((w) => Math.max(1, Math.round(w * 1000)));
  const divisor = ints.reduce(gcd);
  ints = ints.map((w) => w / divisor);
  const total = ints.reduce((a, b) => a + b, 0);
  if (total <= MAX_SEQUENCE) return ints;
  return ints.map((w) => Math.max(1, Math.round((w * MAX_SEQUENCE) / total)));
}

const sequenceCache = new Map<string, number[]>();

/** Member indices in nginx smooth-WRR order; one full cycle gives each member its weight. */
export function weightedSequence(weights: readonly number[]): number[] {
  const key = weights.join(',');
  const cached = sequenceCache.get(key);
  if (cached) return cached;
  const ints = integerWeights(weights);
  const total = ints.reduce((a, b) => a + b, 0);
  const current = ints.map(() => 0);
  const sequence: number[] = [];
  for (let step = 0; step < total; step++) {
    let best = 0;
    for (let i = 0; i < ints.length; i++) {
      current[i] = (current[i] ?? 0) + (ints[i] ?? 0);
      if ((current[i] ?? 0) > (current[best] ?? 0)) best = i;
    }
    current[best] = (current[best] ?? 0) - total;
    sequence.push(best);
  }
  sequenceCache.set(key, sequence);
  return sequence;
}

/** A rep of a team as the lead's owner. */
export function repOwner(rep: Rep, team: Team): Owner {
  return {
    repId: rep.id,
    name: rep.name,
    email: rep.email,
    teamId: team.id,
    managerEmail: team.manager.email,
  };
}

const mod = (turn: number, n: number): number => ((Math.trunc(turn) % n) + n) % n;

/** Which of the (non-empty) eligible reps the turn falls to. */
function turnOf(team: Team, eligible: readonly Rep[], turn: number): number {
  if (team.strategy !== 'weighted') return mod(turn, eligible.length);
  const sequence = weightedSequence(eligible.map((m) => m.weight));
  return sequence[mod(turn, sequence.length)] ?? 0;
}

export function routeLead(
  input: RoutingInput,
  config: RoutingConfig,
  unitCalendar: BusinessCalendar,
): RoutingDecision {
  const { team, ruleId } = selectTeam(input.profile, config);
  const rule = ruleId === undefined ? {} : { ruleId };
  const eligible: Rep[] = [];
  const skipped: SkippedRep[] = [];
  for (const rep of team.members) {
    const reason = repSkipReason(rep, input, config, unitCalendar);
    if (reason) skipped.push({ repId: rep.id, reason });
    else eligible.push(rep);
  }

  const rep = eligible.length > 0 ? eligible[turnOf(team, eligible, input.turn)] : undefined;
  if (rep) return { decision: 'assigned', owner: repOwner(rep, team), teamId: team.id, ...rule, skipped };

  const owner: Owner = {
    name: config.fallback.name,
    email: config.fallback.email,
    teamId: team.id,
    managerEmail: team.manager.email,
    fallback: true,
  };
  return { decision: 'fallback', owner, teamId: team.id, ...rule, skipped };
}
