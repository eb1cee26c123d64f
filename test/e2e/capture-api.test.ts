import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../functions/domain/capture.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';

let h: Harness;

beforeAll(async () => {
  // Monday 23 March 2026, 10:00 in Berlin.
  h = await startHarness({ start: '2026-03-23T09:00:00Z' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const DEFAULT_THANK_YOU = 'http://localhost:3000/thank-you';
const OTHER_THANK_YOU = 'http://127.0.0.1:3000/thank-you';

/** A raw POST /leads: any body, any headers, redirects not followed. */
const post = (body: string, headers: Record<string, string> = {}) =>
  h.clock.track(() => fetch(`${h.url}/leads`, { method: 'POST', headers, body, redirect: 'manual' }));

const postJson = (body: unknown, headers: Record<string, string> = {}) =>
  post(JSON.stringify(body), { 'content-type': 'application/json', ...headers });

const postForm = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  post(new URLSearchParams(fields).toString(), {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    ...headers,
  });

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}

async function expectProblem(response: Response, status: number): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as Problem;
  expect(problem).toMatchObject({ status, title: expect.any(String) });
  expect(problem.type).toMatch(/^https:\/\/leadflow\.dev\/problems\/[a-z0-9-]+$/);
  return problem;
}

const capturedEvents = (leadId: string) =>
  h.local.bus.log.filter((e) => e['detail-type'] === 'LeadCaptured' && e.detail.leadId === leadId);

const executions = (leadId: string) => h.local.stepFunctions.list().filter((e) => e.name === leadId);

/** Status of GET /leads/{id} for ops, who may see every lead. */
const leadStatus = async (leadId: string) =>
  (await fetch(`${h.url}/leads/${leadId}`, { headers: { authorization: `Bearer ${h.opsToken}` } })).status;

/** A spam submission must look like a success and leave no lead, event or execution behind. */
async function expectSilentlyQuarantined(response: Response, email: string, reason: string) {
  expect(response.status).toBe(202);
  const body = (await response.json()) as { leadId: string; status: string };
  expect(body).toEqual({ leadId: expect.stringMatching(/^ld_[A-Za-z0-9_-]{24}$/), status: 'created' });
  // Real ids are base64url; a hex-only id would tell a bot it was caught.
  expect(body.leadId).not.toMatch(/^ld_[0-9a-f]{24}$/);
  expect(response.headers.get('location')).toBe(`/leads/${body.leadId}`);
  await h.settle();
  const realId = leadIdFor('demo', email);
  expect(body.leadId).not.toBe(realId);
  expect(await leadStatus(realId)).toBe(404);
  expect(await leadStatus(body.leadId)).toBe(404);
  expect(capturedEvents(realId)).toHaveLength(0);
  expect(capturedEvents(body.leadId)).toHaveLength(0);
  expect(executions(realId)).toHaveLength(0);
  const items = await h.quarantined(email);
  expect(items).toHaveLength(1);
  expect(items[0]?.reasons).toContain(reason);
}

describe('JSON capture', () => {
  it('answers 202 with the lead id and location, publishes LeadCaptured without personal data, and stores the normalized email', async () => {
    const response = await postJson({
      email: '  Grace.Hopper@Navy-Labs.EXAMPLE ',
      firstName: 'Grace',
      lastName: 'Hopper',
      company: 'Navy Labs',
      phone: '+1 202 555 0100',
      country: 'us',
      intent: 'contact-sales',
      formId: 'pricing-page',
      message: 'Call me about COBOL.',
      utm: { source: 'google', campaign: 'spring' },
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { leadId: string; status: string };
    expect(body).toEqual({ leadId: leadIdFor('demo', 'grace.hopper@navy-labs.example'), status: 'created' });
    expect(response.headers.get('location')).toBe(`/leads/${body.leadId}`);
    await h.settle();

    const events = capturedEvents(body.leadId);
    expect(events).toHaveLength(1);
    expect(events[0]?.source).toBe('leadflow');
    expect(events[0]?.detail).toMatchObject({
      version: 1,
      businessUnit: 'demo',
      leadId: body.leadId,
      occurredAt: '2026-03-23T09:00:00.000Z',
      data: {
        intent: 'contact-sales',
        formId: 'pricing-page',
        country: 'US',
        utm: { source: 'google', campaign: 'spring' },
        resubmission: false,
      },
    });
    const detail = JSON.stringify(events[0]?.detail).toLowerCase();
    for (const personal of ['grace', 'hopper', 'navy-labs', '202 555', '0100', 'cobol', '@']) {
      expect(detail).not.toContain(personal);
    }

    const lead = await h.getLead(body.leadId);
    expect(lead.profile).toMatchObject({
      email: 'grace.hopper@navy-labs.example',
      firstName: 'Grace',
      country: 'US',
      utm: { source: 'google', campaign: 'spring' },
    });
    expect(lead.submissionCount).toBe(1);
    expect(lead.timeline[0]).toMatchObject({ type: 'captured', at: '2026-03-23T09:00:00.000Z' });
    expect(executions(body.leadId)).toHaveLength(1);
  });

  it('folds flat utm_* and custom[...] names in JSON too (what a page serializing its form sends)', async () => {
    const response = await postJson({
      email: 'flat-json@acme.example',
      formId: 'demo-contact',
      utm_source: 'newsletter',
      utm_campaign: 'spring-26',
      utm_term: '',
      'custom[industry]': 'Retail',
      custom: { region: 'North' },
      website_url: '',
      companySize: '',
      formRenderedAt: h.clock.now().getTime() - 60_000,
    });
    expect(response.status).toBe(202);
    await h.settle();
    const lead = await h.getLead(leadIdFor('demo', 'flat-json@acme.example'));
    expect(lead.profile).toEqual({
      email: 'flat-json@acme.example',
      formId: 'demo-contact',
      utm: { source: 'newsletter', campaign: 'spring-26' },
      custom: { region: 'North', industry: 'Retail' },
    });
    const [event] = capturedEvents(lead.leadId as string);
    expect(event?.detail.data).toMatchObject({ utm: { source: 'newsletter', campaign: 'spring-26' } });
  });

  it('accepts a JSON media type with parameters and a +json suffix', async () => {
    const withCharset = await post(JSON.stringify({ email: 'charset@json.example' }), {
      'content-type': 'Application/JSON; charset=utf-8',
    });
    expect(withCharset.status).toBe(202);
    const suffixed = await post(JSON.stringify({ email: 'suffix@json.example' }), {
      'content-type': 'application/vnd.leadflow+json',
    });
    expect(suffixed.status).toBe(202);
    expect(await suffixed.json()).toEqual({
      leadId: leadIdFor('demo', 'suffix@json.example'),
      status: 'created',
    });
  });
});

describe('plain HTML form capture', () => {
  const form = (email: string, extra: Record<string, string> = {}) => ({
    formId: 'demo-contact',
    email,
    firstName: 'Jürgen',
    lastName: 'Müller-Lüdenscheidt',
    company: 'Bäckerei Größe & Söhne',
    companySize: '',
    country: 'de',
    consent: 'yes',
    intent: 'content',
    utm_source: 'newsletter',
    utm_medium: 'email',
    utm_term: '',
    'custom[industry]': 'Bakery',
    'custom.region': 'Süd',
    website_url: '',
    ...extra,
  });

  it('stores a UTF-8 form post with folded fields and redirects (303) to the default thank-you page', async () => {
    const response = await postForm(form('juergen@baeckerei.example'));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(DEFAULT_THANK_YOU);
    expect(await response.text()).toBe('');
    await h.settle();

    const leadId = leadIdFor('demo', 'juergen@baeckerei.example');
    const lead = await h.getLead(leadId);
    expect(lead.profile).toEqual({
      email: 'juergen@baeckerei.example',
      formId: 'demo-contact',
      firstName: 'Jürgen',
      lastName: 'Müller-Lüdenscheidt',
      company: 'Bäckerei Größe & Söhne',
      country: 'DE',
      consent: true,
      intent: 'content',
      utm: { source: 'newsletter', medium: 'email' },
      custom: { industry: 'Bakery', region: 'Süd' },
    });
    expect(capturedEvents(leadId)).toHaveLength(1);
  });

  it('honours an allowlisted redirectTo', async () => {
    const response = await postForm(form('allowed@redirect.example', { redirectTo: OTHER_THANK_YOU }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(OTHER_THANK_YOU);
  });

  it.each([
    'https://evil.example/thank-you',
    '//evil.example',
    'http://localhost:3000/thank-you?next=https://evil.example',
    'http://localhost:3000.evil.example/thank-you',
    'javascript:alert(1)',
  ])('does not redirect to a URL outside the allowlist (%s)', async (redirectTo) => {
    const email = `open-redirect-${redirectTo.length}@redirect.example`;
    const response = await postForm(form(email, { redirectTo }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(DEFAULT_THANK_YOU);
  });
});

describe('validation', () => {
  const valid = { email: 'valid@acme.example', company: 'Acme' };
  const customFields = (n: number) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`field${i}`, 'x']));

  it.each([
    ['missing email', { company: 'Acme' }, 'email'],
    ['bad email', { email: 'not-an-email' }, 'email'],
    ['empty email', { email: '   ' }, 'email'],
    ['too-long company', { ...valid, company: 'x'.repeat(201) }, 'company'],
    ['bad country', { ...valid, country: 'Germany' }, 'country'],
    ['too many custom fields', { ...valid, custom: customFields(21) }, 'custom'],
    ['bad custom field name', { ...valid, custom: { '1st': 'x' } }, 'custom.1st'],
    ['too-long custom value', { ...valid, custom: { industry: 'x'.repeat(501) } }, 'custom.industry'],
    ['too-long UTM value', { ...valid, utm: { source: 'x'.repeat(201) } }, 'utm.source'],
    ['unknown UTM key', { ...valid, utm: { sauce: 'x' } }, 'utm'],
    ['non-numeric company size', { ...valid, companySize: 'lots' }, 'companySize'],
    ['fractional company size', { ...valid, companySize: 12.5 }, 'companySize'],
    ['unreadable consent', { ...valid, consent: 'maybe' }, 'consent'],
    ['bad phone', { ...valid, phone: 'call me' }, 'phone'],
    ['email of the wrong type', { email: 42 }, 'email'],
  ])('%s → 400 with the field path', async (_name, body, path) => {
    const problem = await expectProblem(await postJson(body), 400);
    expect(problem.type).toBe('https://leadflow.dev/problems/validation-failed');
    expect(problem.title).toBe('Validation failed');
    expect(problem.errors).toEqual([{ path, message: expect.any(String) }]);
    expect(problem.errors?.[0]?.message.length).toBeGreaterThan(3);
  });

  it('says what is wrong with a custom field name, not just that the key is invalid', async () => {
    const problem = await expectProblem(
      await postJson({ ...valid, custom: { '1st': 'x', [`k${'x'.repeat(40)}`]: 'y' } }),
      400,
    );
    expect(problem.errors).toEqual([
      { path: 'custom.1st', message: 'custom field names are letters, digits, - and _' },
      { path: `custom.k${'x'.repeat(40)}`, message: 'custom field names are at most 40 characters' },
    ]);
    const size = await expectProblem(await postJson({ ...valid, companySize: 'lots' }), 400);
    expect(size.errors).toEqual([{ path: 'companySize', message: 'must be a whole number' }]);
  });

  it('names each invalid field once when several are wrong', async () => {
    const problem = await expectProblem(
      await postJson({ email: 'nope', company: 'x'.repeat(201), country: 'Germany' }),
      400,
    );
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['company', 'country', 'email']);
    expect(problem.errors?.find((e) => e.path === 'email')?.message).toBe('must be a valid email address');
    expect(problem.errors?.find((e) => e.path === 'company')?.message).toBe('must be at most 200 characters');
  });

  it('folds form field paths the same way (custom[...] counts against the limit)', async () => {
    const fields: Record<string, string> = { email: 'form-limit@acme.example' };
    for (let i = 0; i < 21; i++) fields[`custom[f${i}]`] = 'x';
    const problem = await expectProblem(await postForm(fields, { accept: 'application/json' }), 400);
    expect(problem.errors).toEqual([{ path: 'custom', message: 'at most 20 custom fields' }]);
  });

  it('shows a browser an HTML error page with status 400 that names the fields', async () => {
    const response = await postForm({ email: 'not-an-email', company: '<script>alert(1)</script>' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('Validation failed');
    expect(html).toContain('<strong>email</strong>: must be a valid email address');
    expect(html).not.toContain('<script>');
    expect(await leadStatus(leadIdFor('demo', 'not-an-email'))).toBe(404);
  });

  it('stores nothing for an invalid submission', async () => {
    await postJson({ email: 'invalid-store@acme.example', country: 'Germany' });
    await h.settle();
    expect(await leadStatus(leadIdFor('demo', 'invalid-store@acme.example'))).toBe(404);
  });
});

describe('bad bodies never cause a 5xx', () => {
  it('rejects malformed JSON with 400', async () => {
    const problem = await expectProblem(
      await post('{"email": "broken@acme.example",', { 'content-type': 'application/json' }),
      400,
    );
    expect(problem.title).toBe('Malformed JSON');
  });

  it.each([
    ['an array', '[{"email":"array@acme.example"}]'],
    ['null', 'null'],
    ['a string', '"array@acme.example"'],
    ['a number', '42'],
    ['nothing', ''],
    ['whitespace', '  \n '],
  ])('rejects a JSON body that is %s with 400', async (_name, body) => {
    await expectProblem(await post(body, { 'content-type': 'application/json' }), 400);
  });

  it('rejects a body over 16 KB with 413', async () => {
    const problem = await expectProblem(
      await postJson({ email: 'big@acme.example', message: 'x'.repeat(17 * 1024) }),
      413,
    );
    expect(problem.title).toBe('Payload too large');
    expect(problem.detail).toContain('16384');
    expect(await leadStatus(leadIdFor('demo', 'big@acme.example'))).toBe(404);
  });

  it('counts bytes, not characters, against the limit', async () => {
    // 6,000 three-byte characters: 18 KB on the wire although under 16 K characters.
    await expectProblem(
      await postJson({ email: 'bytes@acme.example', custom: { note: '€'.repeat(6_000) } }),
      413,
    );
  });

  it('rejects text/plain with 415 and says what it accepts', async () => {
    const response = await post(JSON.stringify({ email: 'plain@acme.example' }), {
      'content-type': 'text/plain',
    });
    const problem = await expectProblem(response, 415);
    expect(problem.title).toBe('Unsupported media type');
    expect(response.headers.get('accept-post')).toBe('application/json, application/x-www-form-urlencoded');
  });

  it('rejects multipart and unlabelled bodies with 415', async () => {
    const multipart = new FormData();
    multipart.set('email', 'multipart@acme.example');
    const response = await h.clock.track(() =>
      fetch(`${h.url}/leads`, { method: 'POST', body: multipart, redirect: 'manual' }),
    );
    await expectProblem(response, 415);
    await expectProblem(await post('email=unlabelled@acme.example'), 415);
  });

  it.each([
    ['nested garbage', { email: 'garbage@acme.example', utm: 'spring', custom: [1, 2] }],
    ['a deep object', { email: 'deep@acme.example', custom: { a: { b: { c: {} } } } }],
    ['a huge redirectTo', { email: 'redirect@acme.example', redirectTo: 'x'.repeat(2_001) }],
  ])('answers %s with 400', async (_name, body) => {
    await expectProblem(await postJson(body), 400);
  });

  it('answers numbers JSON can write but a lead cannot hold with 400', async () => {
    // 1e400 parses to Infinity.
    const problem = await expectProblem(
      await post('{"email":"inf@acme.example","companySize":1e400,"formRenderedAt":-1}', {
        'content-type': 'application/json',
      }),
      400,
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(['companySize', 'formRenderedAt']);
  });

  it('ignores __proto__ keys instead of letting them shape the submission', async () => {
    const response = await post(
      '{"__proto__":{"email":"proto@acme.example","admin":true},"utm_source":"x","custom":{"__proto__":{"a":"b"}},"custom[__proto__]":{"c":"d"}}',
      { 'content-type': 'application/json' },
    );
    const problem = await expectProblem(response, 400);
    expect(problem.errors).toEqual([{ path: 'email', message: 'is required' }]);

    const ok = await post(
      '{"email":"proto@acme.example","__proto__":{"company":"Injected"},"custom":{"__proto__":"x","size":"5"}}',
      { 'content-type': 'application/json' },
    );
    expect(ok.status).toBe(202);
    await h.settle();
    const lead = await h.getLead(leadIdFor('demo', 'proto@acme.example'));
    expect(lead.profile).toEqual({ email: 'proto@acme.example', custom: { size: '5' } });
  });

  it('answers malformed percent-encoding and invalid UTF-8 in a form without a 5xx', async () => {
    const response = await post('email=bad%E0%A4%A@acme.example&firstName=%FF%FE&company=%', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(response.status).toBeLessThan(500);
    expect([202, 400]).toContain(response.status);
  });
});

describe('re-submission', () => {
  it('the same email (other case and whitespace) is the same lead: updated, resubmitted, counted, one lifecycle', async () => {
    const first = await postJson({ email: 'Repeat@Acme.example', company: 'Acme', intent: 'content' });
    const firstBody = (await first.json()) as { leadId: string; status: string };
    expect(firstBody.status).toBe('created');
    await h.settle();

    const second = await postJson({ email: '  REPEAT@acme.EXAMPLE\t', intent: 'demo', jobTitle: 'CTO' });
    expect(second.status).toBe(202);
    const secondBody = (await second.json()) as { leadId: string; status: string };
    expect(secondBody).toEqual({ leadId: firstBody.leadId, status: 'updated' });
    expect(second.headers.get('location')).toBe(`/leads/${firstBody.leadId}`);
    await h.settle();

    const lead = await h.getLead(firstBody.leadId);
    expect(lead.submissionCount).toBe(2);
    expect(lead.timeline.filter((e) => e.type === 'resubmitted')).toHaveLength(1);
    expect(lead.timeline.filter((e) => e.type === 'captured')).toHaveLength(1);
    // What the prospect said first is kept; what is new is added.
    expect(lead.profile).toMatchObject({
      email: 'repeat@acme.example',
      company: 'Acme',
      intent: 'content',
      jobTitle: 'CTO',
    });
    expect(executions(firstBody.leadId)).toHaveLength(1);
  });

  it('re-submitting just an email (a newsletter form) is recorded, not a 500', async () => {
    const email = 'newsletter-only@acme.example';
    expect((await postJson({ email })).status).toBe(202);
    await h.settle();
    const again = await postJson({ email });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ leadId: leadIdFor('demo', email), status: 'updated' });
    const lead = await h.getLead(leadIdFor('demo', email));
    expect(lead.submissionCount).toBe(2);
    expect(lead.timeline.filter((e) => e.type === 'resubmitted')).toHaveLength(1);
  });

  it('10 parallel submissions of one email make exactly one lead with one lifecycle', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        postJson({ email: i % 2 ? 'Race@Acme.example' : 'race@acme.example', company: 'Race Inc' }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{
      leadId: string;
      status: string;
    }>;
    const leadId = leadIdFor('demo', 'race@acme.example');
    expect(new Set(bodies.map((b) => b.leadId))).toEqual(new Set([leadId]));
    expect(bodies.filter((b) => b.status === 'created')).toHaveLength(1);
    expect(bodies.filter((b) => b.status === 'updated')).toHaveLength(9);
    await h.settle();

    const lead = await h.getLead(leadId);
    expect(lead.submissionCount).toBe(10);
    expect(lead.timeline.filter((e) => e.type === 'captured')).toHaveLength(1);
    expect(lead.timeline.filter((e) => e.type === 'resubmitted')).toHaveLength(9);
    expect(executions(leadId)).toHaveLength(1);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer for the same key and body: one write, one event', async () => {
    const body = { email: 'idem@acme.example', company: 'Idem GmbH', intent: 'content' };
    const headers = { 'idempotency-key': 'order-7f3a-0001' };
    const first = await postJson(body, headers);
    expect(first.status).toBe(202);
    const firstText = await first.text();
    await h.settle();
    const second = await postJson(body, headers);
    expect(second.status).toBe(202);
    expect(await second.text()).toBe(firstText);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    await h.settle();

    const leadId = leadIdFor('demo', 'idem@acme.example');
    expect(JSON.parse(firstText)).toEqual({ leadId, status: 'created' });
    const lead = await h.getLead(leadId);
    expect(lead.submissionCount).toBe(1);
    expect(lead.timeline.filter((e) => e.type === 'resubmitted')).toHaveLength(0);
    expect(capturedEvents(leadId)).toHaveLength(1);
    expect(executions(leadId)).toHaveLength(1);
  });

  it('rejects the same key with another body with 422 and changes nothing', async () => {
    const headers = { 'idempotency-key': 'order-7f3a-0002' };
    expect((await postJson({ email: 'idem2@acme.example' }, headers)).status).toBe(202);
    const problem = await expectProblem(
      await postJson({ email: 'idem2@acme.example', company: 'Changed' }, headers),
      422,
    );
    expect(problem.title).toBe('Idempotency key reused');
    await h.settle();
    const lead = await h.getLead(leadIdFor('demo', 'idem2@acme.example'));
    expect(lead.submissionCount).toBe(1);
    expect(lead.profile).toEqual({ email: 'idem2@acme.example' });
  });

  it('lets only one of several concurrent requests with one key write', async () => {
    const body = { email: 'idem-race@acme.example' };
    const headers = { 'idempotency-key': 'order-7f3a-race' };
    const responses = await Promise.all(Array.from({ length: 5 }, () => postJson(body, headers)));
    const statuses = responses.map((r) => r.status);
    // Either the first answer is replayed or the caller is told to retry; never a second write.
    expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
    expect(statuses).toContain(202);
    const texts = await Promise.all(responses.filter((r) => r.status === 202).map((r) => r.text()));
    expect(new Set(texts).size).toBe(1);
    for (const conflict of responses.filter((r) => r.status === 409)) {
      expect(conflict.headers.get('retry-after')).toBe('1');
    }
    await h.settle();
    const leadId = leadIdFor('demo', 'idem-race@acme.example');
    expect((await h.getLead(leadId)).submissionCount).toBe(1);
    expect(capturedEvents(leadId)).toHaveLength(1);
  });

  it('does not remember a failed request: the corrected retry with the same key succeeds', async () => {
    const headers = { 'idempotency-key': 'order-7f3a-0003' };
    await expectProblem(await postJson({ email: 'idem3@acme' }, headers), 400);
    const retry = await postJson({ email: 'idem3@acme.example' }, headers);
    expect(retry.status).toBe(202);
  });

  it('without a key, a repeated body is a re-submission', async () => {
    const body = { email: 'no-key@acme.example', company: 'No Key Ltd' };
    await postJson(body);
    const again = (await (await postJson(body)).json()) as { status: string };
    expect(again.status).toBe('updated');
  });
});

describe('spam', () => {
  it('a filled honeypot gets a normal success but nothing is stored as a lead', async () => {
    const email = 'honeypot-bot@spam.example';
    const response = await postJson({ email, company: 'Bots', website_url: 'http://spam.example' });
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
    const response = await postJson({ email, formRenderedAt: h.clock.now().getTime() - 500 });
    await expectSilentlyQuarantined(response, email, 'filled-too-fast');
  });

  it('a form filled in 10 s is accepted (also when the time comes as a form string)', async () => {
    const response = await postJson({
      email: 'patient@human.example',
      formRenderedAt: h.clock.now().getTime() - 10_000,
    });
    expect(await response.json()).toEqual({
      leadId: leadIdFor('demo', 'patient@human.example'),
      status: 'created',
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
    await postJson({ email });
    await h.settle();
    const leadId = leadIdFor('demo', email);
    const before = await h.getLead(leadId);
    await postJson({ email, website_url: 'x' });
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
    const ok = await postJson({ email: 'cors@acme.example' }, { origin: 'http://localhost:3000' });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const evil = await postJson({ email: 'cors2@acme.example' }, { origin: 'https://evil.example' });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
