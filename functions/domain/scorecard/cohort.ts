/**
 * The period's hand-off cohort and how it is judged against the agreement.
 *
 * The cohort is every hand-off whose first assignment fell on a local day of the period. Each
 * is judged by the agreement version in force on that day, even when a later version has taken
 * effect since. A hand-off is judged once its outcome for a measure is known (touched, or its
 * deadline passed untouched); until then it is pending and left out.
 */
import type { AgreementVersion } from '../../../config/schema.ts';
import { localDate, toMs } from '../agreement/dates.ts';
import { versionOn } from '../agreement/versions.ts';
import type { HandoffFacts, LeadFacts } from './facts.ts';
import { ratio, round } from './stats.ts';
import type { Period, TargetFigure } from './types.ts';

export interface CohortHandoff {
  lead: LeadFacts;
  handoff: HandoffFacts;
  /** Local day of the hand-off. */
  day: string;
  version: AgreementVersion;
}

export function cohortOf(
  leadFacts: readonly LeadFacts[],
  period: Period,
  versions: readonly AgreementVersion[],
  timezone: string,
): CohortHandoff[] {
  const cohort: CohortHandoff[] = [];
  for (const lead of leadFacts)
    for (const handoff of lead.handoffs) {
      if (handoff.handedOffAt === undefined) continue;
      const day = localDate(handoff.handedOffAt, timezone);
      if (day >= period.from && day <= period.to)
        cohort.push({ lead, handoff, day, version: versionOn(versions, day) });
    }
  return cohort;
}

/** Judged for first touch: touched, or its first-touch deadline has passed. */
export function firstTouchJudgement(h: HandoffFacts, now: number): boolean | undefined {
  if (h.firstTouch) return h.firstTouch.withinSla;
  if (h.followUpDueAt !== undefined && toMs(h.followUpDueAt) <= now) return false;
  return undefined;
}

/** Judged for the decision window: decided, or the window has closed undecided. */
export function decisionJudgement(h: HandoffFacts, now: number): boolean | undefined {
  if (h.decision) return h.decision.withinWindow;
  if (h.acceptanceDueAt !== undefined && toMs(h.acceptanceDueAt) <= now) return false;
  return undefined;
}

/** Judged for the quality bar: decided; within when accepted. */
export const qualityJudgement = (h: HandoffFacts): boolean | undefined =>
  h.decision ? h.decision.result === 'accepted' : undefined;

export function judge(
  cohort: readonly CohortHandoff[],
  verdict: (h: HandoffFacts) => boolean | undefined,
  target: (v: AgreementVersion) => number,
): TargetFigure {
  const versions = new Map<string, { judged: number; within: number; target: number }>();
  for (const item of cohort) {
    const within = verdict(item.handoff);
    if (within === undefined) continue;
    const id = item.version.effectiveFrom;
    const entry = versions.get(id) ?? { judged: 0, within: 0, target: target(item.version) };
    entry.judged += 1;
    if (within) entry.within += 1;
    versions.set(id, entry);
  }
  const byVersion = [...versions.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([version, v]) => {
      const rate = ratio(v.within, v.judged);
      return { version, ...v, rate, met: rate === null ? null : v.within >= v.target * v.judged - 1e-9 };
    });
  const judged = byVersion.reduce((n, v) => n + v.judged, 0);
  const within = byVersion.reduce((n, v) => n + v.within, 0);
  const weighted = byVersion.reduce((n, v) => n + v.target * v.judged, 0);
  const rate = ratio(within, judged);
  return {
    judged,
    within,
    rate,
    target: judged > 0 ? round(weighted / judged, 4) : null,
    met: judged === 0 ? null : within >= weighted - 1e-9,
    byVersion,
  };
}
