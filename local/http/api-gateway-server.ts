/**
 * A local stand-in for the API Gateway HTTP API in front of the Lambda handlers.
 *
 * It runs the same handler modules as AWS (through `invoke`), so it reproduces what the
 * gateway does around them -- route matching with 404s, the JWT authorizer's 401s, CORS,
 * payload format 2.0 events and response mapping -- rather than offering a friendlier API.
 * Whatever works against this server should work unchanged behind the real gateway.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { JWTPayload } from 'jose';
import { actualResponseHeaders, type CorsConfiguration, preflightHeaders } from './cors.ts';
import { createRouter, type RouteDefinition } from './routes.ts';
import { loadStaticFile } from './static-files.ts';
import { buildV2Event, newRequestId } from './v2-event.ts';
import { type GatewayResponse, jsonMessage, toGatewayResponse } from './v2-response.ts';

export type { CorsConfiguration } from './cors.ts';
export { type LambdaContextOptions, lambdaContext } from './lambda-context.ts';
export type { RouteDefinition } from './routes.ts';

/** API Gateway's request payload limit for HTTP APIs. */
export const API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export type ApiGatewayEvent = APIGatewayProxyEventV2WithJWTAuthorizer | APIGatewayProxyEventV2;

export interface ExtraRoute {
  method: string;
  /** Exact path (no parameters), e.g. `/_local/outbox`. */
  path: string;
  respond: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

export interface ApiGatewayServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  routes: RouteDefinition[];
  invoke: (
    handler: string,
    event: ApiGatewayEvent,
  ) => Promise<APIGatewayProxyStructuredResultV2 | string | undefined>;
  cors: CorsConfiguration;
  /** Rejects (throws) for a token the JWT authorizer would refuse: bad signature, issuer, audience, expiry. */
  verifyJwt: (token: string) => Promise<JWTPayload>;
  /** Serves `GET /` (index.html) and `GET /<file>` for paths no route claims. */
  staticDir?: string;
  /** Local-only endpoints (outbox viewer, JWKS...), matched before the API routes. */
  extraRoutes?: ExtraRoute[];
  /** Called with the server's URL once it listens, before `startApiGatewayServer` resolves. */
  onListening?: (url: string) => void;
  maxPayloadBytes?: number;
}

export interface ApiGatewayServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The JWT authorizer reads `Authorization`, with or without the `Bearer ` prefix. Returns
 * undefined when there is nothing that could be a token.
 */
export const bearerToken = (authorization: string | undefined): string | undefined => {
  if (!authorization) return undefined;
  const trimmed = authorization.trim();
  // The scheme alone ("Bearer", or "Bearer " trimmed by Node) carries no token.
  if (/^bearer$/i.test(trimmed)) return undefined;
  const token = /^bearer\s+/i.test(trimmed) ? trimmed.replace(/^bearer\s+/i, '').trim() : trimmed;
  return token === '' ? undefined : token;
};

/** RFC 6750 section 3.1: a token was sent and is malformed, expired, revoked or not ours. */
export const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

type BodyResult = { ok: true; body: Buffer } | { ok: false };

/** Reads the request body, refusing (but draining) anything over the limit. */
const readBody = (req: IncomingMessage, limit: number): Promise<BodyResult> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? { ok: false } : { ok: true, body: Buffer.concat(chunks) }));
    req.on('error', reject);
  });

const send = (
  res: ServerResponse,
  response: GatewayResponse,
  extraHeaders: Record<string, string>,
  headOnly = false,
): void => {
  res.statusCode = response.statusCode;
  for (const [name, value] of Object.entries({ ...response.headers, ...extraHeaders })) {
    res.setHeader(name, value);
  }
  res.setHeader('content-length', String(response.body.length));
  res.end(headOnly ? undefined : response.body);
};

/** Drops handler-set CORS headers: with a CORS configuration API Gateway ignores them. */
const withoutCorsHeaders = (response: GatewayResponse): GatewayResponse => ({
  ...response,
  headers: Object.fromEntries(
    Object.entries(response.headers).filter(([name]) => !name.startsWith('access-control-')),
  ),
});

const pathOf = (url: string): string => {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
};

export const startApiGatewayServer = async (options: ApiGatewayServerOptions): Promise<ApiGatewayServer> => {
  const router = createRouter(options.routes);
  const maxPayloadBytes = options.maxPayloadBytes ?? API_GATEWAY_MAX_PAYLOAD_BYTES;
  const extraRoutes = options.extraRoutes ?? [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = newRequestId();
    const method = (req.method ?? 'GET').toUpperCase();
    const path = pathOf(req.url ?? '/');
    const gatewayHeaders = { 'apigw-requestid': requestId, ...actualResponseHeaders(options.cors, req) };

    // With a CORS configuration the gateway answers every preflight itself, for any path.
    if (method === 'OPTIONS') {
      req.resume();
      res.writeHead(204, { 'apigw-requestid': requestId, ...preflightHeaders(options.cors, req) });
      res.end();
      return;
    }

    const extra = extraRoutes.find((r) => r.method.toUpperCase() === method && r.path === path);
    if (extra) {
      await extra.respond(req, res);
      return;
    }

    const match = router.match(method, path);
    if (!match) {
      if (options.staticDir && (method === 'GET' || method === 'HEAD')) {
        const file = await loadStaticFile(options.staticDir, path);
        if (file) {
          req.resume();
          const response = {
            statusCode: 200,
            headers: { 'content-type': file.contentType },
            body: file.body,
          };
          send(res, response, {}, method === 'HEAD');
          return;
        }
      }
      // HTTP APIs answer an unmatched route -- also a known path with another method -- with 404.
      req.resume();
      send(res, jsonMessage(404, 'Not Found'), gatewayHeaders);
      return;
    }

    let claims: JWTPayload | undefined;
    if (match.route.auth === 'jwt') {
      const token = bearerToken(req.headers.authorization);
      try {
        if (!token) throw new Error('missing token');
        claims = await options.verifyJwt(token);
      } catch {
        req.resume();
        // The JWT authorizer rejects before the integration runs; the body is exactly this. The
        // challenge is fixed (RFC 6750): the library's reason can quote header bytes the caller
        // chose (a crafted `crit` name), which must reach neither the client nor a header value.
        const header = token ? INVALID_TOKEN_CHALLENGE : 'Bearer';
        send(res, jsonMessage(401, 'Unauthorized'), { ...gatewayHeaders, 'www-authenticate': header });
        return;
      }
    }

    const declaredLength = Number(req.headers['content-length'] ?? 0);
    if (declaredLength > maxPayloadBytes) {
      send(res, jsonMessage(413, 'Request Entity Too Large'), { ...gatewayHeaders, connection: 'close' });
      req.destroy();
      return;
    }
    const body = await readBody(req, maxPayloadBytes);
    if (!body.ok) {
      send(res, jsonMessage(413, 'Request Entity Too Large'), gatewayHeaders);
      return;
    }

    const event = buildV2Event({
      req,
      match,
      body: body.body,
      requestId,
      ...(claims ? { jwt: claims } : {}),
    });
    let response: GatewayResponse;
    try {
      response = withoutCorsHeaders(toGatewayResponse(await options.invoke(match.route.handler, event)));
    } catch (error) {
      // A failed invocation surfaces to clients only as API Gateway's generic 500.
      console.error(
        `[api-gateway] ${match.routeKey} (${match.route.handler}) failed, requestId ${requestId}:`,
        error,
      );
      response = jsonMessage(500, 'Internal Server Error');
    }
    send(res, response, gatewayHeaders, method === 'HEAD');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[api-gateway] unexpected error:', error);
      if (!res.headersSent) send(res, jsonMessage(500, 'Internal Server Error'), {});
      else res.destroy();
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  options.onListening?.(url);

  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (browsers, fetch) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
};
