/**
 * The action link key of the local runtime. On AWS a unit's key is an SSM SecureString; on a
 * developer machine there is none, so the runtime creates a random key on first use, next to the
 * token issuer's key pair (git-ignored `.leadflow/keys` by default, directory 0700, file 0600),
 * keeps it across restarts (links in the outbox keep working), and points every unit at it
 * through an environment variable it sets itself.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { DEFAULT_KEY_DIR } from './local-issuer.ts';

export const LOCAL_ACTION_KEY_ENV = 'LEADFLOW_LOCAL_ACTION_KEY';
export const ACTION_KEY_FILE = 'action-link-key';

const readKey = async (file: string): Promise<string | undefined> => {
  try {
    return (await readFile(file, 'utf8')).trim() || undefined;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
};

/** Reads the key, creating it atomically (temp file + link) if missing. */
export async function loadOrCreateActionKey(
  keyDir = DEFAULT_KEY_DIR,
  fileName = ACTION_KEY_FILE,
): Promise<string> {
  const file = path.join(path.resolve(keyDir), fileName);
  const existing = await readKey(file);
  if (existing) return existing;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temp, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600 });
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
  } finally {
    await rm(temp, { force: true });
  }
  const created = await readKey(file);
  if (!created) throw new Error(`Could not create the local key ${fileName} in ${keyDir}`);
  return created;
}

/** The unit's config with its action link key read from the variable the runtime sets. */
export function withLocalActionKey(config: BusinessUnitConfig): BusinessUnitConfig {
  return {
    ...config,
    actions: { ...config.actions, signingKey: { source: 'env', name: LOCAL_ACTION_KEY_ENV } },
  };
}

/**
 * The key signed inbound events are verified with locally (POST /events/*), made and kept like
 * the action link key; `npm start` prints where it is, so a sender can sign with it.
 */
export const LOCAL_INBOUND_KEY_ENV = 'LEADFLOW_LOCAL_INBOUND_EVENTS_KEY';
export const INBOUND_KEY_FILE = 'inbound-events-key';

export function withLocalInboundKey(config: BusinessUnitConfig): BusinessUnitConfig {
  return {
    ...config,
    events: { ...config.events, inbound: { signingKey: { source: 'env', name: LOCAL_INBOUND_KEY_ENV } } },
  };
}
