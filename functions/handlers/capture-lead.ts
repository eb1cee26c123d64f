/**
 * POST /leads — public capture endpoint for web forms and API clients.
 * Parses (content type, size, zod), calls the capture use case, maps the result to HTTP.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { dynamoDbClient } from '../adapters/aws-clients.ts';
import { EventPublisher } from '../adapters/event-publisher.ts';
import { LeadStore } from '../adapters/lead-store.ts';
import { DynamoRateLimiter } from '../adapters/rate-limiter.ts';
import { verifyTurnstile } from '../adapters/turnstile.ts';
import { thankYouUrl } from '../domain/capture.ts';
import { htmlProblemPage } from '../http/html-pages.ts';
import { HttpProblem, validationProblem } from '../http/problem.ts';
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
const limiter = new DynamoRateLimiter(tableName);
const events = new EventPublisher(requiredEnv(ENV.eventBusName), unitConfig().name);

const idempotencyStore = new DynamoDBPersistenceLayer({
  tableName,
  keyAttr: 'pk',
  sortKeyAttr: 'sk',
  expiryAttr: 'expiresAt',
  awsSdkV3Client: dynamoDbClient(),
});

/**
 * Requests per source address and minute, counted in the table. With CloudFront and WAF in
 * front (`edgeRateLimit`) the source is a CloudFront address and WAF counts viewers instead.
 * The address is hashed: the counter keys hold no personal data.
 */
async function limitSource(sourceIp: string | undefined): Promise<void> {
  const { rateLimit, edgeRateLimit } = unitConfig().capture;
  if (!sourceIp || rateLimit.perSourcePerMinute === 0 || edgeRateLimit) return;
  const key = `source#${createHash('sha256').update(sourceIp).digest('base64url').slice(0, 22)}`;
  const { allowed, retryAfterSeconds } = await limiter.hit(
    key,
    rateLimit.perSourcePerMinute,
    60,
    clock.now(),
  );
  if (!allowed)
    throw new HttpProblem(
      429,
      'Too many requests',
      'Too many submissions from your network. Please try again in a minute.',
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    );
}

/** The API client a key belongs to; a key that matches none is refused (401), not ignored. */
function apiClientOf(
  key: string | undefined,
  clients: Array<{ id: string; keySha256: string }>,
): string | undefined {
  if (key === undefined) return undefined;
  const digest = createHash('sha256').update(key).digest();
  const client = clients.find((c) => timingSafeEqual(Buffer.from(c.keySha256, 'hex'), digest));
  if (!client)
    throw new HttpProblem(
      401,
      'Unknown API key',
      'The X-Leadflow-Api-Key header matches no API client of this unit.',
    );
  return client.id;
}

async function capture(
  event: APIGatewayProxyEventV2,
  _context?: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  const config = unitConfig();
  const sourceIp = event.requestContext?.http?.sourceIp;
  await limitSource(sourceIp);
  const apiClient = apiClientOf(event.headers['x-leadflow-api-key'], config.capture.apiClients);
  const { fields } = decodeBody(event, config.capture.maxBodyBytes);
  // Forms post flat names (utm_source, custom[industry]); so does a page that sends its form
  // as JSON (the demo's "Send as JSON" does), so both are folded into the nested shape.
  const raw = foldFormFields(fields as Record<string, unknown>);
  const honeypotValue = Object.hasOwn(raw, config.spam.honeypotField)
    ? raw[config.spam.honeypotField]
    : undefined;
  const honeypotSent = Object.hasOwn(raw, config.spam.honeypotField);
  delete raw[config.spam.honeypotField];

  const parsed = LeadSubmission.safeParse(raw);
  if (!parsed.success) throw validationProblem(parsed.error);
  const submission = parsed.data;

  const turnstile =
    config.spam.turnstile && !apiClient
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
        apiClient,
        honeypotValue: honeypotSent
          ? typeof honeypotValue === 'string'
            ? honeypotValue
            : String(honeypotValue ?? '')
          : undefined,
        formRenderedAt: submission.formRenderedAt,
        turnstile,
      },
      sourceIp,
    },
  );
  if (result.outcome === 'too-soon')
    throw new HttpProblem(
      429,
      'Too many submissions',
      'This email address was submitted a moment ago. Please wait before sending the form again.',
      undefined,
      { 'retry-after': String(result.retryAfterSeconds) },
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
  // Only an authenticated integration learns whether the email was already a lead; to anyone
  // else (and to a bot whose submission was quarantined) every accepted submission looks alike.
  const status = apiClient ? (result.outcome === 'quarantined' ? 'created' : result.outcome) : 'received';
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
