/**
 * Cloudflare Turnstile server-side verification. The secret is read once per cold start
 * (SSM SecureString on AWS, an environment variable locally).
 */
import type { BusinessUnitConfig } from '../../config/schema.ts';

type TurnstileConfig = NonNullable<BusinessUnitConfig['spam']['turnstile']>;

/**
 * Read once per cold start and per secret: a process that serves more than one unit config (the
 * local runtime, tests) must not verify one unit's tokens with another unit's secret.
 */
const secrets = new Map<string, Promise<string>>();

function secretFor(config: TurnstileConfig): Promise<string> {
  const key = `${config.secret.source}:${config.secret.name}`;
  let secret = secrets.get(key);
  if (!secret) {
    secret = readSecret(config).catch((error: unknown) => {
      secrets.delete(key);
      throw error;
    });
    secrets.set(key, secret);
  }
  return secret;
}

async function readSecret(config: TurnstileConfig): Promise<string> {
  if (config.secret.source === 'env') {
    const value = process.env[config.secret.name];
    if (!value) throw new Error(`Turnstile secret env var ${config.secret.name} is not set`);
    return value;
  }
  // Loaded on first use: units without Turnstile (or with an env secret) never pay for the SSM client.
  const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const result = await new SSMClient({}).send(
    new GetParameterCommand({ Name: config.secret.name, WithDecryption: true }),
  );
  const value = result.Parameter?.Value;
  if (!value) throw new Error(`Turnstile secret parameter ${config.secret.name} is empty`);
  return value;
}

export async function verifyTurnstile(
  config: TurnstileConfig,
  token: string | undefined,
  remoteIp: string | undefined,
): Promise<{ success: boolean; errorCodes?: string[] } | undefined> {
  if (!token) return undefined;
  const body = new URLSearchParams({ secret: await secretFor(config), response: token });
  if (remoteIp) body.set('remoteip', remoteIp);
  const response = await fetch(config.verifyUrl, {
    method: 'POST',
    body,
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`Turnstile verification answered HTTP ${response.status}`);
  const result = (await response.json()) as { success?: boolean; 'error-codes'?: string[] };
  return { success: result.success === true, errorCodes: result['error-codes'] ?? [] };
}
