/**
 * Fuzz properties over the public HTTP surface of a running local runtime: POST /leads with any
 * JSON, any form body, any content type and headers; GET /leads/{id} with any id and any token.
 *
 * Invariants for every answer:
 * - never a 5xx;
 * - a 4xx from the function is application/problem+json with the RFC 9457 fields (`type`,
 *   `title`, `status` equal to the HTTP status, `detail` a string if present), or an HTML page
 *   for a browser posting a form; the only other 4xx are API Gateway's own fixed answers, which
 *   no integration can change on AWS: the JWT authorizer's 401 `{"message":"Unauthorized"}`
 *   (with the fixed `Bearer` challenge) and 404 `{"message":"Not Found"}` for a path no route has;
 * - a success is the documented one (202 + lead id, 303 to an allowlisted page, 200 + the lead),
 *   and a lead taken in is worked: its lifecycle runs (a minute of virtual time per accepted
 *   case) without ending in RecordFailure.
 *
 * The runner (http-surface.test.ts) adds: no unhandled rejection or uncaught exception in the
 * process during the run, and `/health` answers 200 afterwards.
 */
import http from 'node:http';
import fc from 'fast-check';
import type { ExecutionRecord } from '../../local/runtime/local-step-functions.ts';
import type { Harness } from '../support/local-harness.ts';
import { type FuzzRequest, formBody, jsonBody, shortHostileString } from './arbitraries.ts';
import { contentType, extraHeaders, forgedToken, leadPath } from './header-arbitraries.ts';

export interface FuzzResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface FuzzStats {
  cases: number;
  fiveXx: number;
  byStatus: Record<number, number>;
}

export const newStats = (): FuzzStats => ({ cases: 0, fiveXx: 0, byStatus: {} });

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** A raw request (no fetch normalisation), over keep-alive connections. */
export function send(baseUrl: string, request: FuzzRequest): Promise<FuzzResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: request.headers,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

export const closeConnections = () => agent.destroy();

const GATEWAY_ANSWERS = new Map([
  [401, '{"message":"Unauthorized"}'],
  [404, '{"message":"Not Found"}'],
]);

/** Why this answer breaks an invariant, or undefined. */
export function violation(
  request: FuzzRequest,
  response: FuzzResponse,
  thankYouUrls: string[],
): string | undefined {
  const { status, headers, text } = response;
  const type = String(headers['content-type'] ?? '');
  if (status >= 500) return `${status} ${text.slice(0, 300)}`;
  const path = request.path.split('?')[0]!;
  const isCapture = request.method === 'POST' && path === '/leads';
  if (status >= 400) {
    if (type === 'application/problem+json') {
      let problem: Record<string, unknown>;
      try {
        problem = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return `problem+json that is not JSON: ${text.slice(0, 200)}`;
      }
      if (typeof problem.type !== 'string' || typeof problem.title !== 'string')
        return `no type/title: ${text}`;
      if (problem.status !== status) return `problem status ${String(problem.status)} on a ${status}`;
      if (problem.detail !== undefined && typeof problem.detail !== 'string')
        return `detail not a string: ${text}`;
      return undefined;
    }
    const browser = /text\/html/i.test(String(request.headers.accept ?? ''));
    if (isCapture && browser && type === 'text/html; charset=utf-8' && text.startsWith('<!doctype html>'))
      return undefined;
    const gateway = GATEWAY_ANSWERS.get(status);
    if (gateway !== undefined && text === gateway && type === 'application/json') {
      if (status === 401 && !/^Bearer( error="invalid_token")?$/.test(String(headers['www-authenticate'])))
        return `401 challenge ${String(headers['www-authenticate'])}`;
      if (status === 404 && /^\/leads\/[^/]+$/.test(path)) return 'gateway 404 on a routed path';
      return undefined;
    }
    return `${status} ${type}: ${text.slice(0, 300)}`;
  }
  if (isCapture) {
    if (status === 303) {
      return thankYouUrls.includes(String(headers.location))
        ? undefined
        : `303 to ${String(headers.location)}`;
    }
    const body = JSON.parse(text) as { leadId?: string; status?: string };
    if (
      status !== 202 ||
      !/^ld_[A-Za-z0-9_-]{24}$/.test(body.leadId ?? '') ||
      !['created', 'updated', 'received'].includes(body.status ?? '')
    )
      return `capture answered ${status} ${text}`;
    return headers.location === `/leads/${body.leadId}` ? undefined : `location ${String(headers.location)}`;
  }
  if (status !== 200 || type !== 'application/json') return `read answered ${status} ${type}`;
  const lead = JSON.parse(text) as { leadId?: string };
  return path.endsWith(`/${lead.leadId}`) ? undefined : `read ${path} gave ${lead.leadId}`;
}

const post = (body: string | Buffer, headers: Record<string, string>): FuzzRequest => ({
  method: 'POST',
  path: '/leads',
  headers,
  body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
});

const acceptHtml = fc.option(
  fc.constantFrom('text/html,application/xhtml+xml,*/*;q=0.8', 'application/json'),
  {
    nil: undefined,
  },
);

/** The requests of each property. */
export const requests = {
  json: fc
    .tuple(jsonBody, acceptHtml)
    .map(([body, accept]) =>
      post(body, { 'content-type': 'application/json', ...(accept ? { accept } : {}) }),
    ),
  form: fc
    .tuple(formBody, acceptHtml)
    .map(([body, accept]) =>
      post(body, { 'content-type': 'application/x-www-form-urlencoded', ...(accept ? { accept } : {}) }),
    ),
  headers: fc
    .tuple(
      fc.oneof(
        jsonBody,
        formBody,
        fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
      ),
      fc.option(contentType, { nil: undefined }),
      extraHeaders,
    )
    .map(([body, type, headers]) =>
      post(body, { ...headers, ...(type === undefined ? {} : { 'content-type': type }) }),
    ),
};

/** Real tokens from the runtime's issuer with fuzzed claims: the handler's side of the check. */
const issuedToken = (h: Harness): fc.Arbitrary<() => Promise<string>> =>
  fc
    .record({
      role: fc.constantFrom('ops' as const, 'rep' as const),
      email: fc.oneof(fc.constantFrom('anna@demo.example.com', 'ops@demo.example.com'), shortHostileString),
      sub: fc.option(
        fc.oneof(
          fc.constantFrom('anna', 'ben'),
          shortHostileString.filter((s) => s !== ''),
        ),
        {
          nil: undefined,
        },
      ),
      groups: fc.option(
        fc.array(fc.oneof(fc.constantFrom('ops', 'rep', 'rep,ops', 'Sales ops'), shortHostileString), {
          maxLength: 4,
        }),
        { nil: undefined },
      ),
      emailVerified: fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'TRUE')),
      expiresIn: fc.constantFrom(3600, -60),
    })
    .map((options) => () => h.local.issuer.issueToken(options));

/** GET /leads/{id} with any id and no, a forged, or a real token with fuzzed claims. */
export const readRequests = (h: Harness, knownIds: string[]): fc.Arbitrary<() => Promise<FuzzRequest>> =>
  fc
    .tuple(
      leadPath(knownIds),
      fc.option(
        fc.oneof(
          { weight: 3, arbitrary: issuedToken(h).map((issue) => async () => `Bearer ${await issue()}`) },
          { weight: 1, arbitrary: issuedToken(h) },
          { weight: 2, arbitrary: forgedToken.map((t) => async () => `Bearer ${t}`) },
          { weight: 1, arbitrary: forgedToken.map((t) => async () => t) },
          {
            weight: 1,
            arbitrary: fc
              .constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer  x', '')
              .map((t) => async () => t),
          },
          {
            // The header twice: the authorizer reads one, the function gets both joined.
            weight: 1,
            arbitrary: fc
              .tuple(
                issuedToken(h),
                fc.oneof(
                  issuedToken(h),
                  forgedToken.map((t) => async () => t),
                ),
              )
              .map(([a, b]) => async () => [`Bearer ${await a()}`, `Bearer ${await b()}`]),
          },
        ),
        { nil: undefined },
      ),
      extraHeaders,
    )
    .map(([path, authorization, headers]) => async (): Promise<FuzzRequest> => {
      const value = authorization ? await authorization() : undefined;
      return {
        method: 'GET',
        path,
        headers: { ...headers, ...(value === undefined ? {} : { authorization: value }) },
      };
    });

/** An execution that failed or had to record a failure. */
export const isFailedLifecycle = (e: ExecutionRecord): boolean =>
  e.status === 'FAILED' || e.path.includes('RecordFailure');

/**
 * Runs one property for `runs` cases, recording every answer in `stats`; throws (with the
 * shrunk counterexample) on the first request that breaks an invariant.
 */
export async function checkProperty(
  h: Harness,
  arbitrary: fc.Arbitrary<FuzzRequest | (() => Promise<FuzzRequest>)>,
  runs: number,
  stats: FuzzStats,
  seed?: number,
): Promise<void> {
  const thankYouUrls = h.local.config.capture.thankYouUrls;
  await fc.assert(
    fc.asyncProperty(arbitrary, async (made) => {
      const request = typeof made === 'function' ? await made() : made;
      const startedBefore = h.local.stepFunctions.list().length;
      const response = await h.clock.track(() => send(h.url, request));
      stats.cases++;
      stats.byStatus[response.status] = (stats.byStatus[response.status] ?? 0) + 1;
      if (response.status >= 500) stats.fiveXx++;
      const problem = violation(request, response, thankYouUrls);
      if (problem) throw new Error(`${request.method} ${request.path}: ${problem}`);
      // A lead was taken in: it must also be workable (scored, routed, mailed). A minute of virtual
      // time covers a failing task's retries (2 + 4 + 8 s) and RecordFailure's.
      if (response.status < 400) {
        await h.runUntil(new Date(h.clock.now().getTime() + 60_000));
        const failed = h.local.stepFunctions.list().slice(startedBefore).filter(isFailedLifecycle);
        if (failed.length > 0) {
          throw new Error(
            `the accepted lead ended in RecordFailure: ${failed.map((e) => e.error).join('; ')}`,
          );
        }
      }
    }),
    { numRuns: runs, ...(seed === undefined ? {} : { seed }), endOnFailure: false },
  );
}
