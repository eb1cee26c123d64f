/**
 * Per-lead facts the metrics projection keeps: what the scorecard needs to judge each hand-off
 * (timestamps, business minutes, owners, outcome), and nothing personal. A lead has one
 * `HandoffFacts` per time marketing handed it to sales (a rejected, recycled and re-qualified
 * lead is handed off again and judged again).
 *
 * Erasure: `anonymizeFacts` keeps the figures and drops what could lead back to the person (the
 * lead id, which is a hash of the email; event ids, which contain it; free-text reasons).
 */
import type { BusinessUnitConfig } from '../../../config/schema.ts';

export interface FirstTouchFacts {
  at: string;
  repId?: string;
  teamId?: string;
  /** Business minutes from the toucher's own assignment to the touch, on their calendar. */
  businessMinutes: number;
  /** Touched by the deadline of the hand-off's first assignment (so never after a breach). */
  withinSla: boolean;
}

export interface HandoffFacts {
  /** LeadQualified: the SQL was delivered. */
  qualifiedAt?: string;
  /** The first LeadAssigned of this hand-off: it picks the agreement version the lead is judged by. */
  handedOffAt?: string;
  segment?: string;
  /** The first owner, whose first-touch deadline `followUpDueAt` is. */
  repId?: string;
  teamId?: string;
  followUpDueAt?: string;
  /** The current owner (after reassignments) and when they got the lead. */
  owner?: { repId?: string; teamId?: string; assignedAt: string };
  reminders: number;
  breachedAt?: string;
  /** The highest escalation level reached. */
  escalations: number;
  reassignments: number;
  touchAttempts: number;
  firstTouch?: FirstTouchFacts;
  /** End of the accept/reject window, once a touch started it. */
  acceptanceDueAt?: string;
  decision?: {
    result: 'accepted' | 'rejected';
    at: string;
    /** Business minutes from the first touch to the decision. */
    businessMinutes: number;
    withinWindow: boolean;
    /** Normalized reason (see `normalizeReason`). */
    reason?: string;
    repId?: string;
    teamId?: string;
  };
  outcome?: { result: 'won' | 'lost'; at: string; businessMinutes?: number; amount?: number };
  /** Rejected, recycled, disqualified or converted: the next LeadQualified starts a new hand-off. */
  closedAt?: string;
}

export interface LeadFacts {
  /** The lead id, or an opaque key once the lead is erased. */
  leadId: string;
  /** Local days the lead's counters moved on (the store indexes the lead on each, once). */
  countedDays?: string[];
  businessUnit: string;
  erased?: true;
  capturedAt?: string;
  source: string;
  campaign: string;
  /** Kept to evaluate segment predicates when an event does not say its segment. */
  country?: string;
  intent?: string;
  formId?: string;
  topics: string[];
  mqlAt?: string;
  disqualifiedAt?: string;
  handoffs: HandoffFacts[];
  /** The last event ids applied (a redelivered event is not counted twice). */
  recentEventIds: string[];
  /** Bumped on every applied event: the store writes facts conditionally on the revision it read. */
  revision: number;
}

/** Source or campaign of a lead without one. */
export const NONE = '(none)';
/** How many event ids the facts remember (redeliveries come within minutes). */
export const REMEMBERED_EVENTS = 100;

export function emptyFacts(leadId: string, businessUnit: string): LeadFacts {
  return {
    leadId,
    businessUnit,
    source: NONE,
    campaign: NONE,
    topics: [],
    handoffs: [],
    recentEventIds: [],
    revision: 0,
  };
}

export function emptyHandoff(): HandoffFacts {
  return { reminders: 0, escalations: 0, reassignments: 0, touchAttempts: 0 };
}

/** A label as counters key it: trimmed, inner spaces collapsed, lower case, at most 60 characters. */
export function normalizeLabel(value: string | undefined, fallback = NONE): string {
  const label = (value ?? '').trim().replace(/\s+/g, ' ').toLowerCase().slice(0, 60);
  return label === '' ? fallback : label;
}

/** The ranking label of a reason that is none of the agreed ones (as in the reject form). */
export const OTHER_REASON = 'Other';

/**
 * The rejection reasons both sides agreed on: the list reps pick from (`sla.rejectionReasons`,
 * which the schema defaults). An empty list (only a hand-built config has one) ranks reasons as
 * typed.
 */
export function agreedReasons(config: Pick<BusinessUnitConfig, 'sla'>): readonly string[] {
  return config.sla.rejectionReasons;
}

/**
 * A rejection reason as ranked: the agreed reason it is (ignoring case and spacing), also when a
 * note follows it ("No budget or timing: next year"); else "Other". Without an agreed list, the
 * normalized text itself. Free text never reaches the counters of a unit with a list.
 */
export function normalizeReason(reason: string | undefined, config: Pick<BusinessUnitConfig, 'sla'>): string {
  const agreed = agreedReasons(config);
  if (agreed.length === 0) return normalizeLabel(reason, OTHER_REASON);
  const squash = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();
  const text = squash(reason ?? '');
  const match = agreed.find((r) => text === squash(r) || text.startsWith(`${squash(r)}:`));
  return match?.trim() ?? OTHER_REASON;
}

/** The open hand-off (not closed yet), if any. */
export const openHandoff = (facts: LeadFacts): HandoffFacts | undefined => {
  const last = facts.handoffs.at(-1);
  return last && last.closedAt === undefined ? last : undefined;
};

/**
 * The facts of an erased lead: same figures, no way back to the person. `anonymousKey` is an
 * opaque random id the caller chooses (the store keeps the record under it). The capture
 * attributes (country, intent, form) go; a reason that is not one of the agreed reasons becomes
 * "other", since free text may name someone.
 */
export function anonymizeFacts(
  facts: LeadFacts,
  anonymousKey: string,
  config: Pick<BusinessUnitConfig, 'sla'>,
): LeadFacts {
  const agreed = new Set(agreedReasons(config).map((r) => r.trim()));
  const { country: _country, intent: _intent, formId: _formId, ...kept } = structuredClone(facts);
  return {
    ...kept,
    leadId: anonymousKey,
    erased: true,
    recentEventIds: [],
    handoffs: facts.handoffs.map((h) => {
      const copy = structuredClone(h);
      if (copy.decision?.reason !== undefined && !agreed.has(copy.decision.reason))
        copy.decision.reason = OTHER_REASON;
      return copy;
    }),
  };
}
