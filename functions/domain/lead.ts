/**
 * The lead as the domain sees it. Pure types: no AWS, no I/O.
 */
import type { FirstTouchState } from './sla-policy.ts';

/** An interval during which a lead's SLA clock stood still. */
export interface SlaPause {
  from: string;
  to: string;
}

export const STAGES = [
  'captured',
  'nurturing',
  'qualified',
  'assigned',
  'touched',
  'accepted',
  'won',
  'lost',
  'recycled',
  'disqualified',
  'failed',
] as const;
export type Stage = (typeof STAGES)[number];

/** Stages a lead never leaves (the lifecycle has ended). */
export const CLOSED_STAGES: ReadonlySet<Stage> = new Set(['won', 'lost', 'disqualified', 'failed']);
/** Stages in which the lead still needs work from someone. */
export const OPEN_STAGES: ReadonlySet<Stage> = new Set(STAGES.filter((s) => !CLOSED_STAGES.has(s)));

/** Open (work to do), closed (won, lost, disqualified), or failed (parked for ops to redrive). */
export type LeadStatus = 'open' | 'closed' | 'failed';
export const leadStatus = (stage: Stage): LeadStatus =>
  stage === 'failed' ? 'failed' : CLOSED_STAGES.has(stage) ? 'closed' : 'open';

export interface UtmParameters {
  source?: string;
  medium?: string;
  campaign?: string;
  term?: string;
  content?: string;
}

/** What a prospect told us, normalized. Used by scoring, qualification and routing predicates. */
export interface LeadProfile {
  email: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  companySize?: number;
  jobTitle?: string;
  phone?: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country?: string;
  website?: string;
  message?: string;
  consent?: boolean;
  intent?: string;
  formId?: string;
  utm?: UtmParameters;
  custom?: Record<string, string>;
}

export interface TimelineEntry {
  at: string;
  type: string;
  /** Short human-readable line for reps and managers. */
  summary: string;
  data?: Record<string, unknown>;
}

export interface ScoreBreakdownItem {
  kind: 'fit' | 'engagement';
  id: string;
  description: string;
  points: number;
}

export interface LeadScore {
  total: number;
  fit: number;
  engagement: number;
  breakdown: ScoreBreakdownItem[];
  scoredAt: string;
}

export interface Owner {
  repId?: string;
  name: string;
  email: string;
  teamId?: string;
  managerEmail?: string;
  /** True when nobody was eligible and the lead went to the unit's fallback owner/queue. */
  fallback?: boolean;
}

export interface EngagementRecord {
  type: string;
  at: string;
}

export interface Lead {
  leadId: string;
  businessUnit: string;
  stage: Stage;
  profile: LeadProfile;
  createdAt: string;
  updatedAt: string;
  submissionCount: number;
  engagements: EngagementRecord[];
  timeline: TimelineEntry[];
  score?: LeadScore;
  owner?: Owner;
  /** SLA deadlines and facts, ISO timestamps. */
  sla?: {
    assignedAt?: string;
    followUpDueAt?: string;
    reminderAt?: string;
    firstTouchAt?: string;
    touchAttempts?: number;
    breachedAt?: string;
    reassignments?: number;
    acceptanceDueAt?: string;
    acceptedAt?: string;
    nurtureStartedAt?: string;
    nurtureUntil?: string;
    outcomeDueAt?: string;
    /** Where the first-touch escalation ladder stands (see sla-policy). */
    ladder?: FirstTouchState;
    /** How many times the lead was handed to an owner (keys its alerts and events). */
    handoffs?: number;
    /** Reps who already had this lead and let it breach: never routed to them again. */
    excludedRepIds?: string[];
    /** Set while ops have paused the SLA clock (functions/domain/sla-pause.ts). */
    pausedAt?: string;
    /** Past pauses of the SLA clock: their time is not business time for this lead. */
    pauses?: SlaPause[];
    /** A rep ops picked for the next hand-off (POST /leads/{id}/reassign); cleared by it. */
    reassignTo?: string;
  };
  rejection?: { reason: string; at: string; by?: string };
  outcome?: { result: 'won' | 'lost'; at: string; reason?: string };
  /** The deal amount the rep gave with the outcome, if any. */
  dealAmount?: number;
  /** The last time the form was submitted for this email (submissionCount counts them all). */
  lastSubmittedAt?: string;
  /** The last re-submission that scored; later ones inside the unit's spacing are only counted. */
  lastScoredSubmissionAt?: string;
  /** When LeadCaptured was last published for this lead. */
  announcedAt?: string;
  /**
   * Wait kinds with a result activity left (pending, or claimed and perhaps never delivered), as
   * the store read them; never written (the store keeps the results themselves apart).
   */
  waitResults?: string[];
  /** Ids of the latest activities applied, so a redelivered one is recognised. */
  processedActivityIds?: string[];
  /** Set when a lifecycle step failed for good: where the lead was and why. */
  failure?: { at: string; error: string; stage: Stage };
  /** Set once the lifecycle execution has been asked to start. */
  lifecycleStartedAt?: string;
  /** When the current lifecycle execution began (Standard executions may run a year at most). */
  executionStartedAt?: string;
  /** Which execution of the lead's lifecycle is current (continue-as-new increments it). */
  lifecycleGeneration?: number;
  version: number;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
