/**
 * EventBridge activity (TouchLogged, LeadAccepted, LeadRejected, OutcomeRecorded,
 * EngagementRecorded) -> record it on the lead and complete the lifecycle wait it ends.
 */
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { EventPublisher } from '../adapters/event-publisher.ts';
import { LeadStore } from '../adapters/lead-store.ts';
import { completeWait } from '../adapters/workflow-callbacks.ts';
import { calendarForOwner } from '../domain/owner-calendar.ts';
import { ACTIVITY_EVENTS, type ActivityEventName } from '../events/catalog.ts';
import { clock } from '../runtime/clock.ts';
import { requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import { type ActivityOutcome, recordActivity } from '../use-cases/record-activity.ts';

const config = unitConfig();
const leads = new LeadStore(requiredEnv('TABLE_NAME'));
const events = new EventPublisher(requiredEnv('EVENT_BUS_NAME'), config.name);

const calendarFor = (owner: { repId?: string } | undefined) => calendarForOwner(config, owner);

export const handler = middy<EventBridgeEvent<string, unknown>, ActivityOutcome>().handler(async (event) => {
  const type = event['detail-type'];
  if (!(type in ACTIVITY_EVENTS)) {
    logger.warn('Ignoring unknown activity', { type });
    return { status: 'ignored', reason: `unknown activity ${type}` };
  }
  const name = type as ActivityEventName;
  const activity = ACTIVITY_EVENTS[name].parse(event.detail);
  const outcome = await recordActivity(
    { config, clock, calendarFor, leads, events, callbacks: { completeWait } },
    name,
    activity,
  );
  logger.info('Activity recorded', { leadId: activity.leadId, type, outcome: outcome.status });
  return outcome;
});
