/**
 * POST /events/engagement (marketing tools) and POST /events/activity (CRMs): signed batches of
 * activity put on the unit's bus once per event id (functions/use-cases/inbound-events.ts).
 * Public routes: the HMAC signature is the authorization.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { EventBridgeActivityBus } from '../adapters/activity-bus.ts';
import { DynamoInboundEventClaims } from '../adapters/inbound-claims.ts';
import { inboundEventsKey } from '../adapters/signing-key.ts';
import { type InboundChannel, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../domain/inbound-events.ts';
import { HttpProblem } from '../http/problem.ts';
import { problemErrorHandler } from '../http/problem-error-handler.ts';
import { mediaType } from '../http/request-body.ts';
import { clock } from '../runtime/clock.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import { type InboundEventPorts, receiveInboundEvents } from '../use-cases/inbound-events.ts';

const ports: InboundEventPorts = {
  clock,
  claims: new DynamoInboundEventClaims(requiredEnv(ENV.tableName)),
  bus: new EventBridgeActivityBus(requiredEnv(ENV.eventBusName)),
  // Read per request from the config the function runs with (the local runtime sets its own key).
  signingKey: () => inboundEventsKey(unitConfig()),
};

/** The route keys infra/constructs/api.ts gives this function. */
export const INBOUND_ROUTES: Record<string, InboundChannel> = {
  'POST /events/engagement': 'engagement',
  'POST /events/activity': 'activity',
};

async function inboundEvents(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const channel = INBOUND_ROUTES[event.routeKey];
  if (!channel) throw new HttpProblem(404, 'Not found', `No inbound events at ${event.routeKey}.`);
  if (mediaType(event.headers) !== 'application/json')
    throw new HttpProblem(415, 'Unsupported media type', 'Send application/json.', undefined, {
      'accept-post': 'application/json',
    });
  const outcome = await receiveInboundEvents(ports, channel, {
    body: Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8'),
    timestamp: event.headers[TIMESTAMP_HEADER],
    signature: event.headers[SIGNATURE_HEADER],
  });
  if (!outcome.ok) {
    logger.info('Inbound events refused', { channel, status: outcome.status, title: outcome.title });
    throw new HttpProblem(outcome.status, outcome.title, outcome.detail, outcome.errors);
  }
  const count = (status: string) => outcome.results.filter((r) => r.status === status).length;
  const summary = {
    acceptedCount: count('accepted'),
    duplicateCount: count('duplicate'),
    failedEntryCount: outcome.results.length - count('accepted') - count('duplicate'),
  };
  logger.info('Inbound events received', { channel, ...summary });
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...summary, results: outcome.results }),
  };
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(problemErrorHandler({ logger }))
  .handler(inboundEvents);
