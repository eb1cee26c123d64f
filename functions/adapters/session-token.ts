/**
 * Verifies a bearer JWT as the API's JWT authorizer does: RS256 signature by one of the issuer's
 * keys, `iss`, `exp`/`nbf`, and an audience in `aud` (ID tokens) or `client_id` (Cognito access
 * tokens). The board needs it because a browser navigating to a page sends a cookie, never an
 * Authorization header, so the gateway cannot verify the token on those routes; the function
 * does, against exactly the issuer and audiences the authorizer is configured with.
 *
 * The stack sets AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL; the local runtime, whose issuer
 * has no URL, hands over its public keys inline (AUTH_JWKS).
 */
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';
import { ENV, requiredEnv } from '../runtime/env.ts';

export type TokenVerifier = (token: string) => Promise<JWTPayload>;

/** Thrown for any token the authorizer would refuse; the message never quotes the token. */
export class InvalidSessionToken extends Error {
  override name = 'InvalidSessionToken';
}

export interface TokenVerifierSettings {
  issuer: string;
  audiences: readonly string[];
  keys: Parameters<typeof jwtVerify>[1];
}

export function tokenVerifier(settings: TokenVerifierSettings): TokenVerifier {
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, settings.keys as never, {
        issuer: settings.issuer,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'sub'],
      }));
    } catch {
      throw new InvalidSessionToken('The token is not valid');
    }
    const audiences = [payload.aud, payload.client_id]
      .flat()
      .filter((a): a is string => typeof a === 'string');
    if (!audiences.some((a) => settings.audiences.includes(a)))
      throw new InvalidSessionToken('The token is for another audience');
    return payload;
  };
}

let cached: { key: string; verify: TokenVerifier } | undefined;

/** The verifier for the environment the function runs in (re-read when it changes, as locally). */
export function sessionTokenVerifier(): TokenVerifier {
  const issuer = requiredEnv(ENV.authIssuer);
  const audiences = requiredEnv(ENV.authAudience).split(',');
  const inline = process.env[ENV.authJwks];
  const key = `${issuer}|${audiences.join(',')}|${inline ?? requiredEnv(ENV.authJwksUrl)}`;
  if (cached?.key !== key) {
    const keys = inline
      ? createLocalJWKSet(JSON.parse(inline) as JSONWebKeySet)
      : createRemoteJWKSet(new URL(requiredEnv(ENV.authJwksUrl)));
    cached = { key, verify: tokenVerifier({ issuer, audiences, keys }) };
  }
  return cached.verify;
}
