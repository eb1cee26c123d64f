import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLocalIssuer } from '../../local/auth/local-issuer.ts';
import {
  type ApiGatewayEvent,
  type ApiGatewayServer,
  lambdaContext,
  startApiGatewayServer,
} from '../../local/http/api-gateway-server.ts';
import { renderClaimValue } from '../../local/http/v2-event.ts';
import { rawRequest } from './http-client.ts';

const ALLOWED_ORIGIN = 'http://localhost:3000';
const OTHER_ORIGIN = 'https://evil.example';

let tmp: string;
let server: ApiGatewayServer;
const calls: Array<{ handler: string; event: ApiGatewayEvent }> = [];
const issuer = () => createLocalIssuer({ keyDir: path.join(tmp, 'keys') });

const respond = async (handler: string): Promise<APIGatewayProxyStructuredResultV2 | string | undefined> => {
  switch (handler) {
    case 'boom':
      throw new Error('handler exploded');
    case 'plain':
      return 'hello';
    case 'nothing':
      return undefined;
    case 'object':
      // A handler returning a bare object: API Gateway serialises it as the JSON body.
      return { ok: true, items: [1, 2] } as unknown as string;
    case 'cookies':
      return {
        statusCode: 201,
        headers: { 'X-Handler': 'yes', 'Access-Control-Allow-Origin': '*', 'X-Count': 3 },
        cookies: ['a=1; Path=/', 'b=2; HttpOnly'],
        body: 'created',
      };
    case 'binary':
      return {
        statusCode: 200,
        headers: { 'content-type': 'image/png' },
        body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]).toString('base64'),
        isBase64Encoded: true,
      };
    default:
      return { statusCode: 202, headers: { 'content-type': 'application/json' }, body: '{"accepted":true}' };
  }
};

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leadflow-apigw-'));
  const staticDir = path.join(tmp, 'public');
  fs.mkdirSync(path.join(staticDir, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>home</title>');
  fs.writeFileSync(path.join(staticDir, 'thank-you.html'), '<!doctype html><title>thanks</title>');
  fs.writeFileSync(path.join(staticDir, 'style.css'), 'body{}');
  fs.writeFileSync(path.join(staticDir, 'sub', 'logo.png'), Buffer.from([0x89, 0x50]));
  fs.writeFileSync(path.join(staticDir, '.env'), 'SECRET=dotfile');
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'TOP SECRET');
  fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(staticDir, 'link.txt'));

  server = await startApiGatewayServer({
    port: 0,
    routes: [
      { method: 'POST', path: '/leads', handler: 'capture-lead', auth: 'none' },
      { method: 'GET', path: '/leads/{id}', handler: 'get-lead', auth: 'jwt' },
      { method: 'GET', path: '/leads/export', handler: 'export', auth: 'none' },
      { method: 'GET', path: '/files/{proxy+}', handler: 'files', auth: 'none' },
      { method: 'GET', path: '/boom', handler: 'boom', auth: 'none' },
      { method: 'GET', path: '/plain', handler: 'plain', auth: 'none' },
      { method: 'GET', path: '/nothing', handler: 'nothing', auth: 'none' },
      { method: 'GET', path: '/object', handler: 'object', auth: 'none' },
      { method: 'GET', path: '/cookies', handler: 'cookies', auth: 'none' },
      { method: 'GET', path: '/binary', handler: 'binary', auth: 'none' },
    ],
    invoke: async (handler, event) => {
      calls.push({ handler, event });
      return respond(handler);
    },
    cors: {
      allowOrigins: [ALLOWED_ORIGIN],
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['authorization', 'content-type'],
      maxAgeSeconds: 600,
    },
    verifyJwt: issuer().createVerifier(),
    staticDir,
    extraRoutes: [
      {
        method: 'GET',
        path: '/_local/ping',
        respond: (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('pong');
        },
      },
    ],
    maxPayloadBytes: 64 * 1024,
  });
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  calls.length = 0;
});

const lastEvent = (): ApiGatewayEvent => {
  const call = calls.at(-1);
  if (!call) throw new Error('handler was not invoked');
  return call.event;
};

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

describe('CORS', () => {
  it('answers a preflight from an allowed origin without invoking anything', async () => {
    const res = await rawRequest(server.url, {
      method: 'OPTIONS',
      path: '/leads',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(res.headers['access-control-allow-methods']).toBe('GET,POST,OPTIONS');
    expect(res.headers['access-control-allow-headers']).toBe('authorization,content-type');
    expect(res.headers['access-control-max-age']).toBe('600');
    expect(calls).toHaveLength(0);
  });

  it('gives a disallowed origin no CORS headers', async () => {
    const res = await rawRequest(server.url, {
      method: 'OPTIONS',
      path: '/leads',
      headers: { origin: OTHER_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);

    const actual = await rawRequest(server.url, { path: '/plain', headers: { origin: OTHER_ORIGIN } });
    expect(actual.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds the allow-origin header to actual responses, replacing the handler`s own', async () => {
    const res = await rawRequest(server.url, { path: '/cookies', headers: { origin: ALLOWED_ORIGIN } });
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(res.headers.vary).toBe('Origin');

    const noOrigin = await rawRequest(server.url, { path: '/cookies' });
    expect(noOrigin.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds CORS headers to gateway errors too, so browsers can read a 401', async () => {
    const res = await rawRequest(server.url, { path: '/leads/abc', headers: { origin: ALLOWED_ORIGIN } });
    expect(res.status).toBe(401);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
  });
});

describe('routing errors and response mapping', () => {
  it('answers unknown routes and other methods on a known path with 404', async () => {
    for (const [method, p] of [
      ['GET', '/nope'],
      ['DELETE', '/leads'],
      ['PUT', '/leads/abc'],
      ['POST', '/'],
    ] as const) {
      const res = await rawRequest(server.url, { method, path: p });
      expect(res.status, `${method} ${p}`).toBe(404);
      expect(res.text).toBe('{"message":"Not Found"}');
    }
    expect(calls).toHaveLength(0);
  });

  it('turns a throwing handler into API Gateway`s 500 and logs the error', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const res = await rawRequest(server.url, { path: '/boom' });
      expect(res.status).toBe(500);
      expect(res.text).toBe('{"message":"Internal Server Error"}');
      expect(log).toHaveBeenCalled();
      expect(String(log.mock.calls[0]?.[0])).toContain('GET /boom');
    } finally {
      log.mockRestore();
    }
  });

  it('maps plain results to 200 application/json', async () => {
    const plain = await rawRequest(server.url, { path: '/plain' });
    expect(plain).toMatchObject({ status: 200, text: 'hello' });
    expect(plain.headers['content-type']).toBe('application/json');

    const object = await rawRequest(server.url, { path: '/object' });
    expect(object.status).toBe(200);
    expect(JSON.parse(object.text)).toEqual({ ok: true, items: [1, 2] });

    const nothing = await rawRequest(server.url, { path: '/nothing' });
    expect(nothing).toMatchObject({ status: 200, text: 'null' });
  });

  it('maps structured results: status, headers, cookies, base64 bodies', async () => {
    const res = await rawRequest(server.url, { path: '/cookies' });
    expect(res.status).toBe(201);
    expect(res.text).toBe('created');
    expect(res.headers['x-handler']).toBe('yes');
    expect(res.headers['x-count']).toBe('3');
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);

    const binary = await rawRequest(server.url, { path: '/binary' });
    expect(binary.headers['content-type']).toBe('image/png');
    expect([...binary.body]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
  });

  it('refuses bodies over the payload limit with 413', async () => {
    const res = await rawRequest(server.url, {
      method: 'POST',
      path: '/leads',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(65 * 1024, 0x61),
    });
    expect(res.status).toBe(413);
    expect(calls).toHaveLength(0);
  });

  it('serves extra routes before API routes', async () => {
    const res = await rawRequest(server.url, { path: '/_local/ping' });
    expect(res.text).toBe('pong');
  });
});

describe('static files', () => {
  it('serves index.html at / and files with their content types', async () => {
    const home = await rawRequest(server.url, { path: '/' });
    expect(home.status).toBe(200);
    expect(home.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(home.text).toContain('<title>home</title>');

    const css = await rawRequest(server.url, { path: '/style.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');

    const png = await rawRequest(server.url, { path: '/sub/logo.png' });
    expect(png.headers['content-type']).toBe('image/png');

    const thanks = await rawRequest(server.url, { path: '/thank-you?x=1' });
    expect(thanks.text).toContain('<title>thanks</title>');
    expect(calls).toHaveLength(0);
  });

  it('never serves anything outside the directory, dotfiles or symlinks out', async () => {
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/sub/../../secret.txt',
      '/sub/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/.env',
      '/link.txt',
      '/index.html%00.png',
    ]) {
      const res = await rawRequest(server.url, { path: p });
      expect(res.status, p).toBe(404);
      expect(res.text).not.toContain('SECRET');
    }
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
