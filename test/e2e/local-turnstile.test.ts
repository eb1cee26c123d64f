/**
 * `npm start -- --unit emea`: the emea unit keeps its Turnstile secret in SSM, which a local run
 * cannot reach. The local runtime swaps in its own stand-in (an env secret it sets and
 * `/_local/turnstile/siteverify`), which behaves like Cloudflare's documented dummy keys: the
 * dummy token `XXXX.DUMMY.TOKEN.XXXX` passes, anything else fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBusinessUnitConfig } from '../../config/load.ts';
import { leadIdFor } from '../../functions/domain/capture.ts';
import { unitConfig as handlerUnitConfig } from '../../functions/runtime/unit-config.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';

const DUMMY_TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';
let h: Harness;

beforeAll(async () => {
  const emea = await loadBusinessUnitConfig('emea');
  expect(emea.spam.turnstile?.secret.source).toBe('ssm');
  h = await startHarness({ start: '2026-03-23T09:00:00Z', config: emea });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const leadStatus = async (leadId: string) =>
  (await fetch(`${h.url}/leads/${leadId}`, { headers: { authorization: `Bearer ${h.opsToken}` } })).status;

async function capture(email: string, token?: string) {
  const response = await h.postLead(
    {
      email,
      company: 'Acme Ltd',
      country: 'GB',
      ...(token === undefined ? {} : { 'cf-turnstile-response': token }),
    },
    {},
    { as: 'browser' },
  );
  expect(response.status).toBe(202);
  expect(await response.json()).toMatchObject({ status: 'received' });
  await h.settle();
  return leadIdFor('emea', email);
}

describe('Turnstile of a unit run locally', () => {
  it('points the handlers at the local stand-in instead of SSM and Cloudflare', () => {
    const turnstile = handlerUnitConfig().spam.turnstile;
    expect(turnstile?.secret.source).toBe('env');
    expect(turnstile?.verifyUrl).toBe(`${h.url}/_local/turnstile/siteverify`);
  });

  it('creates the lead for the dummy token (not quarantined)', async () => {
    const leadId = await capture('human@acme-ltd.example', DUMMY_TOKEN);
    expect(await leadStatus(leadId)).toBe(200);
    expect(await h.quarantined('human@acme-ltd.example')).toEqual([]);
    expect(h.local.stepFunctions.list().some((e) => e.name === leadId)).toBe(true);
  });

  it('quarantines any other token, as a failed verification', async () => {
    const leadId = await capture('bot@acme-ltd.example', 'forged-token');
    expect(await leadStatus(leadId)).toBe(404);
    expect((await h.quarantined('bot@acme-ltd.example')).map((q) => q.reasons)).toEqual([
      ['turnstile-failed:invalid-input-response'],
    ]);
  });

  it('quarantines a submission without a token, as everywhere', async () => {
    await capture('no-token@acme-ltd.example');
    expect((await h.quarantined('no-token@acme-ltd.example')).map((q) => q.reasons)).toEqual([
      ['turnstile-missing'],
    ]);
  });

  it('serves siteverify like Cloudflare for the dummy secret', async () => {
    const verify = (body: Record<string, string>) =>
      fetch(`${h.url}/_local/turnstile/siteverify`, { method: 'POST', body: new URLSearchParams(body) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }),
      );
    const secret = process.env[handlerUnitConfig().spam.turnstile?.secret.name ?? ''] ?? '';
    expect(secret).toBe('1x0000000000000000000000000000000AA');
    expect(await verify({ secret, response: DUMMY_TOKEN })).toMatchObject({
      status: 200,
      body: { success: true, 'error-codes': [] },
    });
    expect(await verify({ secret, response: 'other' })).toMatchObject({
      body: { success: false, 'error-codes': ['invalid-input-response'] },
    });
    expect(await verify({ secret })).toMatchObject({
      body: { success: false, 'error-codes': ['missing-input-response'] },
    });
    expect(await verify({ secret: 'wrong', response: DUMMY_TOKEN })).toMatchObject({
      body: { success: false, 'error-codes': ['invalid-input-secret'] },
    });
  });
});
