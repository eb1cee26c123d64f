/**
 * The scorecard: plain JSON (numbers, strings, booleans and null; never NaN or Infinity).
 * Formulas for every figure: docs/scorecard.md.
 */
import type { Times } from './stats.ts';

export type { Times };

/** Inclusive local dates (unit time zone), YYYY-MM-DD. */
export interface Period {
  from: string;
  to: string;
}

export interface PaceFigure {
  /** undefined for the whole commitment, else the segment id. */
  segment?: string;
  delivered: number;
  /** What the agreement versions in force over the period commit to (business-day weighted). */
  commitment: number;
  /** The part of the commitment due by now. */
  expectedSoFar: number;
  /** delivered / expectedSoFar; null before any of the commitment is due. */
  pace: number | null;
  /** pace × commitment: where the period ends at this pace. */
  projected: number | null;
  status: 'on pace' | 'at risk' | 'behind' | null;
}

export interface VersionJudgement {
  /** The version's effectiveFrom. */
  version: string;
  judged: number;
  within: number;
  rate: number | null;
  target: number;
  met: boolean | null;
}

export interface TargetFigure {
  judged: number;
  within: number;
  rate: number | null;
  /** The judged hand-offs' own targets, averaged (each by the version in force at its hand-off). */
  target: number | null;
  met: boolean | null;
  byVersion: VersionJudgement[];
}

export interface AttributionRow {
  value: string;
  leads: number;
  mqls: number;
  sqls: number;
  accepted: number;
  rejected: number;
  /** accepted / (accepted + rejected) among decisions made in the period. */
  acceptanceRate: number | null;
}

export interface OwnerRow {
  id: string;
  name: string | null;
  /** For a rep: their team. */
  teamId: string | null;
  assigned: number;
  firstTouches: number;
  /** First-touch judgements of the hand-offs they first owned. */
  judged: number;
  withinSla: number;
  withinSlaRate: number | null;
  /** Business minutes from their own assignment to the first touches they made. */
  firstTouchMinutes: Times;
  reminders: number;
  breaches: number;
  escalations: number;
  reassignedAway: number;
  accepted: number;
  rejected: number;
  won: number;
  lost: number;
}

export type FunnelStageName = 'lead' | 'mql' | 'sql' | 'accepted' | 'won';

export interface FunnelStage {
  stage: FunnelStageName;
  count: number;
  /** count / previous stage's count (same period). */
  conversionFromPrevious: number | null;
  /** Hours from the previous stage to this one, for transitions completed in the period. */
  hoursFromPrevious: Times | null;
}

export interface RankedLabel {
  label: string;
  count: number;
  share: number | null;
}

export interface Scorecard {
  unit: { name: string; displayName: string; timezone: string };
  period: Period & {
    generatedAt: string;
    today: string;
    complete: boolean;
    days: number;
    businessDays: number;
    businessDaysElapsed: number;
    /** effectiveFrom of every agreement version in force on some day of the period. */
    agreementVersions: string[];
  };
  marketing: {
    sqls: PaceFigure;
    bySegment: PaceFigure[];
    rates: { mqlToSql: number | null; sqlToAccepted: number | null };
    quality: TargetFigure;
    bySource: AttributionRow[];
    byCampaign: AttributionRow[];
  };
  sales: {
    firstTouch: TargetFigure & { minutes: Times };
    decision: TargetFigure & { minutes: Times };
    outcome: { won: number; lost: number; minutes: Times };
    activity: Record<
      | 'handoffs'
      | 'assigned'
      | 'reminders'
      | 'breaches'
      | 'escalations'
      | 'reassignments'
      | 'touches'
      | 'firstTouches'
      | 'accepted'
      | 'rejected'
      | 'won'
      | 'lost',
      number
    >;
    touchAttemptsPerLead: number | null;
    byRep: OwnerRow[];
    byTeam: OwnerRow[];
  };
  funnel: {
    stages: FunnelStage[];
    leadToWon: number | null;
    wonAmount: number;
    wonWithAmount: number;
    averageDealSize: number | null;
  };
  feedback: {
    rejectionReasons: RankedLabel[];
    rejectionsBySource: Array<{ source: string; reason: string; count: number }>;
    rejectionsByCampaign: Array<{ campaign: string; reason: string; count: number }>;
    topics: RankedLabel[];
  };
}
