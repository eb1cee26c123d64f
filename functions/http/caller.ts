/**
 * Who is calling. API Gateway's JWT authorizer has verified the bearer token (signature, issuer,
 * audience, expiry) before the function runs, and hands its claims over as strings: an array
 * claim such as Cognito's `cognito:groups` arrives as "[a b]", so `["Sales ops"]` and
 * `["Sales", "ops"]` look the same there. The function also receives the `authorization` header
 * with that very token, so roles are read from the token's own JSON payload (decoded only: the
 * gateway verified it; its `sub` must be the authorizer's). Only when no bearer header reached
 * the function is the rendered claim parsed, and then only if every entry is a role name.
 *
 * Roles match the names in domain/roles.ts exactly: "rep,ops", "Sales ops" or "OPS" are no role.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { isRole, type Role } from '../domain/roles.ts';
import { HttpProblem } from './problem.ts';

export interface Caller {
  subject: string;
  /** Lower-cased; only set when the issuer says it is verified. */
  verifiedEmail?: string;
  roles: Set<Role>;
}

const unauthorized = () =>
  new HttpProblem(401, 'Unauthorized', 'A valid bearer token is required.', undefined, {
    'www-authenticate': 'Bearer error="invalid_token"',
  });

/** The token in an `authorization` header, with or without the `Bearer` prefix (as the authorizer reads it). */
export function bearerToken(authorization: string | undefined): string | undefined {
  const trimmed = authorization?.trim() ?? '';
  if (trimmed === '' || /^bearer$/i.test(trimmed)) return undefined;
  return trimmed.replace(/^bearer\s+/i, '').trim() || undefined;
}

/** The JSON payload of a compact JWS, without verifying it; undefined if it is not one. */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Roles from a claim value in the token itself: an array of names, or one name as a string. */
export function rolesFromTokenClaim(value: unknown): Role[] {
  const names = Array.isArray(value) ? value : [value];
  return names.filter(isRole);
}

/**
 * Roles from the authorizer's rendering ("[ops rep]", or a plain "ops"). Entries are separated by
 * single spaces, which may also sit inside a group name, so the rendering is trusted only when
 * every entry is a role name: "[Sales ops]" grants nothing rather than guess.
 */
export function rolesFromRenderedClaim(value: unknown): Role[] {
  if (typeof value !== 'string') return [];
  const list = /^\[(.*)\]$/s.exec(value);
  if (!list) return isRole(value) ? [value] : [];
  const entries = list[1]!.split(' ');
  return entries.every(isRole) ? entries : [];
}

/** `email_verified` is a boolean in Cognito ID tokens and the string "true" in the rendered claims. */
const isVerified = (value: unknown) => value === true || value === 'true';

export function callerFrom(event: APIGatewayProxyEventV2WithJWTAuthorizer, rolesClaim: string): Caller {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  const subject = claims?.sub;
  if (typeof subject !== 'string' || subject === '') throw unauthorized();

  const token = bearerToken(event.headers?.authorization);
  let source: Record<string, unknown> = claims as Record<string, unknown>;
  let roles: Role[];
  if (token !== undefined) {
    const payload = decodeJwtPayload(token);
    // Not the token the authorizer verified (or not a token at all): trust nothing in it.
    if (!payload || payload.sub !== subject) throw unauthorized();
    source = payload;
    roles = rolesFromTokenClaim(payload[rolesClaim]);
  } else {
    roles = rolesFromRenderedClaim(claims?.[rolesClaim]);
  }
  const email = source.email;
  const verifiedEmail =
    typeof email === 'string' && email !== '' && isVerified(source.email_verified)
      ? email.toLowerCase()
      : undefined;
  return { subject, ...(verifiedEmail ? { verifiedEmail } : {}), roles: new Set(roles) };
}

/** A rep owns a lead when their verified email is the owner's, or their `sub` is the owner's rep id. */
export function ownsLead(caller: Caller, owner: { email?: string; repId?: string } | undefined): boolean {
  if (!owner || !caller.roles.has('rep')) return false;
  if (owner.repId !== undefined && owner.repId !== '' && caller.subject === owner.repId) return true;
  return caller.verifiedEmail !== undefined && owner.email?.toLowerCase() === caller.verifiedEmail;
}
