/**
 * Lead scoring: fit (who the lead is) plus engagement (what the lead did, fading with age).
 *
 * - Every matching fit rule adds its integer points; one breakdown item per matching rule.
 * - Each engagement is worth its type's configured points times 0.5^(age / half-life), with
 *   age measured from the event to `now` (events stamped in the future count as age 0).
 *   Events of types without configured points, or with an unreadable timestamp, score 0 and
 *   leave no breakdown item: a new tracking event must never break scoring.
 * - One engagement breakdown item per scored type, its points rounded to one decimal.
 *   `engagement` and `total` are sums of the rounded items, so the breakdown always adds up
 *   to exactly what is shown.
 */
import type { ScoringConfig } from '../../config/schema.ts';
import type { EngagementRecord, LeadProfile, LeadScore, ScoreBreakdownItem } from './lead.ts';
import { evaluatePredicate } from './predicates.ts';

const DAY_MS = 86_400_000;

export interface ScoringInput {
  profile: LeadProfile;
  engagements: EngagementRecord[];
}

/** Share of an engagement's points left after `ageMs`. */
export function decayFactor(ageMs: number, halfLifeDays: number): number {
  return 0.5 ** (Math.max(0, ageMs) / (halfLifeDays * DAY_MS));
}

/** Works in tenths so sums of rounded values carry no float noise. */
const toTenths = (points: number): number => Math.round(points * 10);

export function scoreLead(input: ScoringInput, config: ScoringConfig, now: Date): LeadScore {
  const fitItems: ScoreBreakdownItem[] = config.fitRules
    .filter((rule) => evaluatePredicate(rule.when, input.profile))
    .map((rule) => ({ kind: 'fit', id: rule.id, description: rule.description, points: rule.points }));

  const pointsByType: Record<string, number | undefined> = config.engagementPoints;
  const perType = new Map<string, { count: number; each: number; raw: number }>();
  for (const event of input.engagements) {
    // hasOwn: an event type such as 'constructor' must not pick up an Object.prototype member.
    const each = Object.hasOwn(pointsByType, event.type) ? pointsByType[event.type] : undefined;
    const at = Date.parse(event.at);
    if (each === undefined || Number.isNaN(at)) continue;
    const entry = perType.get(event.type) ?? { count: 0, each, raw: 0 };
    entry.count += 1;
    entry.raw += each * decayFactor(now.getTime() - at, config.engagementHalfLifeDays);
    perType.set(event.type, entry);
  }
  const engagementItems: ScoreBreakdownItem[] = [...perType].map(([type, { count, each, raw }]) => ({
    kind: 'engagement',
    id: type,
    description: `${count}× ${type} at ${each} pts each, halving every ${config.engagementHalfLifeDays} days`,
    points: toTenths(raw) / 10,
  }));

  const fitTenths = fitItems.reduce((sum, item) => sum + toTenths(item.points), 0);
  const engagementTenths = engagementItems.reduce((sum, item) => sum + toTenths(item.points), 0);
  return {
    total: (fitTenths + engagementTenths) / 10,
    fit: fitTenths / 10,
    engagement: engagementTenths / 10,
    breakdown: [...fitItems, ...engagementItems],
    scoredAt: now.toISOString(),
  };
}

/**
 * Whether one more engagement of `type` at `at` scores under the unit's cap: fewer than
 * `perType` of that type were recorded in the `periodDays` before it.
 */
export function engagementScores(
  engagements: readonly EngagementRecord[],
  type: string,
  at: Date,
  cap: ScoringConfig['engagementCap'],
): boolean {
  const since = at.getTime() - cap.periodDays * DAY_MS;
  const recent = engagements.filter((e) => e.type === type && Date.parse(e.at) > since).length;
  return recent < cap.perType;
}

/** The spacing that keeps re-submissions (one engagement type) under the cap: the period shared out. */
export function engagementSpacingMs(cap: ScoringConfig['engagementCap']): number {
  return (cap.periodDays * DAY_MS) / cap.perType;
}
