/**
 * GET /actions/{token}: the confirmation page of a one-click action link (reads only).
 * POST /actions/{token}: does it, once (functions/use-cases/lead-actions.ts).
 * Public routes: the signed, expiring, single-use token is the authorization.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoActionClaims } from '../adapters/action-claims.ts';
import { EventPublisher } from '../adapters/event-publisher.ts';
import { LeadStore } from '../adapters/lead-store.ts';
import { actionSigningKey } from '../adapters/signing-key.ts';
import { completeWait } from '../adapters/workflow-callbacks.ts';
import { confirmationPage, refusalPage, resultPage } from '../http/action-pages.ts';
import { problemErrorHandler } from '../http/problem-error-handler.ts';
import { decodeBody } from '../http/request-body.ts';
import { clock } from '../runtime/clock.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import { type LeadActionPorts, performAction, previewAction } from '../use-cases/lead-actions.ts';

const config = unitConfig();
const tableName = requiredEnv(ENV.tableName);
const ports: LeadActionPorts = {
  config,
  clock,
  leads: new LeadStore(tableName),
  events: new EventPublisher(requiredEnv(ENV.eventBusName), config.name),
  callbacks: { completeWait },
  claims: new DynamoActionClaims(tableName),
  signingKey: () => actionSigningKey(config),
};

/** The confirmation form is a few short fields. */
const MAX_FORM_BYTES = 4096;

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

async function leadAction(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const token = event.pathParameters?.token ?? '';
  const method = event.requestContext.http.method;
  if (method === 'POST') {
    const { fields } = decodeBody(event, MAX_FORM_BYTES);
    const form = fields as Record<string, unknown>;
    const result = await performAction(ports, token, {
      channel: text(form.channel),
      reason: text(form.reason),
      note: text(form.note),
    });
    if (!result.ok) {
      logger.info('Action link refused', { reason: result.reason, method });
      return refusalPage(result, config);
    }
    logger.info('Action link applied', { leadId: result.lead.leadId, action: result.action });
    return resultPage(result, config);
  }
  const preview = await previewAction(ports, token);
  if (!preview.ok) {
    logger.info('Action link refused', { reason: preview.reason, method });
    return refusalPage(preview, config);
  }
  return confirmationPage(preview, config);
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(
    problemErrorHandler({
      logger,
      // A person is reading: answer with a page, not a JSON problem.
      render: (problem) =>
        refusalPage(
          {
            ok: false,
            status: problem.status as 400,
            reason: 'invalid-input',
            title: problem.title,
            detail: problem.detail ?? '',
          },
          config,
        ),
    }),
  )
  .handler(leadAction);
