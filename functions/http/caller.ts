/**
 * Who is calling, from the JWT authorizer's claims. API Gateway HTTP APIs hand claims to the
 * function as strings, rendering an array claim such as Cognito's `cognito:groups` as
 * "[ops rep]"; the local runtime reproduces that, so this one parser serves both.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { isRole, type Role } from '../domain/roles.ts';
import { HttpProblem } from './problem.ts';

export interface Caller {
  subject: string;
  email?: string;
  roles: Set<Role>;
}

export function parseClaimList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  const inner = value.trim().replace(/^\[(.*)\]$/s, '$1');
  return inner
    .split(/[\s,]+/)
    .map((s) => s.replace(/^"|"$/g, ''))
    .filter(Boolean);
}

export function callerFrom(event: APIGatewayProxyEventV2WithJWTAuthorizer, rolesClaim: string): Caller {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims?.sub) {
    throw new HttpProblem(401, 'Unauthorized', 'A valid bearer token is required.', undefined, {
      'www-authenticate': 'Bearer',
    });
  }
  const roles = new Set(parseClaimList(claims[rolesClaim]).filter(isRole));
  const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : undefined;
  return { subject: String(claims.sub), email, roles };
}

export function requireAnyRole(caller: Caller, ...roles: Role[]): void {
  if (!roles.some((r) => caller.roles.has(r))) {
    throw new HttpProblem(403, 'Forbidden', `This needs one of the roles: ${roles.join(', ')}.`);
  }
}
