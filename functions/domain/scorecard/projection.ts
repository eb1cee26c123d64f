/**
 * The metrics projection: one lifecycle event in, counter increments and the lead's new facts out.
 *
 * `countersFor(event, config, before)` is a pure reducer. The store it runs over (wired
 * elsewhere) reads the lead's facts, calls it, and writes the facts on the revision it read with
 * the increments grouped per counter key (`groupIncrements`); a lost race re-reads and calls
 * again. Idempotent per event id: an event the facts already applied yields nothing.
 * Lead-level milestones (a lead, an MQL, an SQL, a hand-off) count once per lead (per hand-off),
 * whatever the number of events saying so.
 *
 * Counters are keyed by the event's local day and ISO week in the unit's time zone, and by one
 * dimension each: the unit, the rep and team concerned, the lead's source and campaign (UTM) and
 * its segment. Metrics: leads, mqls, sqls, handoffs, assigned, reminders, breaches, escalations,
 * reassignments (keyed by the rep it was taken from), touches, firstTouches, accepted, rejected,
 * won, lost, wonAmount, wonWithAmount, nurtured, recycled, disqualified, `rejectionReason:<r>`,
 * `topic:<t>`.
 */
import type { BusinessCalendar, BusinessUnitConfig } from '../../../config/schema.ts';
import { isoWeek, localDate, toIso, toMs } from '../agreement/dates.ts';
import { segmentFor, versionOn } from '../agreement/versions.ts';
import { addBusinessMinutes, businessMinutesBetween } from '../business-hours.ts';
import { calendarForOwner } from '../owner-calendar.ts';
import type { Attribution, OwnerRef, ProjectedEvent } from './events.ts';
import {
  emptyFacts,
  emptyHandoff,
  type HandoffFacts,
  type LeadFacts,
  NONE,
  normalizeLabel,
  normalizeReason,
  openHandoff,
  REMEMBERED_EVENTS,
} from './facts.ts';

export const DIMENSIONS = ['unit', 'rep', 'team', 'source', 'campaign', 'segment'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface CounterKey {
  /** Local date in the unit's time zone. */
  day: string;
  /** ISO week of that date, e.g. 2026-W53. */
  week: string;
  dimension: Dimension;
  value: string;
}

export interface CounterIncrement {
  key: CounterKey;
  metric: string;
  by: number;
}

/** A stored counter: the sum of every increment of one metric under one key. */
export interface CounterRow {
  key: CounterKey;
  metric: string;
  value: number;
}

export const REJECTION_REASON = 'rejectionReason:';
export const TOPIC = 'topic:';

export interface Projection {
  /** False when the event was applied before (its id is in the facts): nothing to write. */
  applied: boolean;
  increments: CounterIncrement[];
  facts: LeadFacts;
}

type Dims = Partial<Record<Dimension, string | undefined>>;

interface Context {
  config: BusinessUnitConfig;
  facts: LeadFacts;
  at: string;
  day: string;
  week: string;
  attribution: Attribution | undefined;
  increments: CounterIncrement[];
}

function bump(ctx: Context, metric: string, dims: Dims, by = 1): void {
  for (const dimension of DIMENSIONS) {
    const value = dims[dimension];
    if (value !== undefined && value !== '')
      ctx.increments.push({ key: { day: ctx.day, week: ctx.week, dimension, value }, metric, by });
  }
}

/** Unit, source, campaign and (for SQL-stage metrics) segment of the lead. */
function leadDims(ctx: Context, h?: HandoffFacts): Dims {
  return {
    unit: ctx.config.name,
    source: normalizeLabel(ctx.attribution?.source ?? ctx.facts.source),
    campaign: normalizeLabel(ctx.attribution?.campaign ?? ctx.facts.campaign),
    segment: h?.segment,
  };
}

const ownerDims = (owner: OwnerRef | undefined): Dims => ({ rep: owner?.repId, team: owner?.teamId });

/** The open hand-off, or a new one (an event of a hand-off whose start was not seen). */
function current(ctx: Context): HandoffFacts {
  const open = openHandoff(ctx.facts);
  if (open) return open;
  const fresh = emptyHandoff();
  ctx.facts.handoffs.push(fresh);
  return fresh;
}

function segmentOf(ctx: Context): string | undefined {
  if (ctx.attribution?.segment) return ctx.attribution.segment;
  const f = ctx.facts;
  const profile = {
    ...(f.country ? { country: f.country } : {}),
    ...(f.intent ? { intent: f.intent } : {}),
    ...(f.formId ? { formId: f.formId } : {}),
    utm: {
      source: f.source === NONE ? undefined : f.source,
      campaign: f.campaign === NONE ? undefined : f.campaign,
    },
  };
  return segmentFor(profile, versionOn(ctx.config.agreement.versions, ctx.day));
}

/** Business minutes from one instant to a later one (0 if events arrived out of order). */
const elapsed = (from: string, to: string, calendar: BusinessCalendar): number =>
  Math.max(0, businessMinutesBetween(new Date(from), new Date(to), calendar));

function markMql(ctx: Context): void {
  if (ctx.facts.mqlAt !== undefined) return;
  ctx.facts.mqlAt = ctx.at;
  bump(ctx, 'mqls', leadDims(ctx));
}

function recordFirstTouch(ctx: Context, h: HandoffFacts, owner: OwnerRef | undefined, minutes?: number) {
  if (h.firstTouch) return;
  const from = h.owner?.assignedAt ?? h.handedOffAt ?? ctx.at;
  const calendar = calendarForOwner(ctx.config, owner);
  h.firstTouch = {
    at: ctx.at,
    ...(owner?.repId ? { repId: owner.repId } : {}),
    ...(owner?.teamId ? { teamId: owner.teamId } : {}),
    businessMinutes: minutes ?? elapsed(from, ctx.at, calendar),
    withinSla: h.followUpDueAt !== undefined && toMs(ctx.at) <= toMs(h.followUpDueAt),
  };
  bump(ctx, 'firstTouches', { ...leadDims(ctx, h), ...ownerDims(owner) });
}

function decide(ctx: Context, result: 'accepted' | 'rejected', owner: OwnerRef | undefined, reason?: string) {
  // One decision per hand-off: another event saying so (under a new id) counts nothing.
  const open = openHandoff(ctx.facts);
  if (open?.decision || (!open && ctx.facts.handoffs.at(-1)?.decision)) return;
  const h = open ?? current(ctx);
  recordFirstTouch(ctx, h, owner);
  const touchedAt = h.firstTouch?.at ?? ctx.at;
  const calendar = calendarForOwner(ctx.config, owner);
  h.decision = {
    result,
    at: ctx.at,
    businessMinutes: elapsed(touchedAt, ctx.at, calendar),
    withinWindow: h.acceptanceDueAt === undefined || toMs(ctx.at) <= toMs(h.acceptanceDueAt),
    ...(reason !== undefined ? { reason } : {}),
    ...(owner?.repId ? { repId: owner.repId } : {}),
    ...(owner?.teamId ? { teamId: owner.teamId } : {}),
  };
  const dims = { ...leadDims(ctx, h), ...ownerDims(owner) };
  bump(ctx, result, dims);
  if (reason !== undefined) {
    bump(ctx, `${REJECTION_REASON}${reason}`, dims);
    h.closedAt = ctx.at;
  }
}

function apply(event: ProjectedEvent, ctx: Context): void {
  const { facts, config } = ctx;
  switch (event.name) {
    case 'LeadCaptured': {
      const data = event.detail.data;
      if (facts.capturedAt === undefined) {
        facts.source = normalizeLabel(data.utm?.source);
        facts.campaign = normalizeLabel(data.utm?.campaign);
        if (data.country) facts.country = data.country;
        if (data.intent) facts.intent = data.intent;
        if (data.formId) facts.formId = data.formId;
        if (!data.resubmission) {
          facts.capturedAt = ctx.at;
          bump(ctx, 'leads', leadDims(ctx));
        }
      }
      for (const topic of data.topics ?? []) addTopic(ctx, topic);
      return;
    }
    case 'LeadScored': {
      const data = event.detail.data;
      const level = data.level ?? (data.total >= config.qualification.mqlThreshold ? 'mql' : 'lead');
      if (level !== 'lead') markMql(ctx);
      return;
    }
    case 'LeadNurtured':
      bump(ctx, 'nurtured', leadDims(ctx));
      if (event.detail.data.level === 'mql') markMql(ctx);
      return;
    case 'LeadQualified': {
      markMql(ctx);
      const h = current(ctx);
      if (h.qualifiedAt !== undefined) return;
      h.qualifiedAt = ctx.at;
      h.segment ??= segmentOf(ctx);
      bump(ctx, 'sqls', leadDims(ctx, h));
      return;
    }
    case 'LeadAssigned': {
      const { owner, followUpDueAt } = event.detail.data;
      const h = current(ctx);
      if (h.handedOffAt === undefined) {
        h.handedOffAt = ctx.at;
        if (owner.repId) h.repId = owner.repId;
        if (owner.teamId) h.teamId = owner.teamId;
        h.followUpDueAt = toIso(followUpDueAt);
        h.segment ??= segmentOf(ctx);
        bump(ctx, 'handoffs', { ...leadDims(ctx, h), ...ownerDims(owner) });
      }
      h.owner = {
        ...(owner.repId ? { repId: owner.repId } : {}),
        ...(owner.teamId ? { teamId: owner.teamId } : {}),
        assignedAt: ctx.at,
      };
      bump(ctx, 'assigned', { unit: config.name, ...ownerDims(owner) });
      return;
    }
    case 'LeadReassigned': {
      const h = current(ctx);
      h.reassignments = Math.max(h.reassignments, event.detail.data.reassignments);
      bump(ctx, 'reassignments', { ...leadDims(ctx, h), ...ownerDims(event.detail.data.from) });
      return;
    }
    case 'FollowUpReminder': {
      const h = current(ctx);
      h.reminders += 1;
      bump(ctx, 'reminders', { ...leadDims(ctx, h), ...ownerDims(event.detail.data.owner) });
      return;
    }
    case 'FollowUpBreached': {
      const h = current(ctx);
      h.breachedAt ??= ctx.at;
      bump(ctx, 'breaches', { ...leadDims(ctx, h), ...ownerDims(event.detail.data.owner) });
      return;
    }
    case 'LeadEscalated': {
      const h = current(ctx);
      h.escalations = Math.max(h.escalations, event.detail.data.level);
      bump(ctx, 'escalations', { ...leadDims(ctx, h), ...ownerDims(event.detail.data.owner) });
      return;
    }
    case 'LeadTouched': {
      const data = event.detail.data;
      const h = current(ctx);
      h.touchAttempts = Math.max(h.touchAttempts + 1, data.touchAttempts ?? 0);
      bump(ctx, 'touches', { ...leadDims(ctx, h), ...ownerDims(data.owner) });
      recordFirstTouch(ctx, h, data.owner, data.businessMinutesSinceAssigned);
      if (h.acceptanceDueAt === undefined) {
        if (data.acceptanceDueAt) h.acceptanceDueAt = toIso(data.acceptanceDueAt);
        else if (h.touchAttempts >= config.sla.minTouchAttempts) {
          const calendar = calendarForOwner(config, data.owner);
          h.acceptanceDueAt = addBusinessMinutes(
            new Date(ctx.at),
            config.sla.acceptanceMinutes,
            calendar,
          ).toISOString();
        }
      }
      for (const topic of data.topics ?? []) addTopic(ctx, topic);
      return;
    }
    case 'LeadAccepted':
      decide(ctx, 'accepted', event.detail.data.owner);
      return;
    case 'LeadRejected':
      decide(ctx, 'rejected', event.detail.data.owner, normalizeReason(event.detail.data.reason, config));
      return;
    case 'LeadConverted': {
      const { result, amount } = event.detail.data;
      const h = facts.handoffs.at(-1) ?? current(ctx);
      if (h.outcome) return;
      const calendar = calendarForOwner(config, h.owner);
      const decidedAt = h.decision?.at;
      h.outcome = {
        result,
        at: ctx.at,
        ...(decidedAt ? { businessMinutes: elapsed(decidedAt, ctx.at, calendar) } : {}),
        ...(amount !== undefined ? { amount } : {}),
      };
      h.closedAt ??= ctx.at;
      const dims = { ...leadDims(ctx, h), ...ownerDims(h.owner) };
      bump(ctx, result, dims);
      if (result === 'won' && amount !== undefined) {
        bump(ctx, 'wonAmount', dims, amount);
        bump(ctx, 'wonWithAmount', dims);
      }
      return;
    }
    case 'LeadRecycled': {
      const open = openHandoff(facts);
      bump(ctx, 'recycled', leadDims(ctx, open));
      if (open) open.closedAt = ctx.at;
      return;
    }
    case 'LeadDisqualified': {
      const open = openHandoff(facts);
      facts.disqualifiedAt ??= ctx.at;
      bump(ctx, 'disqualified', leadDims(ctx, open));
      if (open) open.closedAt = ctx.at;
      return;
    }
    case 'LifecycleFailed':
      return;
  }
}

function addTopic(ctx: Context, raw: string): void {
  const topic = normalizeLabel(raw, '');
  if (topic === '' || ctx.facts.topics.includes(topic)) return;
  ctx.facts.topics.push(topic);
  bump(ctx, `${TOPIC}${topic}`, leadDims(ctx));
}

export function countersFor(
  event: ProjectedEvent,
  config: BusinessUnitConfig,
  before?: LeadFacts,
): Projection {
  const detail = event.detail;
  if (before?.recentEventIds.includes(detail.eventId))
    return { applied: false, increments: [], facts: before };
  const facts = before ? structuredClone(before) : emptyFacts(detail.leadId, detail.businessUnit);
  const at = toIso(detail.occurredAt);
  const ctx: Context = {
    config,
    facts,
    at,
    day: localDate(at, config.timezone),
    week: isoWeek(at, config.timezone),
    attribution: (detail.data as { attribution?: Attribution }).attribution,
    increments: [],
  };
  apply(event, ctx);
  facts.recentEventIds = [...facts.recentEventIds, detail.eventId].slice(-REMEMBERED_EVENTS);
  facts.revision += 1;
  return { applied: true, increments: ctx.increments, facts };
}

const keyId = (k: CounterKey) => `${k.day}|${k.dimension}|${k.value}`;

/** Increments grouped by counter key: one atomic update (ADD metric :by, ...) per key. */
export function groupIncrements(
  increments: readonly CounterIncrement[],
): Array<{ key: CounterKey; metrics: Record<string, number> }> {
  const groups = new Map<string, { key: CounterKey; metrics: Record<string, number> }>();
  for (const { key, metric, by } of increments) {
    const id = keyId(key);
    const group = groups.get(id) ?? { key, metrics: {} };
    group.metrics[metric] = (group.metrics[metric] ?? 0) + by;
    groups.set(id, group);
  }
  return [...groups.values()];
}

/** Adds increments to stored rows (what the counter store does; used by in-memory stores and tests). */
export function addIncrements(
  rows: readonly CounterRow[],
  increments: readonly CounterIncrement[],
): CounterRow[] {
  const sums = new Map<string, CounterRow>(rows.map((r) => [`${keyId(r.key)}|${r.metric}`, { ...r }]));
  for (const { key, metric, by } of increments) {
    const id = `${keyId(key)}|${metric}`;
    const row = sums.get(id) ?? { key, metric, value: 0 };
    row.value += by;
    sums.set(id, row);
  }
  return [...sums.values()];
}
