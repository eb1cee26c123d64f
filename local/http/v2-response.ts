/**
 * Turns what a handler returned into the HTTP response API Gateway (payload format 2.0) sends.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface GatewayResponse {
  statusCode: number;
  /** Lower-case header names; `set-cookie` may hold several values. */
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export const jsonMessage = (statusCode: number, message: string): GatewayResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ message })),
});

const isStructured = (value: unknown): value is APIGatewayProxyStructuredResultV2 =>
  typeof value === 'object' && value !== null && 'statusCode' in value;

/**
 * Format 2.0 rules: a result with `statusCode` is taken as a structured response. Anything else
 * is "the function's response": status 200, `content-type: application/json`, and the body is a
 * string result as-is or the JSON serialisation of anything else (a handler returning nothing
 * yields the Lambda payload `null`).
 */
export const toGatewayResponse = (result: unknown): GatewayResponse => {
  if (!isStructured(result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }

  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    headers[name.toLowerCase()] = String(value);
  }
  // Format 2.0 has no `multiValueHeaders`; API Gateway silently ignores it. Ignoring it here too
  // (loudly) keeps a handler from working locally and losing headers on AWS.
  if ('multiValueHeaders' in result && result.multiValueHeaders) {
    console.warn(
      '[api-gateway] ignoring multiValueHeaders: payload format 2.0 does not support them (use headers/cookies)',
    );
  }
  // Each entry of `cookies` becomes its own Set-Cookie header.
  if (result.cookies && result.cookies.length > 0) {
    const existing = headers['set-cookie'];
    headers['set-cookie'] = [...(existing === undefined ? [] : [existing].flat()), ...result.cookies];
  }
  const rawBody = result.body ?? '';
  const body = result.isBase64Encoded ? Buffer.from(rawBody, 'base64') : Buffer.from(rawBody, 'utf8');
  return { statusCode: result.statusCode ?? 200, headers, body };
};
