/**
 * CORS the way an HTTP API with a `corsConfiguration` does it: the gateway itself answers every
 * preflight (no OPTIONS route and no handler involved) and stamps the allow-origin header on
 * actual responses. Handlers' own `Access-Control-*` headers are ignored on AWS in that case,
 * so they are dropped here as well -- a handler cannot "fix" CORS locally and break on AWS.
 */
import type { IncomingMessage } from 'node:http';

export interface CorsConfiguration {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  maxAgeSeconds?: number;
}

/** The value for `Access-Control-Allow-Origin`, or undefined when the origin is not allowed. */
export const allowedOrigin = (cors: CorsConfiguration, origin: string | undefined): string | undefined => {
  if (cors.allowOrigins.includes('*')) return '*';
  if (!origin) return undefined;
  const lower = origin.toLowerCase();
  return cors.allowOrigins.some((o) => o.toLowerCase() === lower) ? origin : undefined;
};

/**
 * Preflight response headers. A disallowed origin still gets a 204, just without any CORS
 * headers, so the browser blocks the actual request.
 */
export const preflightHeaders = (cors: CorsConfiguration, req: IncomingMessage): Record<string, string> => {
  const origin = allowedOrigin(cors, req.headers.origin);
  if (!origin) return {};
  const headers: Record<string, string> = {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': cors.allowMethods.join(','),
    'access-control-allow-headers': cors.allowHeaders.join(','),
  };
  if (cors.maxAgeSeconds !== undefined) headers['access-control-max-age'] = String(cors.maxAgeSeconds);
  if (origin !== '*') headers.vary = 'Origin';
  return headers;
};

/** Headers added to an actual (non-preflight) response. */
export const actualResponseHeaders = (
  cors: CorsConfiguration,
  req: IncomingMessage,
): Record<string, string> => {
  const origin = allowedOrigin(cors, req.headers.origin);
  if (!origin) return {};
  return origin === '*'
    ? { 'access-control-allow-origin': '*' }
    : { 'access-control-allow-origin': origin, vary: 'Origin' };
};
