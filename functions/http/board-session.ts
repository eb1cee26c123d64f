/**
 * The board's session: the same bearer token the API takes, carried by a cookie.
 *
 * Why a cookie and not fetch with an Authorization header: the board is server-rendered HTML
 * with plain forms, and a browser sends no Authorization header on a navigation or a form post.
 * So the page takes the token once (a sign-in form, or `Authorization: Bearer` from curl) and
 * keeps it in a `__Host-` cookie that is HttpOnly (no script can read it), Secure, SameSite=
 * Strict (no cross-site request carries it) and expires with the token. Nothing new is issued:
 * the cookie is the identity provider's own JWT, verified on every request against the issuer
 * and audiences the API's authorizer uses (adapters/session-token.ts), and read into a caller
 * by the API's own rules (http/caller.ts), so roles, ownership and expiry are the API's.
 *
 * A cookie is ambient authority, so every state-changing board request also needs (1) a CSRF
 * token in the form, derived from the session token (SHA-256), which a page on another origin
 * cannot read or compute, and (2) an Origin, when the browser sends one, that is this host.
 * A request authenticated by the Authorization header carries no ambient authority and needs
 * neither.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { TokenVerifier } from '../adapters/session-token.ts';
import { bearerToken, type Caller, callerFrom } from './caller.ts';
import { HttpProblem } from './problem.ts';

export const SESSION_COOKIE = '__Host-leadflow-board';

export interface BoardSession {
  caller: Caller;
  /** Where the token came from: only a cookie session needs the CSRF token. */
  via: 'cookie' | 'header';
  /** The value forms must send back as `csrf`. */
  csrf: string;
  /** The token's expiry (epoch seconds). */
  expiresAt: number;
}

export const unauthorized = (detail = 'Sign in with a valid token.') =>
  new HttpProblem(401, 'Unauthorized', detail);

/** The session cookie's value, if the request carries one. */
export function sessionCookie(
  event: Pick<APIGatewayProxyEventV2, 'cookies' | 'headers'>,
): string | undefined {
  const pairs = event.cookies ?? (event.headers?.cookie ?? '').split(';');
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === SESSION_COOKIE) return pair.slice(at + 1).trim() || undefined;
  }
  return undefined;
}

export const csrfTokenFor = (token: string) =>
  createHash('sha256').update(`leadflow-board-csrf\0${token}`).digest('base64url');

/**
 * The caller of a board request, from the Authorization header (curl) or the session cookie
 * (browser), verified as the authorizer would; 401 without a valid token.
 */
export async function boardSession(
  event: APIGatewayProxyEventV2,
  verify: TokenVerifier,
  rolesClaim: string,
): Promise<BoardSession> {
  const header = bearerToken(event.headers?.authorization);
  const token = header ?? sessionCookie(event);
  if (!token) throw unauthorized();
  const payload = await verify(token).catch(() => {
    throw unauthorized('Your sign-in is not valid or has expired. Sign in again.');
  });
  const verified = {
    ...event,
    headers: { ...event.headers, authorization: `Bearer ${token}` },
    requestContext: {
      ...event.requestContext,
      authorizer: { jwt: { claims: payload as Record<string, string>, scopes: [] } },
    },
  };
  const caller = callerFrom(verified as never, rolesClaim);
  return {
    caller,
    via: header ? 'header' : 'cookie',
    csrf: csrfTokenFor(token),
    expiresAt: payload.exp ?? 0,
  };
}

/** An Origin the browser sent that is not this host: a cross-site request. */
export function crossOrigin(event: Pick<APIGatewayProxyEventV2, 'headers'>): boolean {
  if (event.headers?.['sec-fetch-site'] === 'cross-site') return true;
  const origin = event.headers?.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host.toLowerCase() !== (event.headers?.host ?? '').toLowerCase();
  } catch {
    return true;
  }
}

/** Refuses a state-changing request a cookie session cannot vouch for (see the module comment). */
export function assertSameSite(session: BoardSession, event: APIGatewayProxyEventV2, csrf: unknown): void {
  if (session.via === 'header') return;
  if (crossOrigin(event))
    throw new HttpProblem(403, 'Forbidden', 'Board actions are only accepted from the board itself.');
  const expected = Buffer.from(session.csrf);
  const given = Buffer.from(typeof csrf === 'string' ? csrf : '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new HttpProblem(403, 'Forbidden', 'The form has expired. Reload the board and try again.');
}

/**
 * Sets the session cookie for as long as the token is valid. `wallClockMs` is real time, not the
 * unit's clock: token expiry is checked against real time (as the authorizer does).
 */
export function sessionCookieHeader(token: string, expiresAt: number, wallClockMs: number): string {
  const maxAge = Math.max(0, Math.floor(expiresAt - wallClockMs / 1000));
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Strict`;
}

export const clearedSessionCookie = () =>
  `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
