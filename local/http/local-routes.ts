/**
 * The local runtime's own endpoints, next to the API it emulates:
 *
 *   GET  /health                      liveness, the unit and the (virtual) time
 *   GET  /outbox                      the mails sent, HTML rendered in a sandboxed frame (outbox-page.ts)
 *   GET  /_local/events               every event the bus carried
 *   POST /_local/events               puts activity on the bus (stands in for a sales tool)
 *   GET  /_local/executions           the state machine executions
 *   GET  /_local/dead-letters         parked events and failed leads (what a redrive would take)
 *   POST /_local/dead-letters/redrive puts parked events back, restarts failed leads (npm run redrive)
 *   POST /_local/turnstile/siteverify a Cloudflare Turnstile stand-in (see localTurnstile)
 *
 * POST /_local/events and /_local/dead-letters/redrive move leads, and any web page the developer
 * visits can send a "simple" cross-origin POST (text/plain, form) to localhost. So every
 * state-changing endpoint here needs `content-type: application/json` (which a cross-origin page
 * can only send after a preflight), a Host that is a loopback name with the runtime's port (which
 * DNS rebinding cannot fake), and no Origin or the runtime's own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { useUnitConfig } from '../../functions/runtime/unit-config.ts';
import { localDeadLetters, redriveLocalRuntime } from '../../ops/redrive/local-runtime.ts';
import type { EmbeddedSes } from '../embedded/ses.ts';
import type { LocalEventBus } from '../runtime/local-event-bus.ts';
import type { LocalStepFunctions } from '../runtime/local-step-functions.ts';
import type { VirtualClock } from '../runtime/virtual-clock.ts';
import type { ExtraRoute } from './api-gateway-server.ts';
import {
  DUMMY_SECRETS,
  handleSiteverify,
  LOCAL_SECRET_ENV,
  localTurnstileConfig,
  SITEVERIFY_PATH,
} from './local-turnstile.ts';
import { respondWithOutbox } from './outbox-page.ts';

export interface LocalRuntimeParts {
  config: BusinessUnitConfig;
  clock: VirtualClock;
  ses: Pick<EmbeddedSes, 'outboxUrl' | 'fetchSentEmails'>;
  bus: Pick<LocalEventBus, 'log' | 'put' | 'deadLetters' | 'takeDeadLetters'>;
  busName: string;
  stepFunctions: Pick<LocalStepFunctions, 'list' | 'arn'>;
}

export interface LocalRoutes {
  extraRoutes: ExtraRoute[];
  /** Called by the API server once it listens: the routes learn the runtime's own origin. */
  onListening: (url: string) => void;
}

const MAX_EVENT_BYTES = 64 * 1024;

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, null, 2));
};

const sendProblem = (res: ServerResponse, status: number, title: string, detail: string) => {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
};

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * A Host that is not this runtime's loopback name and port: a page using DNS rebinding. The
 * outbox is read-only but holds live action links, so it answers only to loopback names too.
 */
export function foreignHost(
  req: IncomingMessage,
  port: number,
): { status: number; title: string; detail: string } | undefined {
  const host = (req.headers.host ?? '').toLowerCase();
  if (LOOPBACK_NAMES.some((name) => host === `${name}:${port}`)) return undefined;
  return {
    status: 403,
    title: 'Forbidden',
    detail: `Local endpoints answer only to localhost, 127.0.0.1 or [::1] on port ${port}.`,
  };
}

/**
 * Why a state-changing request must be refused, or undefined when it comes from this machine's
 * developer (curl, a script, a page the runtime itself served).
 */
export function refusal(
  req: IncomingMessage,
  port: number,
): { status: number; title: string; detail: string } | undefined {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    return { status: 415, title: 'Unsupported media type', detail: 'Send application/json.' };
  }
  const host = (req.headers.host ?? '').toLowerCase();
  if (!LOOPBACK_NAMES.some((name) => host === `${name}:${port}`)) {
    return {
      status: 403,
      title: 'Forbidden',
      detail: `Local endpoints answer only to localhost, 127.0.0.1 or [::1] on port ${port}.`,
    };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
    return {
      status: 403,
      title: 'Forbidden',
      detail: 'Cross-origin requests to local endpoints are refused.',
    };
  }
  return undefined;
}

/** Reads a body up to `limit` bytes; undefined when it is larger (the rest is drained). */
const readBody = async (req: IncomingMessage, limit: number): Promise<Buffer | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
};

export function localRoutes(parts: LocalRuntimeParts): LocalRoutes {
  const { config, clock, ses, bus, busName, stepFunctions } = parts;
  let port = 0;
  const redriveParts = () => ({
    config,
    clock,
    bus,
    busName,
    stateMachineArn: stepFunctions.arn,
    url: port ? `http://localhost:${port}` : undefined,
  });

  /** Wraps a state-changing handler with the checks above. */
  const guarded =
    (respond: ExtraRoute['respond']): ExtraRoute['respond'] =>
    async (req, res) => {
      const refused = refusal(req, port || (req.socket.localPort ?? 0));
      if (refused) {
        req.resume();
        sendProblem(res, refused.status, refused.title, refused.detail);
        return;
      }
      await respond(req, res);
    };

  const extraRoutes: ExtraRoute[] = [
    {
      method: 'GET',
      path: '/health',
      respond: (_req, res) => {
        sendJson(res, 200, { status: 'ok', businessUnit: config.name, now: clock.now().toISOString() });
      },
    },
    {
      method: 'GET',
      path: '/outbox',
      respond: async (req, res) => {
        const refused = foreignHost(req, port || (req.socket.localPort ?? 0));
        if (refused) {
          sendProblem(res, refused.status, refused.title, refused.detail);
          return;
        }
        await respondWithOutbox(res, ses);
      },
    },
    {
      method: 'GET',
      path: '/_local/events',
      respond: (_req, res) => {
        sendJson(res, 200, bus.log);
      },
    },
    {
      // Stands in for a sales tool or marketing automation putting activity on the bus.
      method: 'POST',
      path: '/_local/events',
      respond: guarded(async (req, res) => {
        const raw = await readBody(req, MAX_EVENT_BYTES);
        if (!raw) {
          sendProblem(res, 413, 'Payload too large', `Events are at most ${MAX_EVENT_BYTES} bytes.`);
          return;
        }
        let body: { source?: string; detailType?: string; detail?: unknown };
        try {
          body = JSON.parse(raw.toString('utf8')) as typeof body;
        } catch {
          body = {};
        }
        const result = bus.put({
          Source: body?.source,
          DetailType: body?.detailType,
          Detail: JSON.stringify(body?.detail ?? null),
          EventBusName: busName,
        });
        sendJson(res, result.ErrorCode ? 400 : 202, result);
      }),
    },
    {
      method: 'GET',
      path: '/_local/executions',
      respond: (_req, res) => {
        sendJson(
          res,
          200,
          stepFunctions.list().map(({ done: _done, ...e }) => e),
        );
      },
    },
    {
      method: 'GET',
      path: '/_local/dead-letters',
      respond: async (_req, res) => {
        try {
          sendJson(res, 200, await localDeadLetters(redriveParts()));
        } catch (error) {
          sendProblem(res, 500, 'Could not list dead letters', (error as Error).message);
        }
      },
    },
    {
      // The local side of `npm run redrive -- --local` (ops/redrive.ts); `{"dryRun": true}` only reports.
      method: 'POST',
      path: '/_local/dead-letters/redrive',
      respond: guarded(async (req, res) => {
        const raw = await readBody(req, MAX_EVENT_BYTES);
        let body: { dryRun?: unknown } | undefined;
        try {
          body = JSON.parse(raw?.toString('utf8') || '{}') as typeof body;
        } catch {
          body = undefined;
        }
        if (!raw || typeof body !== 'object' || body === null) {
          sendProblem(res, 400, 'Bad request', 'Send a JSON object such as {} or {"dryRun": true}.');
          return;
        }
        const dryRun = body.dryRun === true;
        sendJson(res, 200, await clock.track(() => redriveLocalRuntime(redriveParts(), { dryRun })));
      }),
    },
    {
      // Changes nothing (it answers a question), and the capture handler calls it the way it
      // calls Cloudflare: a form-encoded POST. So it is not guarded.
      method: 'POST',
      path: SITEVERIFY_PATH,
      respond: (req, res) => handleSiteverify(req, res),
    },
  ];

  return {
    extraRoutes,
    onListening: (url) => {
      port = Number(new URL(url).port);
      // A unit whose Turnstile secret is in SSM verifies against the stand-in instead (the
      // handlers read the unit config per request, so they see this before the first one).
      const local = localTurnstileConfig(config, url);
      if (local) {
        process.env[LOCAL_SECRET_ENV] = DUMMY_SECRETS.passes;
        useUnitConfig(local);
      }
    },
  };
}
