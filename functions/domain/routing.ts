/**
 * Routing: which team, then which rep, gets a qualified lead. Pure: the caller supplies open
 * lead counts and the team's rotation cursor, and persists `nextCursor` with a conditional
 * write so concurrent handoffs cannot both take the same turn.
 *
 * - Team: the first rule whose predicate matches, else `defaultTeam`.
 * - Eligibility, checked in this order (the first failing check is the reported reason):
 *   excluded (e.g. the rep who just lost the lead), inactive, out-of-office (today's date in
 *   the rep's calendar zone, else the unit's, within [from, to] inclusive), off-hours (only
 *   with `skipOffHoursReps`; rep calendar, else the unit's), at-capacity (open >= capacity).
 * - round-robin: start at cursor mod n, take the first eligible member going forward;
 *   nextCursor = chosen member index + 1.
 * - weighted: weights expand into the repeating sequence nginx's smooth weighted round robin
 *   produces (e.g. 2:1 gives a, b, a); the cursor indexes that sequence and the first
 *   eligible entry from there wins; nextCursor = chosen position + 1. Fractional weights are
 *   scaled to integers first.
 * Either way, each eligible rep gets its share over consecutive assignments; ineligible reps'
 * turns pass to the next eligible one. No eligible rep: 'fallback' to the unit's queue.
 */
import { DateTime } from 'luxon';
import type { BusinessCalendar, Rep, RoutingConfig, Team } from '../../config/schema.ts';
import { isWithinBusinessHours } from './business-hours.ts';
import type { LeadProfile, Owner } from './lead.ts';
import { evaluatePredicate } from './predicates.ts';

export type SkipReason = 'out-of-office' | 'at-capacity' | 'off-hours' | 'inactive' | 'excluded';

export interface SkippedRep {
  repId: string;
  reason: SkipReason;
}

export interface RoutingInput {
  profile: LeadProfile;
  now: Date;
  openLeadsByRep: Record<string, number>;
  /** Rotation cursor per team id; missing means 0. */
  rotation: Record<string, number>;
  excludeRepIds?: string[];
}

export type RoutingDecision =
  | {
      decision: 'assigned';
      owner: Owner;
      teamId: string;
      ruleId?: string;
      nextCursor: number;
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
    const today = DateTime.fromJSDate(input.now, { zone: calendar.timezone }).toISODate();
    if (today !== null && rep.outOfOffice.some((ooo) => ooo.from <= today && today <= ooo.to))
      return 'out-of-office';
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

const mod = (cursor: number, n: number): number => ((Math.trunc(cursor) % n) + n) % n;

export function routeLead(
  input: RoutingInput,
  config: RoutingConfig,
  unitCalendar: BusinessCalendar,
): RoutingDecision {
  const { team, ruleId } = selectTeam(input.profile, config);
  const order =
    team.strategy === 'weighted'
      ? weightedSequence(team.members.map((m) => m.weight))
      : team.members.map((_, i) => i);
  const start = mod(input.rotation[team.id] ?? 0, order.length);
  const checked = new Set<number>();
  const skipped: SkippedRep[] = [];
  const rule = ruleId === undefined ? {} : { ruleId };

  for (let step = 0; step < order.length && checked.size < team.members.length; step++) {
    const position = (start + step) % order.length;
    const index = order[position] ?? 0;
    const rep = team.members[index];
    if (!rep || checked.has(index)) continue;
    const reason = repSkipReason(rep, input, config, unitCalendar);
    checked.add(index);
    if (reason) {
      skipped.push({ repId: rep.id, reason });
      continue;
    }
    return {
      decision: 'assigned',
      owner: repOwner(rep, team),
      teamId: team.id,
      ...rule,
      nextCursor: position + 1,
      skipped,
    };
  }

  const owner: Owner = {
    name: config.fallback.name,
    email: config.fallback.email,
    teamId: team.id,
    managerEmail: team.manager.email,
    fallback: true,
  };
  return { decision: 'fallback', owner, teamId: team.id, ...rule, skipped };
}
