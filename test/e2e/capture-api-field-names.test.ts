/**
 * POST /leads end to end with custom field names that mean something in JavaScript
 * (`constructor`, `toString`, `__proto__`...): an allowed name is stored and read back exactly,
 * and no name ever changes a prototype.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../functions/domain/capture.ts';
import { captureApi } from './capture-fixtures.ts';

const { h, post, postJson, postForm } = captureApi();

/** Names that are allowed custom field names and are also properties of every JS object. */
const JS_NAMES = [
  'constructor',
  'prototype',
  'toString',
  'toLocaleString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'length',
  'name',
  'then',
  'a__proto__b',
] as const;

const ownCustom = (lead: { profile: { custom?: Record<string, string> } }) => lead.profile.custom;

afterEach(() => {
  // The handlers run in this process: a polluted Object.prototype would show here.
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  expect(({} as Record<string, unknown>).constructor).toBe(Object);
});

describe('custom field names with a meaning in JavaScript', () => {
  it.each(JS_NAMES)('stores custom.%s from JSON and reads it back exactly', async (name) => {
    const email = `json-${name.toLowerCase()}@names.example`;
    const response = await postJson({ email, custom: { [name]: `value of ${name}`, plain: 'p' } });
    expect(response.status).toBe(202);
    await h.settle();
    const lead = await h.getLead(leadIdFor('demo', email));
    expect(ownCustom(lead)).toEqual({ [name]: `value of ${name}`, plain: 'p' });
    expect(Object.keys(ownCustom(lead) ?? {}).sort()).toEqual([name, 'plain'].sort());
  });

  it('stores every such name at once, from a plain form post', async () => {
    const email = 'form-all@names.example';
    const fields: Record<string, string> = { email };
    for (const name of JS_NAMES) fields[`custom[${name}]`] = `form ${name}`;
    const response = await postForm(fields);
    expect(response.status).toBe(303);
    await h.settle();
    const lead = await h.getLead(leadIdFor('demo', email));
    expect(ownCustom(lead)).toEqual(Object.fromEntries(JS_NAMES.map((n) => [n, `form ${n}`])));
  });

  it('keeps custom.constructor through a re-submission (the update path)', async () => {
    const email = 'resubmit@names.example';
    expect((await postJson({ email })).status).toBe(202);
    await h.settle();
    const again = await postJson({ email, custom: { constructor: 'x', valueOf: 'y' } });
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ status: 'updated' });
    await h.settle();
    const lead = await h.getLead(leadIdFor('demo', email));
    expect(ownCustom(lead)).toEqual({ constructor: 'x', valueOf: 'y' });
    expect(lead.submissionCount).toBe(2);
  });

  it('a form post with custom[constructor]=x is a lead, not a 500', async () => {
    const response = await post(`email=${encodeURIComponent('ctor@names.example')}&custom[constructor]=x`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(response.status).toBe(202);
    await h.settle();
    const lead = await h.getLead(leadIdFor('demo', 'ctor@names.example'));
    expect(ownCustom(lead)).toEqual({ constructor: 'x' });
  });
});

describe('__proto__ never changes a prototype', () => {
  it('ignores __proto__ at every level of a JSON body and of a form post', async () => {
    const json = await post(
      JSON.stringify({ email: 'proto-json@names.example', custom: { ok: '1' } }).replace(
        /^\{/,
        '{"__proto__":{"polluted":"yes","company":"Injected"},"custom[__proto__]":{"polluted":"yes"},',
      ),
      { 'content-type': 'application/json' },
    );
    expect(json.status).toBe(202);
    const nested = await post(
      '{"email":"proto-nested@names.example","custom":{"__proto__":{"polluted":"yes"},"ok":"1"}}',
      { 'content-type': 'application/json' },
    );
    expect(nested.status).toBe(202);
    const form = await post(
      'email=proto-form%40names.example&__proto__%5Bpolluted%5D=yes&custom%5B__proto__%5D=yes&custom.__proto__=yes&custom%5Bok%5D=1',
      { 'content-type': 'application/x-www-form-urlencoded' },
    );
    expect(form.status).toBe(202);
    await h.settle();
    for (const email of [
      'proto-json@names.example',
      'proto-nested@names.example',
      'proto-form@names.example',
    ]) {
      const lead = await h.getLead(leadIdFor('demo', email));
      expect(lead.profile).toEqual({ email, custom: { ok: '1' } });
      expect(Object.getPrototypeOf(lead.profile.custom)).toBe(Object.prototype);
    }
  });
});

describe('strings that are not Unicode text', () => {
  it('stores a lone surrogate (a JSON escape UTF-8 cannot carry) as U+FFFD, and the lead is worked normally', async () => {
    // Found by the HTTP surface fuzz: the lead was accepted, then every email about it failed
    // ("URI malformed" in the SES client), so its lifecycle ended in RecordFailure.
    const email = 'surrogate@kunde-gmbh.example';
    const response = await post(
      `{"email":"${email}","firstName":"Eva\\ud800","lastName":"\\udfffSchmidt","company":"Acme \\ud83d GmbH","country":"DE","intent":"contact-sales","custom":{"note":"\\udc00"}}`,
      { 'content-type': 'application/json' },
    );
    expect(response.status).toBe(202);
    await h.settle();
    const leadId = leadIdFor('demo', email);
    const lead = await h.getLead(leadId);
    expect(lead.profile).toMatchObject({
      firstName: 'Eva\ufffd',
      lastName: '\ufffdSchmidt',
      company: 'Acme \ufffd GmbH',
      custom: { note: '\ufffd' },
    });
    expect(lead.stage).toBe('assigned');
    expect(h.path(leadId)).not.toContain('RecordFailure');
    const mails = await h.emails();
    expect(mails.some((m) => m.subject.includes('Eva\ufffd \ufffdSchmidt (Acme \ufffd GmbH)'))).toBe(true);
  });

  it('keeps well-formed pairs written as escapes', async () => {
    const email = 'pair@names.example';
    const response = await post(`{"email":"${email}","firstName":"\\ud83d\\ude00 Eva"}`, {
      'content-type': 'application/json',
    });
    expect(response.status).toBe(202);
    await h.settle();
    expect((await h.getLead(leadIdFor('demo', email))).profile.firstName).toBe('😀 Eva');
  });
});
