/**
 * The HTTP handlers as Lambda runs them, with the AWS SDK mocked: the failure paths the local
 * runtime cannot provoke (a store or bus outage) and the claim format of the real JWT authorizer.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../functions/domain/capture.ts';
import { useUnitConfig } from '../../functions/runtime/unit-config.ts';
import { DEMO_API_KEY } from '../../local/driver.ts';
import { unitConfig } from '../support/unit-config.ts';

type Handler<E> = (event: E, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const dynamo = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);
let capture: Handler<APIGatewayProxyEventV2>;
let getLead: Handler<APIGatewayProxyEventV2WithJWTAuthorizer>;

const context = {
  functionName: 'leadflow-capture-lead',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    TABLE_NAME: 'leadflow-demo',
    EVENT_BUS_NAME: 'leadflow-demo',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  useUnitConfig(unitConfig());
  capture = (await import('../../functions/handlers/capture-lead.ts')).handler as never;
  getLead = (await import('../../functions/handlers/get-lead.ts')).handler as never;
});

beforeEach(() => {
  dynamo.reset();
  eventBridge.reset();
});

const post = (body: Record<string, unknown>): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: 'POST /leads',
  rawPath: '/leads',
  rawQueryString: '',
  headers: { 'content-type': 'application/json', 'x-leadflow-api-key': DEMO_API_KEY },
  body: JSON.stringify(body),
  isBase64Encoded: false,
  requestContext: { http: { method: 'POST', path: '/leads', sourceIp: '203.0.113.9' } } as never,
});

describe('capture-lead', () => {
  it('answers a store outage with a generic 500 problem that leaks nothing', async () => {
    dynamo
      .on(PutCommand)
      .rejects(new Error('ProvisionedThroughputExceeded at arn:aws:dynamodb:secret-table'));
    const response = await capture(post({ email: 'jane@acme.example' }), context);
    expect(response.statusCode).toBe(500);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body ?? '')).toMatchObject({ status: 500, title: 'Internal error' });
    expect(response.body).not.toMatch(/arn:|Provisioned|stack/);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('does not strand a lead when publishing fails: the retry re-publishes LeadCaptured', async () => {
    const leadId = leadIdFor('demo', 'jane@acme.example');
    dynamo.on(PutCommand).resolvesOnce({});
    eventBridge.on(PutEventsCommand).rejectsOnce(new Error('bus unavailable'));
    const first = await capture(post({ email: 'jane@acme.example' }), context);
    expect(first.statusCode).toBe(500);

    // The retry finds the lead stored, without a started lifecycle.
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    dynamo.on(UpdateCommand).resolves({
      Attributes: {
        pk: `LEAD#${leadId}`,
        sk: 'LEAD',
        leadId,
        stage: 'captured',
        profile: { email: 'jane@acme.example' },
        submissionCount: 2,
      },
    });
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    const retry = await capture(post({ email: 'jane@acme.example' }), context);
    expect(retry.statusCode).toBe(202);
    expect(JSON.parse(retry.body ?? '')).toEqual({ leadId, status: 'updated' });

    const published = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.[0]);
    expect(published).toHaveLength(2);
    const details = published.map((e) => JSON.parse(e?.Detail ?? '{}') as Record<string, never>);
    expect(details.map((d) => d.eventId)).toEqual([`${leadId}:captured`, `${leadId}:captured`]);
    expect(details[1]).toMatchObject({ leadId, data: { resubmission: true } });
  });

  it('treats a partial PutEvents failure as a failure', async () => {
    dynamo.on(PutCommand).resolves({});
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    const response = await capture(post({ email: 'partial@acme.example' }), context);
    expect(response.statusCode).toBe(500);
  });

  it('does not touch the store for invalid input', async () => {
    const response = await capture(post({ email: 'nope' }), context);
    expect(response.statusCode).toBe(400);
    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe('get-lead with the claims API Gateway passes on', () => {
  const leadId = leadIdFor('demo', 'jane@acme.example');
  const get = (claims: Record<string, string>): APIGatewayProxyEventV2WithJWTAuthorizer => ({
    version: '2.0',
    routeKey: 'GET /leads/{id}',
    rawPath: `/leads/${leadId}`,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    pathParameters: { id: leadId },
    requestContext: {
      http: { method: 'GET', path: `/leads/${leadId}`, sourceIp: '203.0.113.9' },
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: null } },
    } as never,
  });

  beforeEach(() => {
    const leadItem = {
      Item: {
        pk: `LEAD#${leadId}`,
        sk: 'LEAD',
        leadId,
        stage: 'assigned',
        profile: { email: 'jane@acme.example' },
        owner: { repId: 'anna', name: 'Anna Becker', email: 'Anna@demo.example.com' },
        waits: { firstTouch: { token: 'secret-task-token' } },
        timeline: [],
      },
    };
    dynamo.on(GetCommand).resolves(leadItem);
    // The whole timeline is read with the lead: the lead item itself, no archived entries.
    dynamo.on(QueryCommand).resolves({ Items: leadItem.Item ? [leadItem.Item] : [] });
  });

  it('reads roles rendered as "[ops rep]" (Cognito groups through the JWT authorizer)', async () => {
    const response = await getLead(
      get({ sub: 'u1', 'cognito:groups': '[rep ops]', email: 'x@demo.example.com' }),
      context,
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('secret-task-token');
  });

  it('lets the owner in whatever case the stored owner email has', async () => {
    const response = await getLead(
      get({ sub: 'u2', 'cognito:groups': '[rep]', email: 'anna@demo.example.com', email_verified: 'true' }),
      context,
    );
    expect(response.statusCode).toBe(200);
  });

  it('hides the lead from another rep and from a token without roles', async () => {
    const other = await getLead(
      get({ sub: 'u3', 'cognito:groups': '[rep]', email: 'ben@demo.example.com' }),
      context,
    );
    expect(other.statusCode).toBe(404);
    const noRoles = await getLead(get({ sub: 'u4', email: 'anna@demo.example.com' }), context);
    expect(noRoles.statusCode).toBe(404);
    const noSub = await getLead(get({ 'cognito:groups': '[ops]' }), context);
    expect(noSub.statusCode).toBe(401);
  });
});
