/**
 * The lifecycle events the metrics projection reads: the catalog's Leadflow events as they are
 * today, plus the optional fields the projection needs to be complete. Each addition is optional here, so today's events project as they are; the
 * projection falls back to what it can derive (docs/scorecard.md, "Events the projection needs").
 */
import type { LeadflowEventDetail, LeadflowEventName } from '../../events/catalog.ts';

/** Where the lead came from and which share of the commitment it counts toward. */
export interface Attribution {
  source?: string;
  campaign?: string;
  segment?: string;
}

export interface OwnerRef {
  repId?: string;
  teamId?: string;
  fallback?: boolean;
}

/** Additions to today's event data, by event (all optional). */
interface Additions {
  /** Topics the lead asked about (a form's topic field: values from a fixed list, never free text). */
  LeadCaptured: { topics?: string[] };
  /** The level the score reached, as qualification judged it. */
  LeadScored: { level?: 'lead' | 'mql' | 'sql' };
  /** The deal's value, in the unit's planning currency (feeds the measured average deal size). */
  LeadConverted: { amount?: number };
}
type Extra<N extends LeadflowEventName> = N extends keyof Additions ? Additions[N] : unknown;

type Envelope = Omit<LeadflowEventDetail<'LeadCaptured'>, 'data'>;

type Detail<N extends LeadflowEventName> = Envelope & {
  /**
   * `attribution` on every event after LeadCaptured makes the projection independent of event
   * order; `attribution.segment` on LeadQualified is segmentFor(profile, agreementInForce(...)).
   */
  data: LeadflowEventDetail<N>['data'] & Extra<N> & { attribution?: Attribution };
};

/**
 * A touch attempt sales logged, as applied to the lead (after the TouchLogged activity was
 * accepted), without the rep's email: the catalog's LeadTouched, read loosely so that touches
 * rebuilt from a lead's timeline (lead-history.ts), which lack most fields, project too.
 */
export interface LeadTouchedData {
  owner: OwnerRef;
  channel?: string;
  /** Attempts on this lead so far, this one included. */
  touchAttempts?: number;
  /** Business minutes from the current owner's assignment to this touch, on the owner's calendar. */
  businessMinutesSinceAssigned?: number;
  /** Set when this touch started the accept/reject window. */
  acceptanceDueAt?: string;
  /** Topics the lead asked sales about (tags from a fixed list). */
  topics?: string[];
  attribution?: Attribution;
}

export type ProjectedEvent =
  | { [N in LeadflowEventName]: { name: N; detail: Detail<N> } }[LeadflowEventName]
  | { name: 'LeadTouched'; detail: Envelope & { data: LeadTouchedData } };

export type ProjectedEventName = ProjectedEvent['name'];
