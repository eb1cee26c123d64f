/**
 * The ports of the sales and ops surface and of the reports (ops search, the roster, personal
 * data, signed inbound events, the metrics projection). Part of the one ports module: import
 * them from ./ports.ts, which re-exports this file.
 */
import type { Team } from '../../config/schema.ts';
import type { Lead, Stage } from '../domain/lead.ts';
import type { LeadFilter } from '../domain/lead-queue.ts';
import type { MetricsWrite } from '../domain/metrics/metrics-write.ts';
import type { LeadFacts } from '../domain/scorecard/facts.ts';
import type { CounterRow } from '../domain/scorecard/projection.ts';
import type { Period } from '../domain/scorecard/types.ts';

/** Ops search over leads: one status partition of the index gsi1, never a scan of the table. */
export interface LeadSearch {
  /**
   * Up to `limit` leads matching the filter, oldest first, and an opaque cursor for the next
   * page (absent on the last). A cursor this store did not issue for the same status throws
   * `InvalidCursorError`.
   */
  search(
    filter: LeadFilter,
    page: { limit: number; cursor?: string },
  ): Promise<{ leads: Lead[]; cursor?: string }>;
}

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

/** The open leads a rep holds (their load, `REP#<id>`), read without a search. */
export interface RepQueue {
  leadsHeldBy(repId: string): Promise<Lead[]>;
}

/** The team roster as data: a version of `routing.teams` ops may replace without a deploy. */
export interface RosterVersion {
  /** 0 is the unit config's own roster (nothing stored yet); each replacement adds one. */
  version: number;
  teams: Team[];
  updatedAt?: string;
  updatedBy?: string;
}

export interface RosterStore {
  /** The stored roster, undefined while the unit config's applies. */
  current(): Promise<RosterVersion | undefined>;
  /** Replaces the roster if it is still at `expectedVersion`; 'conflict' otherwise. */
  replace(teams: Team[], expectedVersion: number, by: string, now: Date): Promise<RosterVersion | 'conflict'>;
}

/** Every item of one lead's partition, and the other places personal data of a person lives. */
export interface PersonalDataStore {
  /** The items of `LEAD#<id>` (the lead, archived timeline, alerts, action claims), as stored. */
  leadItems(leadId: string): Promise<Array<Record<string, unknown>>>;
  /** Quarantined submissions of this (normalized) email address. */
  quarantined(email: string): Promise<Array<Record<string, unknown>>>;
  /**
   * Stores the anonymous record (for reports), then deletes the lead's partition and the
   * quarantined submissions (their `pk`s). Safe to repeat.
   */
  erase(leadId: string, quarantineKeys: string[], anonymous: AnonymousLead | undefined): Promise<void>;
}

/** What is kept of an erased lead, for counts in reports: no one can be told from it. */
export interface AnonymousLead {
  anonymousId: string;
  businessUnit: string;
  stage: Stage;
  createdAt: string;
  erasedAt: string;
  [field: string]: unknown;
}

/** Stops a lead's lifecycle executions (GDPR erasure). */
export interface ExecutionStopper {
  /** Stops the execution if it runs; 'not-running' when it ended or never existed. */
  stop(name: string, cause: string): Promise<'stopped' | 'not-running'>;
}

/**
 * The once-only delivery of signed inbound events (POST /events/*): one claim per sender event
 * id, `pk=INBOUND#<source>#<eventId>`, taken before the event goes on the bus.
 */
export interface InboundEventClaims {
  /**
   * Claims the id: 'claimed' for the first caller (or after a claimer that died before putting);
   * 'put' when the event is on the bus already; 'in-flight' while another request puts it;
   * 'conflict' when the id was used for an event with another content.
   */
  claim(key: string, fingerprint: string, now: Date): Promise<'claimed' | 'put' | 'in-flight' | 'conflict'>;
  /** The event is on the bus: later claims answer 'put'. */
  markPut(key: string, now: Date): Promise<void>;
  /** The put failed: the claim goes, so a retry puts the event. */
  release(key: string): Promise<void>;
}

/** One activity for the unit's bus, as a sales tool or marketing automation would put it. */
export interface ActivityBusEntry {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

export interface ActivityBus {
  /** Puts the entries; per entry, in order, whether the bus took it. */
  put(entries: ActivityBusEntry[], now: Date): Promise<Array<{ ok: true } | { ok: false; error: string }>>;
}

/**
 * The metrics projection's store: each lead's facts (functions/domain/scorecard/facts.ts) with
 * the counter increments of its events, indexed by the local days of its milestones and of its
 * counters, so a scorecard reads one period without scanning leads. DynamoDB:
 * `pk=METRICS#FACTS#<leadId>, sk=FACTS`; `pk=METRICS#DAY#<day>, sk=LEAD#<id>|COUNTS#<id>`.
 */
export interface MetricsStore {
  /** The lead's facts as last written (a strongly consistent read), if any. */
  facts(leadId: string): Promise<LeadFacts | undefined>;
  /**
   * Writes the facts with the event's counter increments if they are still at
   * `expectedRevision`, then indexes the lead on the write's new days; `'conflict'` (nothing
   * written) when the facts moved.
   */
  commit(write: MetricsWrite): Promise<'committed' | 'conflict'>;
  /** Indexes the lead on these days (idempotent): what `commit` does after its write. */
  index(leadId: string, milestoneDays: readonly string[], countedDays: readonly string[]): Promise<void>;
  /** Every counter of the period's local days (`from` to `to`, both included). */
  counters(period: Period): Promise<CounterRow[]>;
  /** The facts of every lead with a milestone on a local day of the period. */
  leadFactsIn(period: Period): Promise<LeadFacts[]>;
  /**
   * GDPR erasure: stores `anonymous` (the lead's facts without the person, under its anonymous
   * id) indexed on `days`, then deletes the lead's own facts and index entries on those days.
   * Counters keep counting it; nothing keyed by the lead id is left. Safe to repeat.
   */
  anonymize(leadId: string, anonymous: LeadFacts, days: string[]): Promise<void>;
}
