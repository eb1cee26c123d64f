/**
 * A development token issuer standing in for the Cognito user pool locally.
 *
 * Tokens look like Cognito ID tokens (roles as an array in `cognito:groups` or the unit's
 * `auth.rolesClaim`, `token_use: 'id'`, email...), so the same handler code and the local
 * JWT authorizer see what they would see on AWS. The RS256 key pair is created on first use and
 * kept on disk (git-ignored `.leadflow/keys` by default) so tokens survive a restart of
 * `npm start` and `npm run token` can mint tokens the running server accepts.
 */
import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { isRole, ROLES, type Role } from '../../functions/domain/roles.ts';

export const LOCAL_ISSUER = 'leadflow-local';
export const LOCAL_AUDIENCE = 'leadflow-local';
export const DEFAULT_KEY_DIR = '.leadflow/keys';
export const DEFAULT_ROLES_CLAIM = 'cognito:groups';

const ALG = 'RS256';
const PRIVATE_KEY_FILE = 'signing-key.private.jwk.json';
const PUBLIC_KEY_FILE = 'signing-key.public.jwk.json';
const PRIVATE_ONLY_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

export interface IssueTokenOptions {
  role: Role;
  email?: string;
  /** Defaults to a stable id derived from the email, so one person keeps one `sub`. */
  sub?: string;
  /** jose time span (`'12h'`, `'15m'`) or seconds. Default 12 hours. */
  expiresIn?: string | number;
  /** Claim carrying the roles; `cognito:groups` unless the unit configures another. */
  rolesClaim?: string;
  /**
   * The roles claim verbatim instead of `[role]`, e.g. `['rep,ops']` or `['Sales ops']`, to see
   * that group names which merely contain a role name grant nothing.
   */
  groups?: string[];
  /** `email_verified`; Cognito sends `true` (some issuers the string "true"). Default true. */
  emailVerified?: boolean | string;
}

export interface LocalIssuer {
  readonly keyDir: string;
  issueToken(options: IssueTokenOptions): Promise<string>;
  /** Verifies signature, `iss`, `aud` and `exp`; throws on any failure. */
  createVerifier(): (token: string) => Promise<JWTPayload>;
  /** The public key as a JWKS, e.g. to serve at `/.well-known/jwks.json`. */
  jwks(): Promise<JSONWebKeySet>;
}

interface KeyMaterial {
  privateJwk: JWK;
  publicJwk: JWK;
}

const publicPart = (privateJwk: JWK): JWK => {
  const copy: Record<string, unknown> = { ...privateJwk };
  for (const member of PRIVATE_ONLY_MEMBERS) delete copy[member];
  return copy as JWK;
};

const isErrno = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === code;

const readPrivateJwk = async (file: string): Promise<JWK | undefined> => {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
};

const generatePrivateJwk = async (): Promise<JWK> => {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg: ALG, use: 'sig' };
};

/**
 * Loads the key pair, creating it if missing. Creation is atomic (write a temp file, then
 * `link`, which fails if the key exists) so a concurrent `npm run token` and `npm start`
 * can never end up with two different keys.
 */
const loadOrCreateKeys = async (keyDir: string): Promise<KeyMaterial> => {
  const privateFile = path.join(keyDir, PRIVATE_KEY_FILE);
  let privateJwk = await readPrivateJwk(privateFile);
  if (!privateJwk) {
    await mkdir(keyDir, { recursive: true, mode: 0o700 });
    const candidate = await generatePrivateJwk();
    const temp = `${privateFile}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(temp, `${JSON.stringify(candidate, null, 2)}\n`, { mode: 0o600 });
    try {
      await link(temp, privateFile);
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    } finally {
      await rm(temp, { force: true });
    }
    privateJwk = await readPrivateJwk(privateFile);
    if (!privateJwk) throw new Error(`Could not create the local signing key in ${keyDir}`);
  }
  const publicJwk = publicPart(privateJwk);
  // For humans and tools only (e.g. jwt.io); the private file is the source of truth.
  await writeFile(path.join(keyDir, PUBLIC_KEY_FILE), `${JSON.stringify(publicJwk, null, 2)}\n`);
  return { privateJwk, publicJwk };
};

/** A UUID-shaped id derived from the email: stable across tokens, like a Cognito `sub`. */
export const stableSubFor = (email: string): string => {
  const hex = createHash('sha256').update(`leadflow-local:${email.toLowerCase()}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export const createLocalIssuer = (options: { keyDir?: string } = {}): LocalIssuer => {
  const keyDir = path.resolve(options.keyDir ?? DEFAULT_KEY_DIR);
  let keys: Promise<KeyMaterial> | undefined;
  const getKeys = (): Promise<KeyMaterial> => {
    keys ??= loadOrCreateKeys(keyDir).catch((error: unknown) => {
      keys = undefined;
      throw error;
    });
    return keys;
  };

  return {
    keyDir,

    async issueToken({
      role,
      email,
      sub,
      expiresIn = '12h',
      rolesClaim = DEFAULT_ROLES_CLAIM,
      groups,
      emailVerified = true,
    }) {
      if (!isRole(role))
        throw new Error(`Unknown role '${String(role)}'; expected one of ${ROLES.join(', ')}`);
      const { privateJwk } = await getKeys();
      const key = await importJWK(privateJwk, ALG);
      const address = email ?? `${role}@leadflow.local`;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        [rolesClaim]: groups ?? [role],
        email: address,
        email_verified: emailVerified,
        'cognito:username': address,
        token_use: 'id',
        auth_time: now,
      })
        .setProtectedHeader({ alg: ALG, kid: privateJwk.kid ?? '', typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setSubject(sub ?? stableSubFor(address))
        .setJti(randomUUID())
        .setIssuedAt(now)
        .setExpirationTime(typeof expiresIn === 'number' ? now + expiresIn : expiresIn)
        .sign(key);
    },

    createVerifier() {
      return async (token: string) => {
        const { publicJwk } = await getKeys();
        const key = await importJWK(publicJwk, ALG);
        const { payload } = await jwtVerify(token, key, {
          issuer: LOCAL_ISSUER,
          audience: LOCAL_AUDIENCE,
          algorithms: [ALG],
          requiredClaims: ['exp', 'sub'],
        });
        return payload;
      };
    },

    async jwks() {
      const { publicJwk } = await getKeys();
      return { keys: [publicJwk] };
    },
  };
};
