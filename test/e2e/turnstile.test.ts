/**
 * Cloudflare Turnstile on POST /leads, end to end: a unit that requires it, the real handler
 * and a fake siteverify endpoint (node:http) that passes only the token `good-token` and
 * only when it receives the unit's secret.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../functions/domain/capture.ts';
import { type Harness, startHarness, unitConfig } from '../support/local-harness.ts';

const SECRET = 'turnstile-test-secret-0x4AAA';

interface Verification {
  secret: string | null;
  response: string | null;
  remoteip: string | null;
}

const verifications: Verification[] = [];
let verifier: Server;
let h: Harness;

beforeAll(async () => {
  process.env.TURNSTILE_TEST_SECRET = SECRET;
  verifier = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const seen = {
        secret: form.get('secret'),
        response: form.get('response'),
        remoteip: form.get('remoteip'),
      };
      verifications.push(seen);
      const errors: string[] = [];
      if (req.method !== 'POST') errors.push('bad-request');
      if (seen.secret !== SECRET) errors.push('invalid-input-secret');
      if (seen.response !== 'good-token') errors.push('invalid-input-response');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: errors.length === 0, 'error-codes': errors }));
    });
  });
  await new Promise<void>((resolve) => verifier.listen(0, '127.0.0.1', resolve));
  const { port } = verifier.address() as AddressInfo;
  h = await startHarness({
    start: '2026-03-23T09:00:00Z',
    config: unitConfig((c) => ({
      ...c,
      spam: {
        ...c.spam,
        turnstile: {
          secret: { source: 'env', name: 'TURNSTILE_TEST_SECRET' },
          verifyUrl: `http://127.0.0.1:${port}/turnstile/v0/siteverify`,
        },
      },
    })),
  });
}, 120_000);

afterAll(async () => {
  await h?.stop();
  if (verifier?.listening) await new Promise((resolve) => verifier.close(resolve));
});

const leadStatus = async (leadId: string) =>
  (await fetch(`${h.url}/leads/${leadId}`, { headers: { authorization: `Bearer ${h.opsToken}` } })).status;

const quarantineReasons = async (email: string) => (await h.quarantined(email)).map((i) => i.reasons);

/** Posts, then checks the caller saw an ordinary success and whether a real lead exists. */
async function capture(body: Record<string, unknown>): Promise<{ leadId: string; stored: boolean }> {
  const response = await h.postLead(body, {}, { as: 'browser' });
  expect(response.status).toBe(202);
  const answer = (await response.json()) as { leadId: string; status: string };
  expect(answer.status).toBe('received');
  await h.settle();
  const realId = leadIdFor('demo', String(body.email));
  return { leadId: answer.leadId, stored: (await leadStatus(realId)) === 200 };
}

describe('Turnstile', () => {
  it('creates the lead for a token the verifier accepts, sending it the secret, token and client IP', async () => {
    const before = verifications.length;
    const { leadId, stored } = await capture({
      email: 'human@turnstile.example',
      company: 'Human AG',
      'cf-turnstile-response': 'good-token',
    });
    expect(stored).toBe(true);
    expect(leadId).toBe(leadIdFor('demo', 'human@turnstile.example'));
    expect(verifications.slice(before)).toEqual([
      { secret: SECRET, response: 'good-token', remoteip: '127.0.0.1' },
    ]);
    expect(h.local.stepFunctions.list().filter((e) => e.name === leadId)).toHaveLength(1);
    expect(await quarantineReasons('human@turnstile.example')).toEqual([]);
  });

  it('verifies the token of a plain form post', async () => {
    const response = await h.clock.track(() =>
      fetch(`${h.url}/leads`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({
          email: 'form-human@turnstile.example',
          'cf-turnstile-response': 'good-token',
          website_url: '',
          formRenderedAt: String(h.clock.now().getTime() - 10_000),
        }).toString(),
        redirect: 'manual',
      }),
    );
    expect(response.status).toBe(303);
    await h.settle();
    expect(await leadStatus(leadIdFor('demo', 'form-human@turnstile.example'))).toBe(200);
  });

  it('quarantines a submission whose token the verifier rejects', async () => {
    const before = verifications.length;
    const { leadId, stored } = await capture({
      email: 'bot@turnstile.example',
      'cf-turnstile-response': 'forged-token',
    });
    expect(stored).toBe(false);
    expect(verifications.slice(before)).toHaveLength(1);
    expect(await quarantineReasons('bot@turnstile.example')).toEqual([
      ['turnstile-failed:invalid-input-response'],
    ]);
    expect(
      h.local.bus.log.some((e) => e['detail-type'] === 'LeadCaptured' && e.detail.leadId === leadId),
    ).toBe(false);
  });

  it('quarantines a submission without a token, without asking the verifier', async () => {
    const before = verifications.length;
    const { stored } = await capture({ email: 'no-token@turnstile.example', 'cf-turnstile-response': '' });
    expect(stored).toBe(false);
    const { stored: storedWithout } = await capture({ email: 'no-field@turnstile.example' });
    expect(storedWithout).toBe(false);
    expect(verifications.length).toBe(before);
    expect(await quarantineReasons('no-token@turnstile.example')).toEqual([['turnstile-missing']]);
    expect(await quarantineReasons('no-field@turnstile.example')).toEqual([['turnstile-missing']]);
  });

  it('keeps the submission (quarantined for review) when the verifier is down', async () => {
    await new Promise((resolve) => verifier.close(resolve));
    const { stored } = await capture({
      email: 'while-down@turnstile.example',
      company: 'Patient GmbH',
      'cf-turnstile-response': 'good-token',
    });
    expect(stored).toBe(false);
    const reasons = await quarantineReasons('while-down@turnstile.example');
    expect(reasons).toEqual([['turnstile-failed:verification-unavailable']]);
  });
});
