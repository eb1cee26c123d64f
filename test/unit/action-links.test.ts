/** Action link tokens: what they carry, and every way a token that was not issued as is fails. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ActionClaims,
  actionsForStage,
  activityIdOf,
  claimsFor,
  MAX_TOKEN_LENGTH,
  repRef,
  signActionToken,
  verifyActionToken,
} from '../../functions/domain/action-links.ts';
import type { Lead } from '../../functions/domain/lead.ts';

const KEY = Buffer.from('k'.repeat(32));
const NOW = new Date('2026-03-23T09:00:00.000Z');
const claims = (change: Partial<ActionClaims> = {}): ActionClaims => ({
  v: 1,
  l: 'ld_FMuWueMyU3wxp1NJu5THV_Bc',
  r: 'id:anna',
  a: 'touch',
  h: 1,
  e: NOW.getTime() / 1000 + 3600,
  n: 'nonce-0123456789abcdef',
  ...change,
});

describe('signActionToken / verifyActionToken', () => {
  it('round-trips the claims of a token it signed', () => {
    const token = signActionToken(claims(), KEY);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyActionToken(token, KEY, NOW)).toEqual({ ok: true, claims: claims() });
  });

  it('carries no email address, even for an owner without a rep id', () => {
    const ref = repRef({ email: 'Sales-Queue@Demo.example.com' });
    expect(ref).toMatch(/^em:[A-Za-z0-9_-]{22}$/);
    expect(ref).toBe(repRef({ email: 'sales-queue@demo.example.com' }));
    const token = signActionToken(claims({ r: ref }), KEY);
    expect(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).not.toContain('@');
    expect(repRef({ repId: 'anna', email: 'anna@demo.example.com' })).toBe('id:anna');
  });

  it('refuses a token signed with another key, or whose claims or signature were changed', () => {
    const token = signActionToken(claims(), KEY);
    const [payload, signature] = token.split('.') as [string, string];
    expect(verifyActionToken(signActionToken(claims(), Buffer.from('x'.repeat(32))), KEY, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
    // The same signature on other claims (another lead, rep, action, hand-off or a later expiry).
    for (const change of [
      { l: 'ld_other' },
      { r: 'id:ben' },
      { a: 'accept' as const },
      { h: 2 },
      { e: claims().e + 86_400 },
    ]) {
      const other = Buffer.from(JSON.stringify(claims(change))).toString('base64url');
      expect(verifyActionToken(`${other}.${signature}`, KEY, NOW)).toMatchObject({
        ok: false,
        reason: 'forged',
      });
    }
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(verifyActionToken(`${payload}.${flipped}`, KEY, NOW)).toEqual({ ok: false, reason: 'forged' });
  });

  it('accepts only the signature as issued, not another spelling of the same bytes', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const [payload, signature] = signActionToken(claims(), KEY).split('.') as [string, string];
    // The last character's two low bits are padding: the same 32 bytes spelled three other ways.
    const last = alphabet.indexOf(signature.slice(-1));
    for (const padding of [1, 2, 3]) {
      const respelled = `${signature.slice(0, -1)}${alphabet[last + padding]}`;
      expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
      expect(verifyActionToken(`${payload}.${respelled}`, KEY, NOW)).toEqual({ ok: false, reason: 'forged' });
    }
  });

  it('refuses an expired token (at the second it expires), naming its claims', () => {
    const token = signActionToken(claims(), KEY);
    const expiry = new Date(claims().e * 1000);
    expect(verifyActionToken(token, KEY, new Date(expiry.getTime() - 1)).ok).toBe(true);
    expect(verifyActionToken(token, KEY, expiry)).toEqual({ ok: false, reason: 'expired', claims: claims() });
  });

  it('refuses malformed tokens before computing anything, and signed payloads that are not claims', () => {
    for (const token of ['', 'abc', 'a.b', `${'a'.repeat(MAX_TOKEN_LENGTH)}.${'b'.repeat(43)}`, 'x.y.z'])
      expect(verifyActionToken(token, KEY, NOW)).toEqual({ ok: false, reason: 'malformed' });
    const payload = Buffer.from(JSON.stringify({ ...claims(), extra: true })).toString('base64url');
    const signature = createHmac('sha256', KEY).update(payload).digest('base64url');
    expect(verifyActionToken(`${payload}.${signature}`, KEY, NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('will not sign with a key shorter than 32 bytes, nor claims outside the schema', () => {
    expect(() => signActionToken(claims(), Buffer.from('short'))).toThrow(/32 bytes/);
    expect(() => signActionToken(claims({ l: 'not a lead id' }), KEY)).toThrow();
  });
});

describe('claimsFor', () => {
  const lead = (stage: Lead['stage'], change: Partial<Lead> = {}) =>
    ({
      leadId: 'ld_abc',
      stage,
      owner: { repId: 'anna', name: 'Anna', email: 'anna@demo.example.com' },
      sla: { handoffs: 2 },
      ...change,
    }) as Lead;
  let n = 0;
  const nonce = () => `nonce-${String(++n).padStart(16, '0')}`;

  it('offers the actions of the stage, bound to the owner and the hand-off, one nonce each', () => {
    const made = claimsFor(lead('assigned'), NOW, 72, nonce);
    expect(made.map((c) => c.a)).toEqual(['touch', 'accept', 'reject', 'decline']);
    expect(new Set(made.map((c) => c.n)).size).toBe(4);
    for (const c of made)
      expect(c).toMatchObject({ l: 'ld_abc', r: 'id:anna', h: 2, e: NOW.getTime() / 1000 + 72 * 3600 });
    expect(activityIdOf(made[0] as ActionClaims)).toBe(`action:${made[0]?.n}`);
  });

  it('offers fewer actions later in the lifecycle, none when it is closed or unowned', () => {
    expect(actionsForStage('touched')).toEqual(['touch', 'accept', 'reject']);
    expect(actionsForStage('accepted')).toEqual(['touch']);
    for (const stage of ['won', 'lost', 'nurturing', 'qualified', 'failed'] as const)
      expect(actionsForStage(stage)).toEqual([]);
    expect(claimsFor(lead('assigned', { owner: undefined }), NOW, 72, nonce)).toEqual([]);
  });
});
