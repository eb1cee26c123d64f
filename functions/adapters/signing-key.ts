/**
 * The unit's HMAC keys (action links, inbound events), each read once per cold start: an SSM SecureString on AWS (the
 * SSM client is loaded only then), an environment variable locally (the local runtime creates a
 * key of its own and sets it). The key is the value's UTF-8 bytes, at least 32 of them: generate
 * one with `openssl rand -base64 48`.
 */
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { MIN_KEY_BYTES } from '../domain/action-links.ts';

type KeySource = NonNullable<BusinessUnitConfig['actions']['signingKey']>;

/** Per source: a process serving several units (the local runtime, tests) keeps their keys apart. */
const keys = new Map<string, Promise<Uint8Array>>();

async function readKey(source: KeySource, what: string): Promise<Uint8Array> {
  let value: string | undefined;
  if (source.source === 'env') value = process.env[source.name];
  else {
    const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
    const result = await new SSMClient({}).send(
      new GetParameterCommand({ Name: source.name, WithDecryption: true }),
    );
    value = result.Parameter?.Value;
  }
  const key = Buffer.from(value ?? '', 'utf8');
  if (key.length < MIN_KEY_BYTES)
    throw new Error(`The ${what} (${source.source} ${source.name}) must be at least ${MIN_KEY_BYTES} bytes`);
  return key;
}

/** The unit's signing key, or undefined when the unit has none (its mails carry no action links). */
export function actionSigningKey(config: BusinessUnitConfig): Promise<Uint8Array | undefined> {
  return hmacKey(config.actions?.signingKey, 'action link key');
}

/** The key signed inbound event batches are verified with (POST /events/*), kept the same way. */
export function inboundEventsKey(config: BusinessUnitConfig): Promise<Uint8Array | undefined> {
  return hmacKey(config.events?.inbound?.signingKey, 'inbound events key');
}

function hmacKey(source: KeySource | undefined, what: string): Promise<Uint8Array | undefined> {
  if (!source) return Promise.resolve(undefined);
  // An environment variable costs nothing to read, and a process running several local runtimes
  // one after another (tests) gives each its own key under the same name.
  if (source.source === 'env') return readKey(source, what);
  const id = `${source.source}:${source.name}`;
  let key = keys.get(id);
  if (!key) {
    key = readKey(source, what).catch((error: unknown) => {
      keys.delete(id);
      throw error;
    });
    keys.set(id, key);
  }
  return key;
}
