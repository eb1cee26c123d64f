/**
 * The ports the use cases depend on. Adapters implement them: DynamoDB, EventBridge, SES and
 * Step Functions on AWS (functions/adapters/), and in-memory twins held to the same contract
 * tests (functions/adapters/in-memory/). Use cases never import an adapter.
 */
import type { BusinessUnitConfig } from '../../config/schema.ts';
import type { Clock, EngagementRecord, Lead, LeadProfile, Stage, TimelineEntry } from '../domain/lead.ts';
import type { EmailMessage } from '../domain/notifications.ts';
import type { LeadflowEventData, LeadflowEventName } from '../events/catalog.ts';

/** One atomic change to a lead: fields, timeline entries and, optionally, its stage. */
export interface LeadChange {
  stage?: Stage;
  /** Dotted attribute paths to set; `undefined` removes the attribute. */
  set?: Record<string, unknown>;
  timeline?: TimelineEntry[];
  /** Refuse the change unless the lead is in one of these stages. */
  onlyFromStages?: Stage[];
}

/** A callback wait in progress: the task token that completes it. */
export interface StoredWait {
  token: string;
  state: string;
  registeredAt: string;
}

/** What activity leaves for a wait (or hands it when it begins): the decision it completes it with. */
export type WaitResult = { decision: string } & Record<string, unknown>;

/** A submission judged to be spam, kept apart from leads for review. */
export interface QuarantineRequest {
  profile: LeadProfile;
  reasons: string[];
  now: Date;
  sourceIp?: string;
}

export interface LeadRepository {
  get(leadId: string): Promise<Lead | undefined>;
  /** Creates the lead unless one with the same id exists. */
  create(lead: Lead): Promise<'created' | 'exists'>;
  /** A known email submitted again: timeline entry, engagement, and profile fields it lacked. */
  recordResubmission(
    leadId: string,
    profile: LeadProfile,
    entry: TimelineEntry,
    engagement: EngagementRecord,
  ): Promise<Lead>;
  /** Applies one change atomically and returns the lead after it. */
  transition(leadId: string, change: LeadChange, now: Date): Promise<Lead>;
  /** Records a one-off fact (an alert sent) once; false when it was already recorded. */
  markOnce(leadId: string, marker: string, at: Date): Promise<boolean>;
  unmark(leadId: string, marker: string): Promise<void>;
  /** Stores the token of the wait now in progress; returns the lead and any result already left for it. */
  registerWait(leadId: string, kind: string, wait: StoredWait): Promise<{ lead: Lead; pending?: WaitResult }>;
  /** Leaves a result for a wait of this kind, and returns the wait in progress, if any. */
  setPending(leadId: string, kind: string, result: WaitResult): Promise<StoredWait | undefined>;
  /** Claims the right to complete the wait holding `token`; exactly one claimant wins. */
  claimWait(leadId: string, kind: string, token: string): Promise<{ claimed: boolean; pending?: WaitResult }>;
  /** Spam is kept apart from leads, for review, and expires. */
  quarantine(params: {
    profile: LeadProfile;
    reasons: string[];
    now: Date;
    sourceIp?: string;
  }): Promise<string>;
  /** Lead ids in a stage, oldest update first. */
  leadIdsInStage(stage: Stage): AsyncIterable<string>;
}

/** Shared routing state: a rotation cursor per team and the leads each rep holds. */
export interface RoutingState {
  snapshot(
    teamId: string,
    repIds: string[],
  ): Promise<{ cursor: number; openLeadsByRep: Record<string, number> }>;
  /** Moves the cursor only if nobody moved it since `expected`. */
  advanceCursor(teamId: string, expected: number, next: number): Promise<boolean>;
  /** Adds the lead to the rep's load unless the rep is full (a lead already held always fits). */
  reserve(repId: string, leadId: string, capacity: number): Promise<boolean>;
  release(repId: string, leadId: string): Promise<void>;
}

export interface PublishedEvent<N extends LeadflowEventName = LeadflowEventName> {
  name: N;
  leadId: string;
  data: LeadflowEventData<N>;
  /** Stable id for retried steps, so consumers can de-duplicate. */
  eventId?: string;
}

export interface EventPublisher {
  publish(events: PublishedEvent[], occurredAt: Date): Promise<void>;
}

export interface Mailer {
  send(message: EmailMessage): Promise<void>;
}

export interface WorkflowCallbacks {
  /** Completes a callback wait; 'stale' when the wait is already over (timed out or completed). */
  completeWait(token: string, output: WaitResult): Promise<'completed' | 'stale'>;
}

export interface LifecycleExecutions {
  /** Starts a lifecycle execution by name; a duplicate start is a no-op. */
  start(name: string, input: Record<string, unknown>): Promise<'started' | 'already-running'>;
}

/** Everything the lifecycle steps and the activity use case need. */
export interface LifecyclePorts {
  config: BusinessUnitConfig;
  clock: Clock;
  leads: LeadRepository;
  routing: RoutingState;
  events: EventPublisher;
  mailer: Mailer;
  callbacks: WorkflowCallbacks;
  executions: LifecycleExecutions;
}
