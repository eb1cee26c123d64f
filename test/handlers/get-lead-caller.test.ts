/**
 * GET /leads/{id} as Lambda runs it behind the real JWT authorizer (store mocked): roles come from
 * the verified bearer token's own JSON (the authorizer renders `["Sales ops"]` and
 * `["Sales", "ops"]` alike as "[Sales ops]"), matched by exact name; a rep sees a lead they own by
 * verified email or by rep id.
 */
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import demo from '../../config/business-units/demo.ts';
import { BusinessUnitConfig } from '../../config/schema.ts';
import { leadIdFor } from '../../functions/domain/capture.ts';
import { useUnitConfig } from '../../functions/runtime/unit-config.ts';
import { renderClaims } from '../../local/http/v2-event.ts';

type Handler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const dynamo = mockClient(DynamoDBDocumentClient);
let getLead: Handler;
const context = { functionName: 'leadflow-get-lead', awsRequestId: 'req-1' } as unknown as Context;
const leadId = leadIdFor('demo', 'jane@acme.example');

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    TABLE_NAME: 'leadflow-demo',
    EVENT_BUS_NAME: 'leadflow-demo',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  useUnitConfig(BusinessUnitConfig.parse(demo));
  getLead = (await import('../../functions/handlers/get-lead.ts')).handler as never;
});

beforeEach(() => {
  dynamo.reset();
  const leadItem = {
    Item: {
      pk: `LEAD#${leadId}`,
      sk: 'LEAD',
      leadId,
      stage: 'assigned',
      profile: { email: 'jane@acme.example' },
      owner: { repId: 'anna', name: 'Anna Becker', email: 'Anna@demo.example.com' },
      timeline: [],
    },
  };
  dynamo.on(GetCommand).resolves(leadItem);
  // The whole timeline is read with the lead: the lead item itself, no archived entries.
  dynamo.on(QueryCommand).resolves({ Items: leadItem.Item ? [leadItem.Item] : [] });
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A token as the authorizer saw it; the signature does not matter here, the authorizer checked it. */
const jwt = (payload: Record<string, unknown>) => `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(payload)}.c2ln`;

/** The event the authorizer hands over for this payload: claims rendered, the header passed on. */
const eventFor = (
  payload: Record<string, unknown>,
  options: { authorization?: string | null; claims?: Record<string, string> } = {},
): APIGatewayProxyEventV2WithJWTAuthorizer => ({
  version: '2.0',
  routeKey: 'GET /leads/{id}',
  rawPath: `/leads/${leadId}`,
  rawQueryString: '',
  headers:
    options.authorization === null
      ? {}
      : { authorization: options.authorization ?? `Bearer ${jwt(payload)}` },
  isBase64Encoded: false,
  pathParameters: { id: leadId },
  requestContext: {
    http: { method: 'GET', path: `/leads/${leadId}`, sourceIp: '203.0.113.9' },
    authorizer: {
      principalId: '',
      integrationLatency: 0,
      jwt: { claims: options.claims ?? renderClaims(payload as never), scopes: null },
    },
  } as never,
});

const status = async (event: APIGatewayProxyEventV2WithJWTAuthorizer) =>
  (await getLead(event, context)).statusCode;

const rep = { sub: 'u-ben', email: 'ben@demo.example.com', email_verified: true, 'cognito:groups': ['rep'] };

describe('roles from the verified token', () => {
  it('ops sees the lead; a group that merely contains "ops" grants nothing', async () => {
    expect(await status(eventFor({ sub: 'u1', 'cognito:groups': ['ops'] }))).toBe(200);
    for (const groups of [
      ['rep,ops'],
      ['Sales ops'],
      ['ops '],
      ['Ops'],
      ['ops rep'],
      [['ops']],
      [1],
      'rep,ops',
    ]) {
      expect(await status(eventFor({ sub: 'u1', 'cognito:groups': groups }))).toBe(404);
    }
  });

  it('takes a string claim (an external issuer) as one role name, exactly', async () => {
    expect(await status(eventFor({ sub: 'u1', 'cognito:groups': 'ops' }))).toBe(200);
    expect(await status(eventFor({ sub: 'u1', 'cognito:groups': 'ops rep' }))).toBe(404);
  });

  it('a group "Sales ops" next to "rep" leaves a rep, who does not own the lead', async () => {
    expect(await status(eventFor({ ...rep, 'cognito:groups': ['rep', 'Sales ops'] }))).toBe(404);
  });

  it('refuses (401) a header token that is not the one the authorizer verified', async () => {
    const claims = renderClaims({ sub: 'u1', 'cognito:groups': ['rep'] });
    const other = jwt({ sub: 'someone-else', 'cognito:groups': ['ops'] });
    expect(await status(eventFor({}, { claims, authorization: `Bearer ${other}` }))).toBe(401);
    const noSub = jwt({ 'cognito:groups': ['ops'] });
    expect(await status(eventFor({}, { claims, authorization: `Bearer ${noSub}` }))).toBe(401);
  });

  it.each([
    ['not a JWT', 'Bearer garbage'],
    [
      'a payload that is not JSON',
      `Bearer ${b64({ alg: 'RS256' })}.${Buffer.from('{x').toString('base64url')}.c2ln`,
    ],
    ['a payload that is an array', `Bearer ${b64({ alg: 'RS256' })}.${b64(['ops'])}.c2ln`],
    ['two tokens joined', `Bearer ${jwt({ sub: 'u1' })},Bearer ${jwt({ sub: 'u1' })}`],
  ])('refuses (401) %s in the authorization header', async (_name, authorization) => {
    const claims = renderClaims({ sub: 'u1', 'cognito:groups': ['ops'] });
    expect(await status(eventFor({}, { claims, authorization }))).toBe(401);
  });

  it('accepts the token without the Bearer prefix, as the authorizer does', async () => {
    const payload = { sub: 'u1', 'cognito:groups': ['ops'] };
    expect(await status(eventFor(payload, { authorization: jwt(payload) }))).toBe(200);
  });
});

describe('the rendered claim, when no bearer header reached the function', () => {
  const claimsOnly = (claims: Record<string, string>) => eventFor({}, { claims, authorization: null });

  it('reads "[ops]" and "[rep ops]" (every entry a role name)', async () => {
    expect(await status(claimsOnly({ sub: 'u1', 'cognito:groups': '[ops]' }))).toBe(200);
    expect(await status(claimsOnly({ sub: 'u1', 'cognito:groups': '[rep ops]' }))).toBe(200);
  });

  it('grants nothing when the rendering is ambiguous or not a role list', async () => {
    for (const rendered of ['[Sales ops]', '[rep,ops]', 'rep,ops', '[ops', '["ops"]', '[]', '', 'Ops']) {
      expect(await status(claimsOnly({ sub: 'u1', 'cognito:groups': rendered }))).toBe(404);
    }
  });
});

describe('ownership', () => {
  const anna = { sub: 'u-anna', email: 'anna@demo.example.com', 'cognito:groups': ['rep'] };

  it('a verified email equal to the owner email (any case), boolean or Cognito string', async () => {
    expect(await status(eventFor({ ...anna, email_verified: true }))).toBe(200);
    expect(await status(eventFor({ ...anna, email: 'ANNA@demo.example.com', email_verified: 'true' }))).toBe(
      200,
    );
  });

  it('not an unverified or unproven email', async () => {
    for (const verified of [false, 'false', undefined, 1, 'TRUE', 'yes']) {
      expect(await status(eventFor({ ...anna, email_verified: verified }))).toBe(404);
    }
  });

  it("a sub equal to the owner's rep id", async () => {
    expect(await status(eventFor({ sub: 'anna', email: 'x@mail.example', 'cognito:groups': ['rep'] }))).toBe(
      200,
    );
    expect(await status(eventFor({ sub: 'Anna', 'cognito:groups': ['rep'] }))).toBe(404);
  });

  it('a role-less token is 404 even for the owner; no sub is 401', async () => {
    expect(await status(eventFor({ ...anna, email_verified: true, 'cognito:groups': [] }))).toBe(404);
    expect(await status(eventFor({ sub: 'anna' }))).toBe(404);
    expect(await status(eventFor({ 'cognito:groups': ['ops'] }, { authorization: null }))).toBe(401);
  });
});
