/** The local API Gateway: the payload 2.0 events, JWT claims and Lambda context handlers are invoked with. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createLocalIssuer } from '../../local/auth/local-issuer.ts';
import { lambdaContext } from '../../local/http/api-gateway-server.ts';
import { renderClaimValue } from '../../local/http/v2-event.ts';
import { apiGatewayServer } from './api-gateway-fixtures.ts';
import { rawRequest } from './http-client.ts';

const { server, calls, issuer, lastEvent } = apiGatewayServer();

describe('payload format 2.0 events', () => {
  it('builds a faithful event for a JSON POST', async () => {
    const body = JSON.stringify({ email: 'jane@acme.example' });
    const res = await rawRequest(server.url, {
      method: 'POST',
      path: '/leads?b=x%20y&a=1&a=2',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'vitest-agent',
        'X-Multi': ['one', 'two'],
        Cookie: 'session=abc; theme=dark',
      },
      body,
    });

    expect(res.status).toBe(202);
    expect(res.text).toBe('{"accepted":true}');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.handler).toBe('capture-lead');
    const event = lastEvent();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /leads',
      rawPath: '/leads',
      rawQueryString: 'b=x%20y&a=1&a=2',
      queryStringParameters: { a: '1,2', b: 'x y' },
      cookies: ['session=abc', 'theme=dark'],
      body,
      isBase64Encoded: false,
    });
    expect(event.pathParameters).toBeUndefined();
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers['x-multi']).toBe('one,two');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(Object.keys(event.headers).every((k) => k === k.toLowerCase())).toBe(true);

    const ctx = event.requestContext;
    expect(ctx).toMatchObject({
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      routeKey: 'POST /leads',
      stage: '$default',
      http: {
        method: 'POST',
        path: '/leads',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest-agent',
      },
    });
    expect(ctx.requestId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(res.headers['apigw-requestid']).toBe(ctx.requestId);
    expect(ctx.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(ctx.timeEpoch - Date.now())).toBeLessThan(5_000);
    expect('authorizer' in ctx).toBe(false);
  });

  it('base64-encodes a urlencoded form post, as HTTP APIs do', async () => {
    const form = 'email=jane%40acme.example&company=Acme+GmbH&consent=yes';
    await rawRequest(server.url, {
      method: 'POST',
      path: '/leads',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    const event = lastEvent();
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(Buffer.from(form).toString('base64'));
    const decoded = new URLSearchParams(Buffer.from(event.body!, 'base64').toString('utf8'));
    expect(decoded.get('company')).toBe('Acme GmbH');
  });

  it('base64-encodes binary bodies and passes text/* as text', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    await rawRequest(server.url, {
      method: 'POST',
      path: '/leads',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(lastEvent().isBase64Encoded).toBe(true);
    expect(Buffer.from(lastEvent().body!, 'base64').equals(bytes)).toBe(true);

    await rawRequest(server.url, {
      method: 'POST',
      path: '/leads',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'grüße',
    });
    expect(lastEvent()).toMatchObject({ isBase64Encoded: false, body: 'grüße' });
  });

  it('omits body for a request without one', async () => {
    await rawRequest(server.url, { method: 'GET', path: '/plain' });
    expect(lastEvent().body).toBeUndefined();
    expect(lastEvent().isBase64Encoded).toBe(false);
    expect(lastEvent().queryStringParameters).toBeUndefined();
  });

  it('matches path parameters, literal routes first, and greedy paths', async () => {
    const token = await issuer().issueToken({ role: 'rep', email: 'anna@demo.example.com' });
    await rawRequest(server.url, {
      path: '/leads/lead%20123',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(lastEvent()).toMatchObject({
      routeKey: 'GET /leads/{id}',
      rawPath: '/leads/lead 123',
      pathParameters: { id: 'lead 123' },
    });

    await rawRequest(server.url, { path: '/leads/export' });
    expect(calls.at(-1)!.handler).toBe('export');

    await rawRequest(server.url, { path: '/files/a/b/c.txt' });
    expect(lastEvent()).toMatchObject({
      routeKey: 'GET /files/{proxy+}',
      pathParameters: { proxy: 'a/b/c.txt' },
    });
  });
});

describe('JWT authorizer', () => {
  it('answers 401 without a token and does not invoke the handler', async () => {
    const res = await rawRequest(server.url, { path: '/leads/abc' });
    expect(res.status).toBe(401);
    expect(res.text).toBe('{"message":"Unauthorized"}');
    expect(res.headers['content-type']).toBe('application/json');
    expect(calls).toHaveLength(0);
  });

  it('answers 401 for a malformed token or one signed by another key', async () => {
    const bad = await rawRequest(server.url, {
      path: '/leads/abc',
      headers: { authorization: 'Bearer not-a-jwt' },
    });
    expect(bad.status).toBe(401);
    expect(bad.text).toBe('{"message":"Unauthorized"}');

    const foreignDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadflow-foreign-'));
    try {
      const foreign = await createLocalIssuer({ keyDir: foreignDir }).issueToken({ role: 'ops' });
      const res = await rawRequest(server.url, {
        path: '/leads/abc',
        headers: { authorization: `Bearer ${foreign}` },
      });
      expect(res.status).toBe(401);
      expect(res.text).toBe('{"message":"Unauthorized"}');
    } finally {
      fs.rmSync(foreignDir, { recursive: true, force: true });
    }
    expect(calls).toHaveLength(0);
  });

  it('passes claims through as API Gateway renders them (strings; arrays as "[a b]")', async () => {
    const token = await issuer().issueToken({ role: 'ops', email: 'ops@demo.example.com' });
    // The authorizer accepts the token with or without the Bearer prefix.
    const res = await rawRequest(server.url, { path: '/leads/abc', headers: { authorization: token } });
    expect(res.status).toBe(202);

    const event = lastEvent() as APIGatewayProxyEventV2WithJWTAuthorizer;
    const { claims, scopes } = event.requestContext.authorizer.jwt;
    expect(claims['cognito:groups']).toBe('[ops]');
    expect(claims.email).toBe('ops@demo.example.com');
    expect(claims.email_verified).toBe('true');
    expect(claims.iss).toBe('leadflow-local');
    expect(claims.token_use).toBe('id');
    expect(claims.exp).toMatch(/^\d{10}$/);
    expect(Object.values(claims).every((v) => typeof v === 'string')).toBe(true);
    expect(scopes).toBeNull();
    expect(event.headers.authorization).toBe(token);
  });

  it('renders claim values with Go formatting', () => {
    expect(renderClaimValue(['ops', 'rep'])).toBe('[ops rep]');
    expect(renderClaimValue([])).toBe('[]');
    expect(renderClaimValue(1_700_000_000)).toBe('1700000000');
    expect(renderClaimValue(false)).toBe('false');
    expect(renderClaimValue({ b: 1, a: 'x' })).toBe('map[a:x b:1]');
  });
});

describe('lambdaContext', () => {
  it('looks like the Node.js runtime context', async () => {
    const ctx = lambdaContext('leadflow-demo-capture-lead', { timeoutMs: 1_000 });
    expect(ctx.functionName).toBe('leadflow-demo-capture-lead');
    expect(ctx.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx.invokedFunctionArn).toMatch(
      /^arn:aws:lambda:[a-z0-9-]+:000000000000:function:leadflow-demo-capture-lead$/,
    );
    expect(ctx.logGroupName).toBe('/aws/lambda/leadflow-demo-capture-lead');
    expect(ctx.memoryLimitInMB).toBe('1024');
    const first = ctx.getRemainingTimeInMillis();
    expect(first).toBeGreaterThan(900);
    expect(first).toBeLessThanOrEqual(1_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(ctx.getRemainingTimeInMillis()).toBeLessThan(first);
    expect(lambdaContext('x').awsRequestId).not.toBe(ctx.awsRequestId);
  });
});
