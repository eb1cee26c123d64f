/**
 * The figures of one simulated agreement, read off what the lifecycle did: its events, mails,
 * stored leads and the routing load. Pure: the same inputs give the same figures.
 */
import type { BusinessUnitConfig } from '../config/schema.ts';
import { localDate } from '../functions/domain/agreement/dates.ts';
import { versionOn } from '../functions/domain/agreement/versions.ts';
import { businessMinutesBetween } from '../functions/domain/business-hours.ts';
import type { Lead } from '../functions/domain/lead.ts';
import type { PublishedEvent } from '../functions/use-cases/ports.ts';
import type { History } from './history.ts';

export interface RepLoad {
  /** Most leads the rep held at once. */
  peak: number;
  /** Hand-offs that skipped the rep because they were at capacity. */
  capacityHits: number;
}

export interface AgreementMetrics {
  leads: number;
  sqls: number;
  handedOff: number;
  touched: number;
  firstTouchWithinSla: number;
  /** Of the leads handed off, the share touched before any breach. */
  firstTouchWithinSlaRate: number;
  breachedLeads: number;
  breaches: number;
  escalations: number;
  reassignments: number;
  /** Business minutes from the first hand-off to the first touch. */
  timeToFirstTouch: { p50: number | null; p90: number | null };
  accepted: number;
  rejected: number;
  won: number;
  lost: number;
  failedExecutions: number;
  emailsSent: number;
  toFallbackQueue: number;
  reps: Array<{ repId: string; assigned: number; peakLoad: number; capacity: number; capacityHits: number }>;
  /** SQLs delivered per local month of the period, against marketing's commitment in force then. */
  sqlsByMonth: Array<{ month: string; delivered: number; committed: number | null }>;
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? null;
}

export function measure(input: {
  config: BusinessUnitConfig;
  history: History;
  leads: Array<{ leadId: string; status: string; lead: Lead | undefined }>;
  events: ReadonlyArray<PublishedEvent & { occurredAt: string }>;
  emailsSent: number;
  loads: ReadonlyMap<string, RepLoad>;
}): AgreementMetrics {
  const { config, events } = input;
  const count = (name: string) => events.filter((e) => e.name === name).length;
  const leadsWith = (name: string) => new Set(events.filter((e) => e.name === name).map((e) => e.leadId));
  const firstAssigned = new Map<string, string>();
  const assignedTo = new Map<string, number>();
  let toFallbackQueue = 0;
  for (const event of events) {
    if (event.name !== 'LeadAssigned') continue;
    if (!firstAssigned.has(event.leadId)) firstAssigned.set(event.leadId, event.occurredAt);
    const owner = (event as PublishedEvent<'LeadAssigned'>).data.owner;
    if (owner.fallback || !owner.repId) toFallbackQueue++;
    else assignedTo.set(owner.repId, (assignedTo.get(owner.repId) ?? 0) + 1);
  }
  const breached = leadsWith('FollowUpBreached');
  const minutesToTouch: number[] = [];
  let touched = 0;
  let withinSla = 0;
  for (const { leadId, lead } of input.leads) {
    const assignedAt = firstAssigned.get(leadId);
    const touchedAt = lead?.sla?.firstTouchAt;
    if (!assignedAt || !touchedAt) continue;
    touched++;
    if (!breached.has(leadId)) withinSla++;
    minutesToTouch.push(
      Math.max(0, businessMinutesBetween(new Date(assignedAt), new Date(touchedAt), config.calendar)),
    );
  }
  minutesToTouch.sort((a, b) => a - b);
  const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
  const converted = events.filter((e) => e.name === 'LeadConverted') as Array<
    PublishedEvent<'LeadConverted'>
  >;

  const months = monthsOf(input.history.period, config.timezone);
  const delivered = new Map<string, number>();
  for (const event of events)
    if (event.name === 'LeadQualified') {
      const month = localDate(event.occurredAt, config.timezone).slice(0, 7);
      delivered.set(month, (delivered.get(month) ?? 0) + 1);
    }
  const versions = config.agreement?.versions ?? [];

  return {
    leads: input.leads.length,
    sqls: count('LeadQualified'),
    handedOff: firstAssigned.size,
    touched,
    firstTouchWithinSla: withinSla,
    firstTouchWithinSlaRate: firstAssigned.size ? round((withinSla / firstAssigned.size) * 100)! / 100 : 0,
    breachedLeads: breached.size,
    breaches: count('FollowUpBreached'),
    escalations: count('LeadEscalated'),
    reassignments: count('LeadReassigned'),
    timeToFirstTouch: {
      p50: round(percentile(minutesToTouch, 50)),
      p90: round(percentile(minutesToTouch, 90)),
    },
    accepted: count('LeadAccepted'),
    rejected: count('LeadRejected'),
    won: converted.filter((e) => e.data.result === 'won').length,
    lost: converted.filter((e) => e.data.result === 'lost').length,
    failedExecutions: input.leads.filter((l) => l.status === 'FAILED').length,
    emailsSent: input.emailsSent,
    toFallbackQueue,
    reps: config.routing.teams.flatMap((team) =>
      team.members.map((rep) => ({
        repId: rep.id,
        assigned: assignedTo.get(rep.id) ?? 0,
        peakLoad: input.loads.get(rep.id)?.peak ?? 0,
        capacity: rep.capacity,
        capacityHits: input.loads.get(rep.id)?.capacityHits ?? 0,
      })),
    ),
    sqlsByMonth: months.map((month) => ({
      month,
      delivered: delivered.get(month) ?? 0,
      committed: versions.length ? versionOn(versions, `${month}-01`).marketing.sqlsPerMonth : null,
    })),
  };
}

/** The local months (YYYY-MM) the period touches. */
function monthsOf(period: { from: string; to: string }, zone: string): string[] {
  const first = localDate(period.from, zone).slice(0, 7);
  const last = localDate(new Date(new Date(period.to).getTime() - 1), zone).slice(0, 7);
  const months: string[] = [];
  for (let [y, m] = first.split('-').map(Number) as [number, number]; ; m++) {
    if (m > 12) [y, m] = [y + 1, 1];
    const month = `${y}-${String(m).padStart(2, '0')}`;
    months.push(month);
    if (month >= last) return months;
  }
}
