/**
 * One run of the lifecycle over some of a history's leads (all of them, or one worker's share),
 * and how leads are shared out: by the team routing picks for them. Routing state (the ticket
 * counter, reps' capacity) and everyone a lead can be handed to belong to one team, so the
 * leads of one team run together and teams never meet: a partition's run is the same whichever
 * other teams share its worker.
 */
import type { BusinessUnitConfig } from '../config/schema.ts';
import { leadIdFor } from '../functions/domain/capture.ts';
import type { Lead, TimelineEntry } from '../functions/domain/lead.ts';
import { selectTeam } from '../functions/domain/routing.ts';
import { LeadSubmission, toProfile } from '../functions/schemas/lead-submission.ts';
import type { PublishedEvent, RoutingState } from '../functions/use-cases/ports.ts';
import type { Asl } from '../local/runtime/asl-engine-definition.ts';
import { SimulatedLifecycle, type SimulatorEngine } from './engine.ts';
import type { History } from './history.ts';
import type { RepLoad } from './metrics.ts';
import { type SentActivity, SimulatedSalesTeam } from './sales-team.ts';

export interface SimulatedLead {
  leadId: string;
  arrivedAt: string;
  path: string[];
  status: string;
  lead: Lead | undefined;
  /** The whole timeline, oldest first. */
  timeline: TimelineEntry[];
}

export interface PartitionOptions {
  horizonDays?: number;
  engine?: SimulatorEngine;
  /** Called after each arrival. */
  onProgress?: (arrived: number, total: number) => void;
}

/** What one run gives back, by each lead's place in the history (`ref`). */
export interface PartitionResult {
  leads: Array<SimulatedLead & { ref: number }>;
  events: Array<PublishedEvent & { occurredAt: string }>;
  emailsSent: number;
  loads: Array<[string, RepLoad]>;
  activities: SentActivity[];
}

function arrivalsOf(config: BusinessUnitConfig, history: History) {
  return history.leads.map((lead, ref) => {
    const profile = toProfile(LeadSubmission.parse(lead.submission));
    return { lead, ref, profile, leadId: leadIdFor(config.name, profile.email) };
  });
}

/**
 * The history's leads (their refs) in `count` groups of whole teams: teams by their number of
 * leads, largest first, each onto the group with the fewest so far. A lead submitted twice
 * stays with its first submission's team (it is one lead).
 */
export function partitionByTeam(config: BusinessUnitConfig, history: History, count: number): number[][] {
  const teamOfLead = new Map<string, string>();
  const byTeam = new Map<string, number[]>();
  for (const { ref, profile, leadId } of arrivalsOf(config, history)) {
    const team = teamOfLead.get(leadId) ?? selectTeam(profile, config.routing).team.id;
    teamOfLead.set(leadId, team);
    byTeam.set(team, [...(byTeam.get(team) ?? []), ref]);
  }
  const groups = Array.from({ length: Math.max(1, count) }, () => [] as number[]);
  const teams = [...byTeam].sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b));
  for (const [, refs] of teams) {
    const smallest = groups.reduce((min, g) => (g.length < min.length ? g : min));
    smallest.push(...refs);
  }
  return groups.filter((g) => g.length > 0).map((g) => g.sort((a, b) => a - b));
}

/** Runs the leads at `refs` (default: all) on the given definition. */
export async function runPartition(
  config: BusinessUnitConfig,
  history: History,
  definition: Asl,
  refs: readonly number[] | undefined,
  options: PartitionOptions = {},
): Promise<PartitionResult> {
  const loads = new Map<string, RepLoad>();
  const loadOf = (repId: string) => {
    const load = loads.get(repId) ?? { peak: 0, capacityHits: 0 };
    loads.set(repId, load);
    return load;
  };
  let team: SimulatedSalesTeam | undefined;
  // Only the number of mails is reported; keeping a quarter's rendered mails would take gigabytes.
  let emailsSent = 0;
  const sim = new SimulatedLifecycle({
    config,
    definition,
    start: new Date(history.period.from),
    engine: options.engine,
    ports: (stores) => ({
      mailer: {
        send: async () => {
          emailsSent++;
        },
      },
      events: {
        publish: async (events, at) => {
          await stores.events.publish(events, at);
          team?.observe(events);
        },
      },
      routing: {
        snapshot: (teamId, repIds, leadId) => stores.routing.snapshot(teamId, repIds, leadId),
        takeTicket: (teamId) => stores.routing.takeTicket(teamId),
        release: (repId, leadId) => stores.routing.release(repId, leadId),
        reserve: async (repId, leadId, capacity) => {
          const reserved = await stores.routing.reserve(repId, leadId, capacity);
          const load = loadOf(repId);
          if (!reserved) load.capacityHits++;
          else load.peak = Math.max(load.peak, stores.routing.leadsOf(repId).length);
          return reserved;
        },
      } satisfies RoutingState,
    }),
  });
  const salesTeam = new SimulatedSalesTeam(sim, config, history);
  team = salesTeam;

  const all = arrivalsOf(config, history);
  const arrivals = refs ? refs.map((ref) => all[ref] as (typeof all)[number]) : all;
  let arrived = 0;
  for (const arrival of arrivals)
    sim.at(new Date(arrival.lead.arrivedAt), async () => {
      salesTeam.arrived(arrival.leadId, arrival.lead, arrival.ref);
      await sim.capture(arrival.profile);
      options.onProgress?.(++arrived, arrivals.length);
    });
  const end = new Date(history.period.to).getTime() + (options.horizonDays ?? 30) * 86_400_000;
  await sim.runUntil(new Date(end));
  if (sim.failures.length > 0)
    throw new Error(`The simulation failed: ${sim.failures.map((e) => e.message).join('; ')}`);

  const leads: PartitionResult['leads'] = [];
  for (const { leadId, lead, ref } of arrivals) {
    const execution = sim.execution(leadId);
    leads.push({
      ref,
      leadId,
      arrivedAt: lead.arrivedAt,
      path: execution?.path ?? [],
      status: execution?.status ?? 'NOT_STARTED',
      lead: await sim.stores.leads.get(leadId),
      timeline: await sim.stores.leads.timeline(leadId),
    });
  }
  return {
    leads,
    events: sim.stores.events.published,
    emailsSent,
    loads: [...loads],
    activities: salesTeam.sent,
  };
}
