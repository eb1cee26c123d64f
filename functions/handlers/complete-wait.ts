/**
 * EventBridge activity (TouchLogged, LeadAccepted, LeadRejected, OutcomeRecorded,
 * EngagementRecorded) -> record it on the lead and complete the lifecycle wait it ends.
 */
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { EventPublisher } from '../adapters/event-publisher.ts';
import { LeadStore } from '../adapters/lead-store.ts';
import { completeWait } from '../adapters/workflow-callbacks.ts';
import { ACTIVITY_EVENTS, type ActivityEventName } from '../events/catalog.ts';
import { clock } from '../runtime/clock.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import { type ActivityOutcome, type ActivityPorts, recordActivity } from '../use-cases/record-activity.ts';

const config = unitConfig();
const ports: ActivityPorts = {
  config,
  clock,
  leads: new LeadStore(requiredEnv(ENV.tableName)),
  events: new EventPublisher(requiredEnv(ENV.eventBusName), config.name),
  callbacks: { completeWait },
};

export const handler = middy<EventBridgeEvent<string, unknown>, ActivityOutcome>().handler(async (event) => {
  const type = event['detail-type'];
  if (!Object.hasOwn(ACTIVITY_EVENTS, type)) {
    logger.warn('Ignoring unknown activity', { type });
    return { status: 'ignored', reason: `unknown activity ${type}` };
  }
  const name = type as ActivityEventName;
  const parsed = ACTIVITY_EVENTS[name].parse(event.detail);
  // Without its own time, an activity happened when it was put on the bus, not when a
  // redelivery (after a failed attempt) finally records it.
  const activity = { ...parsed, occurredAt: parsed.occurredAt ?? event.time };
  // The sender's id when it gave one, else EventBridge's, which a redelivery keeps.
  const outcome = await recordActivity(ports, name, activity, { activityId: activity.eventId ?? event.id });
  logger.info('Activity recorded', { leadId: activity.leadId, type, outcome: outcome.status });
  return outcome;
});
