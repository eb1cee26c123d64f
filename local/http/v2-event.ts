/**
 * Builds API Gateway HTTP API payload format 2.0 events from a Node request.
 *
 * The point of the local runtime is that the handlers cannot tell it apart from AWS, so every
 * quirk a handler may trip over on AWS is reproduced here on purpose (base64 bodies for form
 * posts, stringified claims, `scopes: null`, cookies split out of the headers...).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import type { RouteMatch } from './routes.ts';

export const LOCAL_API_ID = 'local';
export const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * Content types API Gateway hands to Lambda as UTF-8 text. Verified against real HTTP APIs
 * (see ministackorg/ministack#766, brefphp/bref#631): only `text/*`, JSON, XML and JavaScript
 * arrive as text. Everything else is base64 with `isBase64Encoded: true` -- including
 * `application/x-www-form-urlencoded` (so a plain HTML form post arrives base64-encoded!),
 * `multipart/form-data` and a request without any Content-Type.
 */
export const isTextContentType = (contentType: string | undefined): boolean => {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    mediaType.startsWith('text/') ||
    mediaType === 'application/json' ||
    mediaType === 'application/xml' ||
    mediaType === 'application/javascript'
  );
};

/**
 * HTTP APIs decode every percent-escape in `rawPath` except `%25` (so `a%252Eb` stays `a%252Eb`
 * rather than becoming the ambiguous `a%2Eb`). Invalid UTF-8 sequences are left as they were.
 */
export const decodeRawPath = (encodedPath: string): string =>
  encodedPath.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) =>
    run
      .split(/(%25)/i)
      .map((chunk) => {
        if (chunk.toLowerCase() === '%25' || chunk === '') return chunk;
        try {
          return decodeURIComponent(chunk);
        } catch {
          return chunk;
        }
      })
      .join(''),
  );

/**
 * Request headers as API Gateway passes them: lower-case names, repeated headers joined by
 * commas, and the `cookie` header moved out into `cookies`.
 */
export const collectHeaders = (
  rawHeaders: string[],
): { headers: Record<string, string>; cookies: string[] } => {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter((c) => c !== ''),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
};

/** Query parameters decoded, repeated keys joined by commas (format 2.0 has no multi-value map). */
export const parseQueryString = (rawQueryString: string): Record<string, string> | undefined => {
  if (rawQueryString === '') return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    out[key] = key in out ? `${out[key]},${value}` : value;
  }
  return out;
};

/**
 * Renders a claim value the way the HTTP API JWT authorizer does. It hands claims to Lambda as a
 * flat map of strings, formatted with Go's `fmt`: `"cognito:groups": ["ops", "rep"]` arrives as
 * the string `"[ops rep]"` (brackets, space-separated, no quotes), numbers as `"1700000000"`,
 * booleans as `"true"`. Nested objects are rendered Go-map style (`map[k:v]`). Handlers must parse
 * role claims from this format -- an array never reaches them on AWS.
 */
export const renderClaimValue = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(renderClaimValue).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `map[${entries.map(([k, v]) => `${k}:${renderClaimValue(v)}`).join(' ')}]`;
  }
  return String(value);
};

export const renderClaims = (payload: JWTPayload): Record<string, string> =>
  Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, renderClaimValue(v)]));

/** `scope` (space-separated, OAuth access tokens) becomes `scopes`; ID tokens have none, which AWS sends as null. */
export const scopesOf = (payload: JWTPayload): string[] | null => {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(' ').filter((s) => s !== '');
  if (Array.isArray(raw)) return raw.map(String);
  return null;
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.time` uses the CLF format: `12/Mar/2020:19:03:58 +0000`. */
export const formatRequestTime = (date: Date): string => {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
};

/** API Gateway request ids look like `JKJaXmPLvHcESHA=`. */
export const newRequestId = (): string => randomBytes(11).toString('base64');

const traceId = (epochMs: number): string =>
  `Root=1-${Math.floor(epochMs / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

const sourceIpOf = (req: IncomingMessage): string =>
  (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

export interface BuildEventInput {
  req: IncomingMessage;
  match: RouteMatch;
  body: Buffer;
  requestId: string;
  /** Verified token payload for `jwt` routes. */
  jwt?: JWTPayload;
  now?: Date;
}

export const buildV2Event = ({
  req,
  match,
  body,
  requestId,
  jwt,
  now = new Date(),
}: BuildEventInput): APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer => {
  const url = req.url ?? '/';
  const queryIndex = url.indexOf('?');
  const encodedPath = queryIndex === -1 ? url : url.slice(0, queryIndex);
  const rawQueryString = queryIndex === -1 ? '' : url.slice(queryIndex + 1);
  const rawPath = decodeRawPath(encodedPath);
  const { headers, cookies } = collectHeaders(req.rawHeaders);
  const sourceIp = sourceIpOf(req);
  // The API's host name without the port, as on AWS (`abc123.execute-api.eu-central-1.amazonaws.com`).
  const domainName = (headers.host ?? 'localhost').replace(/:\d+$/, '');

  // Headers API Gateway adds on the way to the integration.
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${sourceIp}`
    : sourceIp;
  headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] = traceId(now.getTime());

  const requestContext = {
    accountId: LOCAL_ACCOUNT_ID,
    apiId: LOCAL_API_ID,
    domainName,
    domainPrefix: domainName.split('.')[0] ?? domainName,
    http: {
      method: (req.method ?? 'GET').toUpperCase(),
      path: rawPath,
      protocol: `HTTP/${req.httpVersion}`,
      sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId,
    routeKey: match.routeKey,
    stage: '$default',
    time: formatRequestTime(now),
    timeEpoch: now.getTime(),
  };

  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath,
    rawQueryString,
    headers,
    requestContext,
    isBase64Encoded: false,
  };
  if (cookies.length > 0) event.cookies = cookies;
  const queryStringParameters = parseQueryString(rawQueryString);
  if (queryStringParameters) event.queryStringParameters = queryStringParameters;
  if (Object.keys(match.pathParameters).length > 0) event.pathParameters = match.pathParameters;
  if (body.length > 0) {
    const text = isTextContentType(headers['content-type']);
    event.body = text ? body.toString('utf8') : body.toString('base64');
    event.isBase64Encoded = !text;
  }

  if (!jwt) return event;
  const withAuthorizer: APIGatewayProxyEventV2WithJWTAuthorizer = {
    ...event,
    requestContext: {
      ...requestContext,
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: renderClaims(jwt), scopes: scopesOf(jwt) },
      },
    },
  };
  return withAuthorizer;
};
