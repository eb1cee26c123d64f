/**
 * EventBridge LeadCaptured -> one lifecycle execution per lead. The execution name is the
 * lead id, so a re-delivered or re-published event cannot start a second one.
 */
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { startLifecycle } from '../adapters/workflow-callbacks.ts';
import { LEADFLOW_EVENTS } from '../events/catalog.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';

const stateMachineArn = requiredEnv(ENV.stateMachineArn);

export const handler = middy<EventBridgeEvent<'LeadCaptured', unknown>, void>().handler(async (event) => {
  const detail = LEADFLOW_EVENTS.LeadCaptured.parse(event.detail);
  const result = await startLifecycle(stateMachineArn, detail.leadId, { leadId: detail.leadId });
  logger.info('Lifecycle start', { leadId: detail.leadId, result });
});
