/**
 * The local JWT authorizer's 401 for crafted and malformed bearer tokens: always a 401 with the
 * fixed RFC 6750 challenge `Bearer error="invalid_token"` and a generic body, whatever the JWT
 * library says about the token (its messages can carry header bytes an attacker chose).
 */
import { describe, expect, it } from 'vitest';
import { apiGatewayServer } from './api-gateway-fixtures.ts';
import { rawRequest } from './http-client.ts';

const { server, calls, issuer } = apiGatewayServer();

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const forged = (header: Record<string, unknown>, payload: Record<string, unknown> = { sub: 'x' }) =>
  `${b64(header)}.${b64(payload)}.${Buffer.from('sig').toString('base64url')}`;

const CHALLENGE = 'Bearer error="invalid_token"';

const crafted: Array<[string, string]> = [
  ['a non-ASCII crit header', forged({ alg: 'RS256', crit: ['é€✓'], 'é€✓': 1 })],
  [
    'a crit header with CR/LF',
    forged({ alg: 'RS256', crit: ['x\r\nSet-Cookie: a=b'], 'x\r\nSet-Cookie: a=b': 1 }),
  ],
  ['a crit header with quotes and backslashes', forged({ alg: 'RS256', crit: ['a"b\\c'], 'a"b\\c': 1 })],
  ['a crit header with a NUL byte', forged({ alg: 'RS256', crit: ['a\u0000b'], 'a\u0000b': 1 })],
  ['a non-ASCII alg', forged({ alg: 'RSä256' })],
  ['alg none', forged({ alg: 'none' })],
  ['a header that is not JSON', `${Buffer.from('{é').toString('base64url')}.${b64({ sub: 'x' })}.c2ln`],
  [
    'a payload that is not JSON',
    `${b64({ alg: 'RS256' })}.${Buffer.from('ä\r\n').toString('base64url')}.c2ln`,
  ],
  ['garbage', 'garbage'],
  ['five segments', 'a.b.c.d.e'],
  ['a Basic credential', 'Basic dXNlcjpwYXNz'],
];

describe('401 for crafted tokens', () => {
  it.each(crafted)('answers %s with 401 and a fixed ASCII challenge', async (_name, token) => {
    const authorization = /^(basic|bearer) /i.test(token) ? token : `Bearer ${token}`;
    const res = await rawRequest(server.url, { path: '/leads/abc', headers: { authorization } });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(CHALLENGE);
    expect(res.text).toBe('{"message":"Unauthorized"}');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(calls).toHaveLength(0);
  });

  it('answers expired, foreign-audience and unsigned tokens with the same challenge', async () => {
    const expired = await issuer().issueToken({ role: 'ops', expiresIn: -60 });
    const res = await rawRequest(server.url, {
      path: '/leads/abc',
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(CHALLENGE);
    expect(res.text).toBe('{"message":"Unauthorized"}');
  });

  it('keeps the bare challenge when there is no token at all', async () => {
    const res = await rawRequest(server.url, { path: '/leads/abc', headers: { authorization: 'Bearer   ' } });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });
});
