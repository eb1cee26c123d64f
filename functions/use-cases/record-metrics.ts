/**
 * The metrics projection's write side (one lifecycle event → counters and lead facts) and its
 * read side (a period's counters and facts: what `scorecard()` consumes, without scanning leads).
 */
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { milestoneDays } from '../domain/metrics/days.ts';
import { planMetricsWrite } from '../domain/metrics/metrics-write.ts';
import type { ProjectedEvent } from '../domain/scorecard/events.ts';
import { eventsFromLead } from '../domain/scorecard/lead-history.ts';
import type { ScorecardInput } from '../domain/scorecard/scorecard.ts';
import type { Period } from '../domain/scorecard/types.ts';
import type { LeadReports, MetricsStore } from './ports.ts';

export interface MetricsPorts {
  config: BusinessUnitConfig;
  metrics: MetricsStore;
}

/**
 * Events of one lead arriving together conflict on its facts; each retry reads them again. Past
 * this many, the event fails and Lambda's asynchronous retries take over.
 */
export const MAX_COMMIT_ATTEMPTS = 8;

export type MetricsOutcome = { status: 'recorded'; counters: number } | { status: 'duplicate' };

export async function recordMetrics(ports: MetricsPorts, event: ProjectedEvent): Promise<MetricsOutcome> {
  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
    const before = await ports.metrics.facts(event.detail.leadId);
    const plan = planMetricsWrite(event, ports.config, before);
    if (plan.kind === 'duplicate') {
      // Applied before; its run may have died before indexing the lead, so index it again.
      if (before)
        await ports.metrics.index(
          before.leadId,
          milestoneDays(before, ports.config.timezone),
          before.countedDays ?? [],
        );
      return { status: 'duplicate' };
    }
    if ((await ports.metrics.commit(plan)) === 'committed')
      return { status: 'recorded', counters: plan.counters.length };
  }
  throw new Error(
    `Metrics for ${event.name} ${event.detail.eventId} still conflicted after ${MAX_COMMIT_ATTEMPTS} attempts`,
  );
}

/** The counters and lead facts of a period, as `scorecard()` takes them. */
export async function scorecardInputFromMetrics(
  metrics: MetricsStore,
  period: Period,
): Promise<Pick<ScorecardInput, 'counters' | 'leadFacts'>> {
  const [counters, leadFacts] = await Promise.all([metrics.counters(period), metrics.leadFactsIn(period)]);
  return { counters, leadFacts };
}

/**
 * Replays the history of leads captured before the projection ran (or while it was down) into
 * the store: the events their stored state and timeline imply (domain/scorecard/lead-history.ts),
 * each applied once per event id, so a repeated backfill changes nothing.
 */
export async function backfillMetrics(
  ports: MetricsPorts & { reports: LeadReports },
  createdFrom: Date,
  createdTo: Date,
): Promise<{ leads: number; recorded: number }> {
  let leads = 0;
  let recorded = 0;
  for (const status of ['open', 'closed', 'failed'] as const)
    for await (const history of ports.reports.leadsCreatedBetween(status, createdFrom, createdTo)) {
      leads++;
      for (const event of eventsFromLead(history, ports.config))
        if ((await recordMetrics(ports, event)).status === 'recorded') recorded++;
    }
  return { leads, recorded };
}
