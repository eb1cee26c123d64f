/**
 * Shared set-up for the local API Gateway tests (api-gateway-server-*.test.ts): one server per
 * test file over a temporary static directory, with handlers that record how they were invoked.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createLocalIssuer } from '../../local/auth/local-issuer.ts';
import {
  type ApiGatewayEvent,
  type ApiGatewayServer,
  startApiGatewayServer,
} from '../../local/http/api-gateway-server.ts';

export const ALLOWED_ORIGIN = 'http://localhost:3000';
export const OTHER_ORIGIN = 'https://evil.example';

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

/**
 * Starts the server for the calling test file (registered as beforeAll/afterAll; the recorded
 * calls are cleared before each test) and returns `server`, which forwards to it.
 */
export function apiGatewayServer() {
  let tmp: string;
  let current: ApiGatewayServer | undefined;
  const calls: Array<{ handler: string; event: ApiGatewayEvent }> = [];
  const issuer = () => createLocalIssuer({ keyDir: path.join(tmp, 'keys') });

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

    current = await startApiGatewayServer({
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
    await current?.close();
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

  const server = new Proxy({} as ApiGatewayServer, {
    get(_target, property) {
      if (!current) throw new Error('The server exists only inside a test');
      return current[property as keyof ApiGatewayServer];
    },
  });

  return { server, calls, issuer, lastEvent };
}
