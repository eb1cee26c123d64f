import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalIssuer,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  stableSubFor,
} from '../../local/auth/local-issuer.ts';

let tmp: string;
const dir = (name: string) => path.join(tmp, name);

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leadflow-issuer-'));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('local token issuer', () => {
  it('issues Cognito-like ID tokens that its verifier accepts', async () => {
    const issuer = createLocalIssuer({ keyDir: dir('roundtrip') });
    const token = await issuer.issueToken({ role: 'rep', email: 'anna@demo.example.com' });
    const payload = await issuer.createVerifier()(token);

    expect(payload).toMatchObject({
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
      'cognito:groups': ['rep'],
      email: 'anna@demo.example.com',
      email_verified: true,
      token_use: 'id',
      sub: stableSubFor('anna@demo.example.com'),
    });
    expect(payload.exp! - payload.iat!).toBe(12 * 3600);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(decodeProtectedHeader(token).kid).toBeTruthy();
  });

  it('honours a custom roles claim, sub and lifetime', async () => {
    const issuer = createLocalIssuer({ keyDir: dir('custom') });
    const token = await issuer.issueToken({
      role: 'ops',
      rolesClaim: 'roles',
      sub: 'user-1',
      expiresIn: '5m',
    });
    const payload = await issuer.createVerifier()(token);
    expect(payload.roles).toEqual(['ops']);
    expect(payload['cognito:groups']).toBeUndefined();
    expect(payload.sub).toBe('user-1');
    expect(payload.exp! - payload.iat!).toBe(300);
  });

  it('rejects an expired token', async () => {
    const issuer = createLocalIssuer({ keyDir: dir('expired') });
    const token = await issuer.issueToken({ role: 'ops', expiresIn: -60 });
    await expect(issuer.createVerifier()(token)).rejects.toThrow(/exp/);
  });

  it('rejects a token signed by another key', async () => {
    const mine = createLocalIssuer({ keyDir: dir('mine') });
    const theirs = createLocalIssuer({ keyDir: dir('theirs') });
    const token = await theirs.issueToken({ role: 'ops' });
    await expect(mine.createVerifier()(token)).rejects.toThrow(/signature/i);
  });

  it('rejects a tampered token', async () => {
    const issuer = createLocalIssuer({ keyDir: dir('tampered') });
    const token = await issuer.issueToken({ role: 'rep' });
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(token), 'cognito:groups': ['ops'] })).toString(
      'base64url',
    );
    await expect(issuer.createVerifier()(`${header}.${forged}.${signature}`)).rejects.toThrow();
  });

  it('persists the key pair so another issuer instance verifies earlier tokens', async () => {
    const keyDir = dir('persist/nested/keys');
    const token = await createLocalIssuer({ keyDir }).issueToken({ role: 'ops' });
    expect(fs.readdirSync(keyDir).sort()).toEqual([
      'signing-key.private.jwk.json',
      'signing-key.public.jwk.json',
    ]);
    expect(fs.statSync(path.join(keyDir, 'signing-key.private.jwk.json')).mode & 0o077).toBe(0);
    const publicJwk = JSON.parse(fs.readFileSync(path.join(keyDir, 'signing-key.public.jwk.json'), 'utf8'));
    expect(publicJwk.d).toBeUndefined();

    const later = createLocalIssuer({ keyDir });
    await expect(later.createVerifier()(token)).resolves.toMatchObject({ 'cognito:groups': ['ops'] });
    expect((await later.jwks()).keys[0]?.kid).toBe(decodeProtectedHeader(token).kid);
  });

  it('creates exactly one key when issuers race on an empty directory', async () => {
    const keyDir = dir('race');
    const issuers = Array.from({ length: 4 }, () => createLocalIssuer({ keyDir }));
    const tokens = await Promise.all(issuers.map((i) => i.issueToken({ role: 'ops' })));
    const kids = new Set(tokens.map((t) => decodeProtectedHeader(t).kid));
    expect(kids.size).toBe(1);
    for (const token of tokens) await expect(issuers[0]!.createVerifier()(token)).resolves.toBeTruthy();
  });
});

describe('npm run token', () => {
  const run = promisify(execFile);
  // Same Node as the test run, with tsx as loader: what `npm run token` does.
  const token = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'local/token.ts', ...args]);

  it('prints only a bearer token the issuer verifies', async () => {
    const keyDir = dir('cli');
    const { stdout } = await token('--role', 'rep', '--keys-dir', keyDir);
    const jwt = stdout.trim();
    expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const payload = await createLocalIssuer({ keyDir }).createVerifier()(jwt);
    expect(payload).toMatchObject({ 'cognito:groups': ['rep'], email: 'anna@demo.example.com' });
  });

  it('exits 2 with a clear message for an unknown role', async () => {
    const error = await token('--role', 'admin', '--keys-dir', dir('cli-bad')).catch(
      (e: unknown) => e as { code: number; stdout: string; stderr: string },
    );
    expect(error).toMatchObject({ code: 2, stdout: '' });
    expect((error as { stderr: string }).stderr).toContain("Unknown role 'admin'");
  });
});
