/**
 * EventBridge lifecycle events -> the metrics projection (counters and lead facts for the
 * scorecard). Idempotent per event id; see use-cases/record-metrics.ts.
 */
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { DynamoMetricsStore } from '../adapters/metrics-store.ts';
import { projectedEvent } from '../domain/metrics/projected-event.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import { type MetricsOutcome, type MetricsPorts, recordMetrics } from '../use-cases/record-metrics.ts';

const ports: MetricsPorts = {
  config: unitConfig(),
  metrics: new DynamoMetricsStore(requiredEnv(ENV.tableName)),
};

export const handler = middy<
  EventBridgeEvent<string, unknown>,
  MetricsOutcome | { status: 'ignored' }
>().handler(async (event) => {
  const projected = projectedEvent(event['detail-type'], event.detail);
  if (!projected) {
    logger.warn('Ignoring an event the metrics projection does not read', { type: event['detail-type'] });
    return { status: 'ignored' };
  }
  const outcome = await recordMetrics(ports, projected);
  logger.info('Metrics recorded', { type: projected.name, eventId: projected.detail.eventId, ...outcome });
  return outcome;
});
