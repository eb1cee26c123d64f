/** The local API Gateway: CORS, routing errors, how handler results become responses, and static files. */
import { describe, expect, it, vi } from 'vitest';
import { ALLOWED_ORIGIN, apiGatewayServer, OTHER_ORIGIN } from './api-gateway-fixtures.ts';
import { rawRequest } from './http-client.ts';

const { server, calls } = apiGatewayServer();

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
