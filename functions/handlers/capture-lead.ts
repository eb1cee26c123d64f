/**
 * POST /leads — public capture endpoint for web forms and API clients.
 * Parses (content type, size, zod), calls the capture use case, maps the result to HTTP.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { dynamoDbClient } from '../adapters/aws-clients.ts';
import { EventPublisher } from '../adapters/event-publisher.ts';
import { LeadStore } from '../adapters/lead-store.ts';
import { verifyTurnstile } from '../adapters/turnstile.ts';
import { thankYouUrl } from '../domain/capture.ts';
import { htmlProblemPage } from '../http/html-pages.ts';
import { validationProblem } from '../http/problem.ts';
import { problemErrorHandler } from '../http/problem-error-handler.ts';
import { decodeBody, prefersHtml } from '../http/request-body.ts';
import { clock } from '../runtime/clock.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import { foldFormFields, LeadSubmission, toProfile } from '../schemas/lead-submission.ts';
import { captureLead } from '../use-cases/capture-lead.ts';

const tableName = requiredEnv(ENV.tableName);
const leads = new LeadStore(tableName);
const events = new EventPublisher(requiredEnv(ENV.eventBusName), unitConfig().name);

const idempotencyStore = new DynamoDBPersistenceLayer({
  tableName,
  keyAttr: 'pk',
  sortKeyAttr: 'sk',
  expiryAttr: 'expiresAt',
  awsSdkV3Client: dynamoDbClient(),
});

async function capture(
  event: APIGatewayProxyEventV2,
  _context?: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  const config = unitConfig();
  const { fields } = decodeBody(event, config.capture.maxBodyBytes);
  // Forms post flat names (utm_source, custom[industry]); so does a page that sends its form
  // as JSON (the demo's "Send as JSON" does), so both are folded into the nested shape.
  const raw = foldFormFields(fields as Record<string, unknown>);
  const honeypotValue = raw[config.spam.honeypotField];
  delete raw[config.spam.honeypotField];

  const parsed = LeadSubmission.safeParse(raw);
  if (!parsed.success) throw validationProblem(parsed.error);
  const submission = parsed.data;

  const sourceIp = event.requestContext?.http?.sourceIp;
  const turnstile = config.spam.turnstile
    ? await verifyTurnstile(config.spam.turnstile, submission['cf-turnstile-response'], sourceIp).catch(
        (error: unknown) => {
          // Verifier down: keep the lead (quarantined for review) rather than lose it or fail the form.
          logger.warn('Turnstile verification unavailable', { error: (error as Error).message });
          return { success: false, errorCodes: ['verification-unavailable'] };
        },
      )
    : undefined;

  const result = await captureLead(
    { config, clock, leads, events },
    {
      profile: toProfile(submission),
      spamSignals: {
        honeypotValue:
          typeof honeypotValue === 'string'
            ? honeypotValue
            : honeypotValue
              ? String(honeypotValue)
              : undefined,
        formRenderedAt: submission.formRenderedAt,
        turnstile,
      },
      sourceIp,
    },
  );
  if (result.outcome === 'quarantined') logger.info('Submission quarantined', { reasons: result.reasons });
  else logger.info('Lead captured', { leadId: result.leadId, outcome: result.outcome, stage: result.stage });

  if (prefersHtml(event.headers)) {
    return {
      statusCode: 303,
      headers: { location: thankYouUrl(submission.redirectTo, config.capture.thankYouUrls) },
      body: '',
    };
  }
  const status = result.outcome === 'quarantined' ? 'created' : result.outcome;
  return {
    statusCode: 202,
    headers: { 'content-type': 'application/json', location: `/leads/${result.leadId}` },
    body: JSON.stringify({ leadId: result.leadId, status }),
  };
}

const idempotentCapture = makeIdempotent(capture, {
  persistenceStore: idempotencyStore,
  config: new IdempotencyConfig({
    eventKeyJmesPath: 'headers."idempotency-key"',
    // The same key with another body is a client bug: reject it instead of replaying the first answer.
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: 24 * 3600,
  }),
});

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(
    problemErrorHandler({
      logger,
      render: (problem, event) => (prefersHtml(event.headers) ? htmlProblemPage(problem) : undefined),
    }),
  )
  // Only requests that carry an Idempotency-Key pay for the idempotency record (2 writes).
  .handler((event, context) =>
    event.headers['idempotency-key'] ? idempotentCapture(event, context) : capture(event),
  );
