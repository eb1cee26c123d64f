/**
 * The JSON API's requests and answers: bodies and query strings parsed with zod (a failure is a
 * 400 problem with field paths), the client's idempotency key, and JSON responses.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { HttpProblem, validationProblem } from './problem.ts';
import { decodeBody } from './request-body.ts';

const MAX_API_BODY_BYTES = 64 * 1024;

export function parseJsonBody<S extends z.ZodType>(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded' | 'headers'>,
  schema: S,
  options: { optional?: boolean } = {},
): z.infer<S> {
  const empty = (event.body ?? '') === '';
  if (empty && options.optional) return parsed(schema, {});
  const { format, fields } = decodeBody(event, MAX_API_BODY_BYTES);
  if (format !== 'json')
    throw new HttpProblem(415, 'Unsupported media type', 'Send application/json.', undefined, {
      'accept-post': 'application/json',
    });
  return parsed(schema, fields);
}

export function parseQuery<S extends z.ZodType>(
  event: Pick<APIGatewayProxyEventV2, 'queryStringParameters'>,
  schema: S,
): z.infer<S> {
  return parsed(schema, event.queryStringParameters ?? {});
}

function parsed<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationProblem(result.error);
  return result.data;
}

const IdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1-200 visible ASCII characters');

/**
 * The client's key for this request (`Idempotency-Key`, else the body's `eventId`), scoped to
 * the caller so two callers' keys never meet; undefined when the client gave none.
 */
export function clientActivityId(
  event: Pick<APIGatewayProxyEventV2, 'headers'>,
  subject: string,
  bodyEventId: string | undefined,
): string | undefined {
  const header = event.headers?.['idempotency-key'];
  if (header === undefined && bodyEventId === undefined) return undefined;
  const key = IdempotencyKey.safeParse(header ?? bodyEventId);
  if (!key.success)
    throw new HttpProblem(400, 'Validation failed', 'The idempotency key is invalid.', [
      {
        path: header === undefined ? 'eventId' : 'Idempotency-Key',
        message: key.error.issues[0]?.message ?? 'invalid',
      },
    ]);
  return `api:${subject}:${key.data}`;
}

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export const LeadIdParam = z.string().regex(/^ld_[A-Za-z0-9_-]{1,64}$/);

/** The `{id}` path parameter; anything that cannot be a lead id is a 404, as an unknown lead is. */
export function leadIdOf(event: Pick<APIGatewayProxyEventV2, 'pathParameters'>): string {
  const id = LeadIdParam.safeParse(event.pathParameters?.id);
  if (!id.success) throw leadNotFound();
  return id.data;
}

export const leadNotFound = () =>
  new HttpProblem(404, 'Lead not found', 'No lead with this id that you may see.');
