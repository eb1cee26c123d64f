/**
 * A Cloudflare Turnstile stand-in for units run locally. A unit whose Turnstile secret lives in
 * SSM (emea) cannot read it on a developer machine, and Cloudflare would refuse a local token
 * anyway, so every lead would be quarantined. The local runtime therefore points such a unit at
 * this endpoint with Cloudflare's documented test keys
 * (https://developers.cloudflare.com/turnstile/troubleshooting/testing/):
 *
 * - the secret is the dummy "always passes" secret `1x0000000000000000000000000000000AA`, which
 *   the runtime puts in an environment variable it sets itself;
 * - a widget rendered with a dummy sitekey hands the browser the token `XXXX.DUMMY.TOKEN.XXXX`;
 *   that token passes, any other token fails with `invalid-input-response`.
 *
 * The dummy "always fails" (`2x…AA`) and "already spent" (`3x…AA`) secrets answer as Cloudflare's
 * do, and any other secret is `invalid-input-secret`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BusinessUnitConfig } from '../../config/schema.ts';

export const SITEVERIFY_PATH = '/_local/turnstile/siteverify';
export const DUMMY_TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';
export const DUMMY_SITE_KEY = '1x00000000000000000000AA';
export const DUMMY_SECRETS = {
  passes: '1x0000000000000000000000000000000AA',
  fails: '2x0000000000000000000000000000000AA',
  spent: '3x0000000000000000000000000000000AA',
} as const;
/** The environment variable the local runtime keeps the stand-in secret in. */
export const LOCAL_SECRET_ENV = 'LEADFLOW_LOCAL_TURNSTILE_SECRET';

const MAX_BODY_BYTES = 16 * 1024;

/**
 * The unit's config with Turnstile pointed at the stand-in served at `origin`, or undefined when
 * nothing needs to change: no Turnstile, or a secret from the environment (the developer or a
 * test chose the secret and its verifier on purpose).
 */
export function localTurnstileConfig(
  config: BusinessUnitConfig,
  origin: string,
): BusinessUnitConfig | undefined {
  const turnstile = config.spam.turnstile;
  if (turnstile?.secret.source !== 'ssm') return undefined;
  return {
    ...config,
    spam: {
      ...config.spam,
      turnstile: {
        ...turnstile,
        secret: { source: 'env', name: LOCAL_SECRET_ENV },
        verifyUrl: `${origin}${SITEVERIFY_PATH}`,
        siteKey: DUMMY_SITE_KEY,
      },
    },
  };
}

/** Cloudflare's answer for a secret and a response token. */
export function siteverify(secret: string | undefined, response: string | undefined) {
  const fail = (code: string) => ({ success: false, 'error-codes': [code] });
  if (!secret) return fail('missing-input-secret');
  if (!Object.values(DUMMY_SECRETS).includes(secret as never)) return fail('invalid-input-secret');
  if (!response) return fail('missing-input-response');
  if (secret === DUMMY_SECRETS.fails || response !== DUMMY_TOKEN) return fail('invalid-input-response');
  if (secret === DUMMY_SECRETS.spent) return fail('timeout-or-duplicate');
  return {
    success: true,
    'error-codes': [],
    challenge_ts: new Date().toISOString(),
    hostname: 'localhost',
    action: '',
    cdata: '',
  };
}

const fields = (type: string, text: string): Record<string, string | undefined> => {
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null) return {};
      const { secret, response } = parsed as Record<string, unknown>;
      return {
        secret: typeof secret === 'string' ? secret : undefined,
        response: typeof response === 'string' ? response : undefined,
      };
    } catch {
      return {};
    }
  }
  const form = new URLSearchParams(text);
  return { secret: form.get('secret') ?? undefined, response: form.get('response') ?? undefined };
};

/** POST /_local/turnstile/siteverify: form-encoded or JSON, like Cloudflare's endpoint. */
export async function handleSiteverify(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  res.setHeader('content-type', 'application/json');
  if (size > MAX_BODY_BYTES) {
    res.statusCode = 413;
    res.end(JSON.stringify({ success: false, 'error-codes': ['bad-request'] }));
    return;
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const { secret, response } = fields(type, Buffer.concat(chunks).toString('utf8'));
  res.statusCode = 200;
  res.end(JSON.stringify(siteverify(secret, response)));
}
