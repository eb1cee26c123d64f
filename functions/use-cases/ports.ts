/**
 * The ports the use cases depend on. Adapters implement them: DynamoDB, EventBridge, SES and
 * Step Functions on AWS (functions/adapters/), and in-memory twins held to the same contract
 * tests (functions/adapters/in-memory/). Use cases never import an adapter.
 */
import type { BusinessUnitConfig } from '../../config/schema.ts';
import type { ActionLinks } from '../domain/action-links.ts';
import type {
  Clock,
  EngagementRecord,
  Lead,
  LeadProfile,
  LeadStatus,
  TimelineEntry,
} from '../domain/lead.ts';
import type { LeadChange } from '../domain/lead-change.ts';
import type { EmailMessage } from '../domain/notifications.ts';
import type { LeadHistory } from '../domain/scorecard/lead-history.ts';
import type { LeadflowEventData, LeadflowEventName } from '../events/catalog.ts';
import type { RosterStore } from './sales-ops-and-report-ports.ts';

export * from './sales-ops-and-report-ports.ts';
export type { LeadChange, LeadHistory };

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

/** A known email submitted again. */
export interface Resubmission {
  profile: LeadProfile;
  entry: TimelineEntry;
  engagement: EngagementRecord;
  /**
   * The re-submission scores (timeline entry + engagement) only when the last scored one is
   * older than this instant; otherwise it is only counted, so a storm cannot grow the lead.
   */
  scoreIfLastScoredBefore: string;
  /** Refused (`'too-soon'`) when the email was last submitted at or after this instant. */
  refuseIfSubmittedSince?: string;
  now: Date;
}

/** How an activity's change is written: on the version it was computed from, with its wait results. */
export interface ActivityWrite {
  /** Refused (`'conflict'`) when the lead changed since this version was read. */
  expectedVersion: number;
  /**
   * Results for waits of these kinds, in the same write. With `claimWith` (the token of the wait
   * in progress when the lead was read) the result claims that wait at once (see `claimWait`);
   * without, it is left pending for the next wait of its kind. Refused (`'conflict'`) when the
   * wait in progress is no longer the one that was read.
   */
  results?: Record<string, { result: WaitResult; claimWith?: string }>;
}

export interface LeadRepository {
  get(leadId: string): Promise<Lead | undefined>;
  /** The lead with the waits in progress (their tokens), in one read. */
  getWithWaits(leadId: string): Promise<{ lead: Lead; waits: Record<string, StoredWait> } | undefined>;
  /** Creates the lead unless one with the same id exists. */
  create(lead: Lead): Promise<'created' | 'exists'>;
  /** Records a re-submission (scored or only counted, see Resubmission) and the profile fields the lead lacked. */
  recordResubmission(
    leadId: string,
    resubmission: Resubmission,
  ): Promise<{ lead: Lead; scored: boolean } | 'too-soon'>;
  /**
   * Claims the right to announce the lead (LeadCaptured) again when its lifecycle never
   * started: true for exactly one caller per `notAnnouncedSince` window.
   */
  claimAnnouncement(leadId: string, now: Date, notAnnouncedSince: Date): Promise<boolean>;
  /**
   * Applies one change atomically and returns the lead after it. A missing lead or a failed
   * stage guard (`onlyFromStages`) throws an error named `ConditionalCheckFailedException`.
   */
  transition(leadId: string, change: LeadChange, now: Date): Promise<Lead>;
  /** Applies an activity's change with its wait results (claimed or pending) in one write. */
  applyActivity(
    leadId: string,
    change: LeadChange,
    write: ActivityWrite,
    now: Date,
  ): Promise<Lead | 'conflict'>;
  /** The lead's whole timeline, oldest first (the lead item keeps only the recent entries). */
  timeline(leadId: string): Promise<TimelineEntry[]>;
  /** Stores the token of the wait now in progress; returns the lead and any result already left for it. */
  registerWait(leadId: string, kind: string, wait: StoredWait): Promise<{ lead: Lead; pending?: WaitResult }>;
  /** The waits in progress (their tokens), the results left for waits, and the claimed ones, by kind. */
  waits(leadId: string): Promise<{
    waits: Record<string, StoredWait>;
    pending: Record<string, WaitResult>;
    claimed: Record<string, { token: string; result: WaitResult }>;
  }>;
  /**
   * Claims the right to complete the wait holding `token` with the result pending for it;
   * exactly one claimant wins. The result is kept as claimed until the next wait of that kind
   * begins, so a completion lost on the way (a crash) can still be taken by the wait's own
   * overdue step (`takeResult`).
   */
  claimWait(leadId: string, kind: string, token: string): Promise<{ claimed: boolean; pending?: WaitResult }>;
  /** Removes and returns the result claimed or pending for a wait of this kind, if any. */
  takeResult(leadId: string, kind: string): Promise<WaitResult | undefined>;
  /** A claimed result whose wait had already ended goes back to pending, for the next wait of its kind. */
  requeue(leadId: string, kind: string): Promise<void>;
  /** Spam is kept apart from leads, for review, and expires. */
  quarantine(params: {
    profile: LeadProfile;
    reasons: string[];
    now: Date;
    sourceIp?: string;
  }): Promise<string>;
  /** Lead ids with a status (open, closed, failed), oldest first. */
  leadIdsWithStatus(status: LeadStatus): AsyncIterable<string>;
}

/** Reads for reports (the scorecard, the planning history): leads with their history, never a scan. */
export interface LeadReports {
  /**
   * The leads with a status created at or after `from` and before `to`, oldest first, each with
   * its whole timeline (DynamoDB: the status index gsi1, whose sort key starts with createdAt).
   */
  leadsCreatedBetween(status: LeadStatus, from: Date, to: Date): AsyncIterable<LeadHistory>;
}

export interface RoutingSnapshot {
  openLeadsByRep: Record<string, number>;
  /** The rep already holding `leadId`, if any (a hand-off retried after it reserved a rep). */
  heldBy?: string;
}

/** Shared routing state: a ticket counter per team and the leads each rep holds. */
export interface RoutingState {
  snapshot(teamId: string, repIds: string[], leadId?: string): Promise<RoutingSnapshot>;
  /**
   * The team's next ticket: 1 for a team's first hand-off, then one more each time. An atomic
   * increment, so concurrent hand-offs never conflict and never share a number (their turn).
   */
  takeTicket(teamId: string): Promise<number>;
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

/** Counts requests per client in fixed windows. */
export interface RateLimiter {
  /** Counts one request for `key` in the current window of `windowSeconds`; allowed while within `limit`. */
  hit(
    key: string,
    limit: number,
    windowSeconds: number,
    now: Date,
  ): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}

export interface Mailer {
  send(message: EmailMessage): Promise<void>;
}

/** Signs one-click action links for a lead's owner (functions/domain/action-links.ts). */
export interface ActionLinkIssuer {
  /**
   * Fresh links for the lead's owner under its current hand-off, for the actions its stage
   * allows; undefined when the unit has no signing key or the lead no owner or action.
   */
  linksFor(lead: Lead, now: Date): Promise<ActionLinks | undefined>;
}

/** The single use of each action link: `pk=LEAD#<id>, sk=ACTION#<nonce>` in the unit table. */
export interface ActionClaimStore {
  /** Claims the link once: 'claimed' for the first caller, 'taken' for every later one. */
  claim(
    leadId: string,
    nonce: string,
    claim: { action: string; rep: string; expiresAt: Date },
    now: Date,
  ): Promise<'claimed' | 'taken'>;
  /** Records that the link's action was applied (or found not to apply), with what happened. */
  settle(leadId: string, nonce: string, outcome: string, now: Date): Promise<void>;
  /** The claim, if the link was claimed: when, and how it was settled (if it was). */
  get(leadId: string, nonce: string): Promise<{ claimedAt: string; settled?: string } | undefined>;
}

export interface SuppressionEntry {
  reason: 'bounce' | 'complaint';
  /** SES's bounce type and subtype, or the complaint's feedback type. */
  detail?: string;
  suppressedAt: string;
}

/**
 * The unit's record of addresses SES reported as a permanent bounce or a complaint
 * (`pk=SUPPRESSED#<hash>`), for ops: which configured recipient's mail SES has stopped, why and
 * since when. A record, not a gate: SES itself drops mail to those addresses (the configuration
 * set's suppression), so the mail path never reads it.
 */
export interface SuppressionList {
  /** Records the address unless it already is ('known'): the first reason and time are kept. */
  suppress(
    address: string,
    entry: Omit<SuppressionEntry, 'suppressedAt'>,
    now: Date,
  ): Promise<'recorded' | 'known'>;
  /** What is recorded for the address (any case, surrounding spaces ignored). */
  lookup(address: string): Promise<SuppressionEntry | undefined>;
}

/**
 * Alerts are delivered through an outbox kept apart from the lead item: the intent is recorded
 * (with the message), the mail sent, then the alert marked sent. A retry or a resumed lead
 * sends what is still pending; nothing already sent goes out again.
 */
export interface AlertOutbox {
  /**
   * Records the alert (an unsent one takes this latest message); answers whether it still has
   * to be sent, and the message to send.
   */
  record(
    leadId: string,
    marker: string,
    message: EmailMessage,
    now: Date,
  ): Promise<{ status: 'pending' | 'sent'; message: EmailMessage }>;
  markSent(leadId: string, marker: string, now: Date): Promise<void>;
  /** Alerts of the lead recorded but not yet marked sent, with the message recorded. */
  pending(leadId: string): Promise<Array<{ marker: string; message: EmailMessage }>>;
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
  alerts: AlertOutbox;
  callbacks: WorkflowCallbacks;
  executions: LifecycleExecutions;
  /** Signs the action links of rep mails; without it mails carry none. */
  actionLinks?: ActionLinkIssuer;
  /** The roster ops keep as data; without it (or while none is stored) the config's applies. */
  roster?: RosterStore;
}
