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
  // The decoded text is well-formed, so only a \uD800-\uDFFF escape can make a lone surrogate.
  if (/\\u[dD][89a-fA-F]/.test(text)) replaceLoneSurrogates(parsed);
  return { format, fields: parsed };
}

/**
 * JSON can spell a lone UTF-16 surrogate (`"\ud800"`), which no UTF-8 text can carry: stored, it
 * would break every later use of the value (SES refuses to encode it, so each mail about the lead
 * fails). It becomes U+FFFD, as an invalid byte sequence in a form post does.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const wellFormed = (value: string): string => value.replace(LONE_SURROGATE, '\ufffd');

/**
 * Replaces lone surrogates in every string value of parsed JSON, in place. Iterative (a 16 KB
 * body can nest thousands deep) and by definition, not assignment (an own `__proto__` key stays
 * a plain property).
 */
function replaceLoneSurrogates(root: object): void {
  const pending: object[] = [root];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string') Object.defineProperty(node, key, { value: wellFormed(value) });
      else if (typeof value === 'object' && value !== null) pending.push(value);
    }
  }
}

/** Browsers posting a plain form ask for HTML; API clients ask for JSON (or nothing). */
export function prefersHtml(headers: APIGatewayProxyEventV2['headers']): boolean {
  const accept = (headers.accept ?? '').toLowerCase();
  return accept.includes('text/html');
}
