/**
 * A unit's own lead history, as the simulator replays it (history.ts), read from its store
 * through the lead repository port: who came in when (the stored profile is the submission),
 * the engagement marketing recorded after arrival, what sales decided and how the deal ended,
 * and each rep's measured behaviour from the timelines: business minutes from a hand-off to
 * their first touch and from the touch to their decision (median and p90 in the rep's own
 * calendar), and the share of hand-offs they never touched.
 *
 * What a timeline cannot tell is filled from the rest of the history and said in `assumptions`
 * (a lead never decided counts as accepted, an accepted lead not yet closed as lost after the
 * median time to close observed).
 */
import type { BusinessUnitConfig } from '../config/schema.ts';
import { businessMinutesBetween } from '../functions/domain/business-hours.ts';
import type { Lead, LeadStatus, TimelineEntry } from '../functions/domain/lead.ts';
import { calendarForOwner } from '../functions/domain/owner-calendar.ts';
import type { LeadRepository } from '../functions/use-cases/ports.ts';
import type { HistoricalLead, History, RepBehaviour } from './history.ts';

const DAY_MS = 86_400_000;
const STATUSES: readonly LeadStatus[] = ['open', 'closed', 'failed'];
/** A spread must be positive: an answer within the same business minute counts as one minute. */
const MIN_MINUTES = 1;
const DEFAULT_OUTCOME_DAYS = 30;
const DEFAULT_REJECTION = 'Not a fit';

export interface ExportOptions {
  /** Leads created at or after this instant (ISO), default: the oldest lead. */
  from?: string;
  /** Leads created before this instant (ISO), default: just after the newest lead. */
  to?: string;
  /** The seed the simulator draws reps' answers with (default 1). */
  seed?: number;
}

export interface ExportedHistory {
  history: History;
  /** What was filled in where the store had no answer. */
  assumptions: string[];
}

type LeadReader = Pick<LeadRepository, 'leadIdsWithStatus' | 'get' | 'timeline'>;

interface RepSamples {
  touch: number[];
  decision: number[];
  handoffs: number;
  missed: number;
}

/** The q-quantile of sorted samples, by linear interpolation. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[Math.ceil(at)] as number) - lowValue) * (at - low);
}

function spread(samples: readonly number[]): { median: number; p90: number } {
  const sorted = samples.map((s) => Math.max(MIN_MINUTES, s)).sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { median: round(quantile(sorted, 0.5)), p90: round(quantile(sorted, 0.9)) };
}

const ASSIGNED = /^(?:Assigned|Reassigned) to (.+?) in team /;

/** Walks one timeline's hand-offs: who was handed the lead, whether and when they touched and decided. */
function measureHandoffs(
  timeline: readonly TimelineEntry[],
  repIdByName: ReadonlyMap<string, string>,
  config: BusinessUnitConfig,
  reps: Map<string, RepSamples>,
): void {
  let current: { repId: string; at: Date; touchedAt?: Date; decided: boolean } | undefined;
  const samplesOf = (repId: string) => {
    const samples = reps.get(repId) ?? { touch: [], decision: [], handoffs: 0, missed: 0 };
    reps.set(repId, samples);
    return samples;
  };
  const minutes = (repId: string, from: Date, to: Date) =>
    businessMinutesBetween(from, to, calendarForOwner(config, { repId }));
  // A hand-off counts as missed once it ended untouched; one still running counts for nothing.
  const closeHandoff = (ended: boolean) => {
    if (current && !current.touchedAt) {
      if (ended) samplesOf(current.repId).missed++;
      else samplesOf(current.repId).handoffs--;
    }
    current = undefined;
  };
  for (const entry of timeline) {
    const at = new Date(entry.at);
    if (entry.type === 'assigned' || entry.type === 'reassigned') {
      closeHandoff(true);
      const repId = repIdByName.get(ASSIGNED.exec(entry.summary)?.[1] ?? '');
      if (!repId) continue;
      current = { repId, at, decided: false };
      samplesOf(repId).handoffs++;
    } else if (entry.type === 'touch' && current && !current.touchedAt) {
      current.touchedAt = at;
      samplesOf(current.repId).touch.push(minutes(current.repId, current.at, at));
    } else if (
      (entry.type === 'accepted' || entry.type === 'rejection') &&
      current?.touchedAt &&
      !current.decided
    ) {
      current.decided = true;
      samplesOf(current.repId).decision.push(minutes(current.repId, current.touchedAt, at));
    }
  }
  closeHandoff(false);
}

export async function exportHistory(
  leads: LeadReader,
  config: BusinessUnitConfig,
  options: ExportOptions = {},
): Promise<ExportedHistory> {
  const stored: Array<{ lead: Lead; timeline: TimelineEntry[] }> = [];
  for (const status of STATUSES)
    for await (const leadId of leads.leadIdsWithStatus(status)) {
      const lead = await leads.get(leadId);
      if (!lead) continue;
      if (options.from && lead.createdAt < options.from) continue;
      if (options.to && lead.createdAt >= options.to) continue;
      stored.push({ lead, timeline: await leads.timeline(leadId) });
    }
  stored.sort(
    (a, b) => a.lead.createdAt.localeCompare(b.lead.createdAt) || a.lead.leadId.localeCompare(b.lead.leadId),
  );
  if (stored.length === 0) throw new Error(`No leads of unit ${config.name} in the period`);

  const repIdByName = new Map(
    config.routing.teams.flatMap((t) => t.members.map((m) => [m.name, m.id] as const)),
  );
  const reps = new Map<string, RepSamples>();
  const closeDays: number[] = [];
  for (const { lead, timeline } of stored) {
    measureHandoffs(timeline, repIdByName, config, reps);
    const acceptedAt = lead.sla?.acceptedAt;
    if (lead.outcome && acceptedAt)
      closeDays.push((Date.parse(lead.outcome.at) - Date.parse(acceptedAt)) / DAY_MS);
  }
  const assumptions: string[] = [];
  const sortedClose = [...closeDays].sort((a, b) => a - b);
  const typicalClose = sortedClose.length ? quantile(sortedClose, 0.5) : DEFAULT_OUTCOME_DAYS;
  if (closeDays.length < stored.length)
    assumptions.push(
      `A lead without a recorded outcome is taken as lost after ${typicalClose.toFixed(1)} days (the median observed) if accepted.`,
    );

  const rounded = (days: number) => Math.round(days * 10_000) / 10_000;
  const historical: HistoricalLead[] = stored.map(({ lead }) => {
    const created = Date.parse(lead.createdAt);
    const acceptedAt = lead.sla?.acceptedAt;
    return {
      submission: { ...lead.profile },
      arrivedAt: lead.createdAt,
      engagements: (lead.engagements ?? [])
        .filter((e) => Date.parse(e.at) > created)
        .map((e) => ({ afterDays: rounded((Date.parse(e.at) - created) / DAY_MS), type: e.type })),
      verdict: lead.rejection ? 'reject' : 'accept',
      rejectionReason: lead.rejection?.reason ?? DEFAULT_REJECTION,
      result: lead.outcome?.result ?? 'lost',
      outcomeAfterDays: rounded(
        lead.outcome && acceptedAt
          ? (Date.parse(lead.outcome.at) - Date.parse(acceptedAt)) / DAY_MS
          : typicalClose,
      ),
    };
  });
  if (historical.some((l, i) => l.verdict === 'accept' && !stored[i]?.lead.sla?.acceptedAt))
    assumptions.push('A lead sales never accepted or rejected counts as accepted if a rep decides it.');

  const pooled = {
    touch: [...reps.values()].flatMap((r) => r.touch),
    decision: [...reps.values()].flatMap((r) => r.decision),
  };
  if (pooled.touch.length === 0 || pooled.decision.length === 0)
    throw new Error('No touched and decided hand-off in the period: reps’ response times cannot be measured');
  const behaviours: Record<string, RepBehaviour> = {};
  for (const team of config.routing.teams)
    for (const rep of team.members) {
      const samples = reps.get(rep.id);
      const own = (kind: 'touch' | 'decision') => (samples?.[kind].length ? samples[kind] : pooled[kind]);
      if (!samples?.touch.length || !samples.decision.length)
        assumptions.push(
          `Rep ${rep.id} has too few measured answers; the unit's pooled response times stand in.`,
        );
      behaviours[rep.id] = {
        touchMinutes: spread(own('touch')),
        missRate: samples?.handoffs ? Math.round((samples.missed / samples.handoffs) * 1000) / 1000 : 0,
        decisionMinutes: spread(own('decision')),
      };
    }

  const last = stored.at(-1)?.lead.createdAt as string;
  return {
    history: {
      format: 'leadflow-history/1',
      unit: config.name,
      seed: options.seed ?? 1,
      period: {
        from: options.from ?? (stored[0]?.lead.createdAt as string),
        to: options.to ?? new Date(Date.parse(last) + 1).toISOString(),
      },
      reps: behaviours,
      leads: historical,
    },
    assumptions,
  };
}
