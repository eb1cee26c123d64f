/**
 * A metrics store holding what the projection would have recorded for these leads: their
 * histories replayed through the backfill use case (the same code `npm run metrics:backfill` runs).
 */
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { InMemoryLeadReports } from '../../functions/adapters/in-memory/lead-reports.ts';
import type { InMemoryLeadRepository } from '../../functions/adapters/in-memory/lead-repository.ts';
import { InMemoryMetricsStore } from '../../functions/adapters/in-memory/metrics-store.ts';
import { backfillMetrics } from '../../functions/use-cases/record-metrics.ts';
import { unitConfig } from './unit-config.ts';

export async function metricsOf(
  leads: InMemoryLeadRepository,
  config: BusinessUnitConfig = unitConfig(),
): Promise<InMemoryMetricsStore> {
  const metrics = new InMemoryMetricsStore();
  await backfillMetrics(
    { config, metrics, reports: new InMemoryLeadReports(leads) },
    new Date(0),
    new Date('9999-12-31T00:00:00Z'),
  );
  return metrics;
}
