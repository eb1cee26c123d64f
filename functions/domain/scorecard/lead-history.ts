/**
 * The scorecard's read side over the lead store: each lead's lifecycle events, rebuilt from its
 * stored state and its whole timeline, run through the same reducer as the event projection
 * (`countersFor`), so a report computed from leads and one computed from events count alike.
 *
 * The timeline is read by entry type and time, never by its wording, except for one thing it
 * holds nowhere else: the reason of a rejection older than the lead's last one (the lead keeps
 * only the last). What the timeline does not keep is taken from the lead where it can be:
 *
 * - owners: an assignment entry names no rep id, so only the lead's last assignment (its current
 *   owner) is attributed to a rep and team; earlier owners count for the unit alone;
 * - the first-touch deadline of the last assignment is the lead's own (`sla.followUpDueAt`);
 *   an earlier one is worked out again from the unit's SLA and calendar;
 * - the accept/reject window of the last assignment is the lead's own (`sla.acceptanceDueAt`);
 * - the score that makes an MQL: each `scored` entry's breakdown, and the lead's current score
 *   (which a re-score after engagement leaves behind) at its `scoredAt`.
 *
 * Topics and deal amounts are not stored on leads, so they stay empty on this side.
 */
import type { BusinessUnitConfig } from '../../../config/schema.ts';
import type { Lead, TimelineEntry } from '../lead.ts';
import { calendarForOwner } from '../owner-calendar.ts';
import { firstTouchPlan } from '../sla-policy.ts';
import type { OwnerRef, ProjectedEvent } from './events.ts';
import type { LeadFacts } from './facts.ts';
import { addIncrements, type CounterIncrement, type CounterRow, countersFor } from './projection.ts';
import { round } from './stats.ts';

/** A lead with its whole timeline (archived entries included), oldest entry first. */
export interface LeadHistory {
  lead: Lead;
  timeline: readonly TimelineEntry[];
}

type Rebuilt = {
  [E in ProjectedEvent as E['name']]: { name: E['name']; at: string; data: E['detail']['data'] };
}[ProjectedEvent['name']];

const ASSIGNMENTS = new Set(['assigned', 'reassigned']);

function scoreOf(entry: TimelineEntry): { total: number; fit: number; engagement: number } | undefined {
  const breakdown = entry.data?.breakdown;
  if (!Array.isArray(breakdown)) return undefined;
  const sum = (kind?: string) =>
    round(
      (breakdown as Array<{ kind?: string; points?: number }>)
        .filter((item) => kind === undefined || item.kind === kind)
        .reduce((n, item) => n + (typeof item.points === 'number' ? item.points : 0), 0),
      1,
    );
  return { total: sum(), fit: sum('fit'), engagement: sum('engagement') };
}

/** "Rejected by Anna Example: No budget" → "No budget" (the wording record-activity.ts writes). */
function reasonInSummary(summary: string): string {
  const colon = summary.indexOf(': ');
  return colon === -1 ? '' : summary.slice(colon + 2).trim();
}

const defined = (utm: Lead['profile']['utm']): Record<string, string> | undefined => {
  const entries = Object.entries(utm ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
};

/** The lead's lifecycle events, oldest first, as the projection reads them. */
export function eventsFromLead(
  { lead, timeline }: LeadHistory,
  config: BusinessUnitConfig,
): ProjectedEvent[] {
  const { profile } = lead;
  const utm = defined(profile.utm);
  const rebuilt: Rebuilt[] = [
    {
      name: 'LeadCaptured',
      at: lead.createdAt,
      data: {
        resubmission: false,
        ...(profile.intent ? { intent: profile.intent } : {}),
        ...(profile.formId ? { formId: profile.formId } : {}),
        ...(profile.country ? { country: profile.country } : {}),
        ...(utm ? { utm } : {}),
      },
    },
  ];
  let lastAssignment = -1;
  timeline.forEach((entry, i) => {
    if (ASSIGNMENTS.has(entry.type)) lastAssignment = i;
  });
  const currentOwner: OwnerRef = {
    ...(lead.owner?.repId ? { repId: lead.owner.repId } : {}),
    ...(lead.owner?.teamId ? { teamId: lead.owner.teamId } : {}),
    ...(lead.owner?.fallback ? { fallback: true } : {}),
  };
  let owner: OwnerRef = {};
  let followUpDueAt = '';
  let escalationLevel = 0;
  let reassignments = 0;
  let lastTotal = 0;

  timeline.forEach((entry, i) => {
    const at = entry.at;
    const last = i > lastAssignment;
    switch (entry.type) {
      case 'scored': {
        const score = scoreOf(entry);
        if (!score) return;
        lastTotal = score.total;
        rebuilt.push({ name: 'LeadScored', at, data: score });
        return;
      }
      case 'qualified':
        rebuilt.push({ name: 'LeadQualified', at, data: { reasons: [] } });
        return;
      case 'nurturing': {
        const level = lastTotal >= config.qualification.mqlThreshold ? 'mql' : 'lead';
        rebuilt.push({ name: 'LeadNurtured', at, data: { level, until: '' } });
        return;
      }
      case 'assigned':
      case 'reassigned': {
        const from = owner;
        owner = i === lastAssignment ? currentOwner : {};
        followUpDueAt =
          i === lastAssignment && lead.sla?.followUpDueAt
            ? lead.sla.followUpDueAt
            : firstTouchPlan(at, config.sla, calendarForOwner(config, owner)).followUpDueAt;
        escalationLevel = 0;
        if (entry.type === 'reassigned') {
          reassignments += 1;
          rebuilt.push({ name: 'LeadReassigned', at, data: { from, to: owner, reassignments } });
        } else reassignments = 0;
        rebuilt.push({ name: 'LeadAssigned', at, data: { owner, followUpDueAt } });
        return;
      }
      case 'reminder':
        rebuilt.push({ name: 'FollowUpReminder', at, data: { owner, followUpDueAt } });
        return;
      case 'breached':
        rebuilt.push({
          name: 'FollowUpBreached',
          at,
          data: { owner, followUpDueAt, businessMinutesWaited: 0 },
        });
        return;
      case 'escalated':
        escalationLevel += 1;
        rebuilt.push({ name: 'LeadEscalated', at, data: { owner, level: escalationLevel, notified: [] } });
        return;
      case 'touch': {
        // The entry is written when the touch is applied; the rep's own time is in its data.
        const touchedAt = typeof entry.data?.at === 'string' ? entry.data.at : at;
        const window = last ? lead.sla?.acceptanceDueAt : undefined;
        rebuilt.push({
          name: 'LeadTouched',
          at: touchedAt,
          data: { owner, ...(window ? { acceptanceDueAt: window } : {}) },
        });
        return;
      }
      case 'accepted':
        rebuilt.push({ name: 'LeadAccepted', at, data: { owner } });
        return;
      case 'rejection': {
        // The lead keeps its last rejection, written when it was recycled (after this entry).
        const kept = lead.rejection && last && lead.rejection.at >= at ? lead.rejection.reason : undefined;
        rebuilt.push({
          name: 'LeadRejected',
          at,
          data: { owner, reason: kept ?? reasonInSummary(entry.summary) },
        });
        return;
      }
      case 'won':
      case 'lost':
        rebuilt.push({ name: 'LeadConverted', at, data: { result: entry.type } });
        return;
      case 'recycled':
        rebuilt.push({ name: 'LeadRecycled', at, data: { reason: '' } });
        return;
      case 'disqualified':
        rebuilt.push({ name: 'LeadDisqualified', at, data: { reason: '' } });
        return;
    }
  });
  // A re-score after engagement writes no breakdown; the lead keeps the latest score.
  if (lead.score) {
    const { total, fit, engagement, scoredAt } = lead.score;
    rebuilt.push({ name: 'LeadScored', at: scoredAt, data: { total, fit, engagement } });
  }

  // A stable sort: entries of the same instant keep the order they were written in.
  const sorted = rebuilt.map((event) => ({ event, ms: Date.parse(event.at) })).sort((a, b) => a.ms - b.ms);
  return sorted.map(
    ({ event }, i) =>
      ({
        name: event.name,
        detail: {
          version: 1,
          eventId: `${lead.leadId}:history:${i}`,
          occurredAt: new Date(Date.parse(event.at)).toISOString(),
          businessUnit: lead.businessUnit,
          leadId: lead.leadId,
          data: event.data,
        },
      }) as ProjectedEvent,
  );
}

/** Counters and lead facts of many leads, as the event projection would have stored them. */
export function projectLeads(
  histories: Iterable<LeadHistory>,
  config: BusinessUnitConfig,
): { counters: CounterRow[]; leadFacts: LeadFacts[] } {
  const increments: CounterIncrement[] = [];
  const leadFacts: LeadFacts[] = [];
  for (const history of histories) {
    let facts: LeadFacts | undefined;
    for (const event of eventsFromLead(history, config)) {
      const projected = countersFor(event, config, facts);
      increments.push(...projected.increments);
      facts = projected.facts;
    }
    if (facts) leadFacts.push(facts);
  }
  return { counters: addIncrements([], increments), leadFacts };
}
