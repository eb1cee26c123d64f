/** POST /leads end to end: spam is quarantined silently, and CORS for the unit's own site. */
import { describe, expect, it } from 'vitest';
import { leadIdFor } from '../../functions/domain/capture.ts';
import { captureApi, DEFAULT_THANK_YOU } from './capture-fixtures.ts';

const { h, postBrowserJson, postForm, leadStatus, expectSilentlyQuarantined } = captureApi();

describe('spam', () => {
  it('a filled honeypot gets a normal success but nothing is stored as a lead', async () => {
    const email = 'honeypot-bot@spam.example';
    const response = await postBrowserJson({ email, company: 'Bots', website_url: 'http://spam.example' });
    await expectSilentlyQuarantined(response, email, 'honeypot-filled');
  });

  it('a filled honeypot in a form post still redirects to the thank-you page', async () => {
    const email = 'honeypot-form@spam.example';
    const response = await postForm({ email, website_url: 'buy now' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(DEFAULT_THANK_YOU);
    await h.settle();
    expect(await leadStatus(leadIdFor('demo', email))).toBe(404);
    expect((await h.quarantined(email))[0]?.reasons).toEqual(['honeypot-filled']);
  });

  it('a form filled in 0.5 s (minimum 2 s) is quarantined', async () => {
    const email = 'too-fast@spam.example';
    const response = await postBrowserJson({ email, formRenderedAt: h.clock.now().getTime() - 500 });
    await expectSilentlyQuarantined(response, email, 'filled-too-fast');
  });

  it('a form filled in 10 s is accepted (also when the time comes as a form string)', async () => {
    const response = await postBrowserJson({
      email: 'patient@human.example',
      formRenderedAt: h.clock.now().getTime() - 10_000,
    });
    expect(await response.json()).toEqual({
      leadId: leadIdFor('demo', 'patient@human.example'),
      status: 'received',
    });
    const form = await postForm({
      email: 'patient-form@human.example',
      formRenderedAt: String(h.clock.now().getTime() - 10_000),
    });
    expect(form.status).toBe(303);
    await h.settle();
    expect(await leadStatus(leadIdFor('demo', 'patient@human.example'))).toBe(200);
    expect(await leadStatus(leadIdFor('demo', 'patient-form@human.example'))).toBe(200);
    expect(await h.quarantined('patient@human.example')).toHaveLength(0);
  });

  it('a spam re-submission of a known lead does not touch the lead', async () => {
    const email = 'known-then-bot@human.example';
    await postBrowserJson({ email });
    await h.settle();
    const leadId = leadIdFor('demo', email);
    const before = await h.getLead(leadId);
    await postBrowserJson({ email, website_url: 'x' });
    await h.settle();
    const after = await h.getLead(leadId);
    expect(after.submissionCount).toBe(1);
    expect(after.timeline).toEqual(before.timeline);
    expect(await h.quarantined(email)).toHaveLength(1);
  });
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    fetch(`${h.url}/leads`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,idempotency-key',
      },
    });

  it('allows the unit’s own site', async () => {
    const response = await preflight('http://localhost:3000');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(',');
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'idempotency-key']));
    expect((response.headers.get('access-control-allow-methods') ?? '').toUpperCase()).toContain('POST');
  });

  it('does not allow another origin', async () => {
    const response = await preflight('https://evil.example');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('stamps the allowed origin on the actual response only', async () => {
    const ok = await postBrowserJson({ email: 'cors@acme.example' }, { origin: 'http://localhost:3000' });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const evil = await postBrowserJson({ email: 'cors2@acme.example' }, { origin: 'https://evil.example' });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
