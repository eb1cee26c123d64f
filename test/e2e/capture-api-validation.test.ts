/** POST /leads end to end: invalid fields and bodies are answered with problems (4xx), never a 5xx. */
import { describe, expect, it } from 'vitest';
import { leadIdFor } from '../../functions/domain/capture.ts';
import { captureApi, expectProblem } from './capture-fixtures.ts';

const { h, post, postJson, postForm, leadStatus } = captureApi();

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
