/**
 * Turns an HTTP API event body into a plain object, enforcing the content types and size
 * limit the capture endpoint documents. Each failure is a precise 4xx, never a 5xx.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpProblem } from './problem.ts';

export type BodyFormat = 'json' | 'form';

export function mediaType(headers: APIGatewayProxyEventV2['headers']): string {
  return (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

export function decodeBody(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded' | 'headers'>,
  maxBytes: number,
): { format: BodyFormat; fields: unknown } {
  const type = mediaType(event.headers);
  const format: BodyFormat | undefined =
    type === 'application/json' || type.endsWith('+json')
      ? 'json'
      : type === 'application/x-www-form-urlencoded'
        ? 'form'
        : undefined;
  if (!format) {
    throw new HttpProblem(
      415,
      'Unsupported media type',
      `Send application/json or application/x-www-form-urlencoded (UTF-8), not ${type || 'an unlabelled body'}.`,
      undefined,
      { 'accept-post': 'application/json, application/x-www-form-urlencoded' },
    );
  }
  const bytes = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.byteLength > maxBytes) {
    throw new HttpProblem(
      413,
      'Payload too large',
      `The body is ${bytes.byteLength} bytes; the limit is ${maxBytes} bytes.`,
    );
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (format === 'form') {
    const fields: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(text)) fields[key] = value;
    return { format, fields };
  }
  if (text.trim() === '')
    throw new HttpProblem(400, 'Malformed JSON', 'The body is empty; send a JSON object.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HttpProblem(400, 'Malformed JSON', `The body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpProblem(400, 'Malformed JSON', 'The body must be a JSON object.');
  }
  return { format, fields: parsed };
}

/** Browsers posting a plain form ask for HTML; API clients ask for JSON (or nothing). */
export function prefersHtml(headers: APIGatewayProxyEventV2['headers']): boolean {
  const accept = (headers.accept ?? '').toLowerCase();
  return accept.includes('text/html');
}
