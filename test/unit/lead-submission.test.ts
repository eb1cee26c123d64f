import { describe, expect, it } from 'vitest';
import {
  FIELD_LIMITS,
  foldFormFields,
  LeadSubmission,
  toProfile,
} from '../../functions/schemas/lead-submission.ts';

const parse = (input: Record<string, unknown>) => LeadSubmission.safeParse(input);

const ok = (input: Record<string, unknown>) => {
  const result = parse({ email: 'jane@acme.example', ...input });
  if (!result.success) throw new Error(JSON.stringify(result.error.issues));
  return result.data;
};

/** The dotted paths of every issue, as the API reports them. */
const failingPaths = (input: Record<string, unknown>) => {
  const result = parse({ email: 'jane@acme.example', ...input });
  expect(result.success).toBe(false);
  return result.error?.issues.map((i) => i.path.join('.')) ?? [];
};

describe('email', () => {
  it('is trimmed and lower-cased', () => {
    expect(ok({ email: '  Jane.Doe@ACME.Example\t' }).email).toBe('jane.doe@acme.example');
  });

  it.each([undefined, '', '   ', 'jane', 'jane@', '@acme.example', 'jane@acme', 42, null])(
    'rejects %j',
    (email) => {
      expect(failingPaths({ email })).toEqual(['email']);
    },
  );

  it('says it is required when missing', () => {
    const result = parse({});
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['email'], message: 'is required' }),
    ]);
  });

  it('limits the address to 254 characters', () => {
    const local = 'a'.repeat(64);
    const long = `${local}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.example`;
    expect(long.length).toBeGreaterThan(254);
    expect(failingPaths({ email: long })).toEqual(['email']);
  });
});

describe('form coercions', () => {
  it('turns numeric strings into whole numbers and blanks into nothing', () => {
    expect(ok({ companySize: '120' }).companySize).toBe(120);
    expect(ok({ companySize: ' 7 ' }).companySize).toBe(7);
    expect(ok({ companySize: 250 }).companySize).toBe(250);
    expect(ok({ companySize: '' }).companySize).toBeUndefined();
    expect(ok({ formRenderedAt: '1774256400000' }).formRenderedAt).toBe(1_774_256_400_000);
  });

  it.each(['lots', '12.5', 12.5, '0', 0, '-3', '1e9', Number.POSITIVE_INFINITY, Number.NaN, true])(
    'rejects company size %j',
    (companySize) => {
      expect(failingPaths({ companySize })).toEqual(['companySize']);
    },
  );

  it.each([
    ['yes', true],
    ['YES', true],
    ['on', true],
    ['true', true],
    ['1', true],
    [true, true],
    ['no', false],
    ['off', false],
    ['false', false],
    ['0', false],
    ['', false],
    [false, false],
  ])('reads consent %j as %s', (consent, expected) => {
    expect(ok({ consent }).consent).toBe(expected);
  });

  it('rejects consent it cannot read', () => {
    expect(failingPaths({ consent: 'maybe' })).toEqual(['consent']);
    expect(failingPaths({ consent: 1 })).toEqual(['consent']);
  });

  it('upper-cases the country code and rejects anything but two letters', () => {
    expect(ok({ country: ' de ' }).country).toBe('DE');
    expect(ok({ country: '' }).country).toBeUndefined();
    for (const country of ['Germany', 'D', 'D1', 'DEU'])
      expect(failingPaths({ country })).toEqual(['country']);
  });

  it('adds a scheme to a bare website and rejects non-addresses', () => {
    expect(ok({ website: 'acme.example' }).website).toBe('https://acme.example');
    expect(ok({ website: 'HTTP://acme.example/about' }).website).toBe('HTTP://acme.example/about');
    expect(ok({ website: '  ' }).website).toBeUndefined();
    expect(failingPaths({ website: 'not a website' })).toEqual(['website']);
  });

  it('normalizes the intent slug', () => {
    expect(ok({ intent: ' Contact-Sales ' }).intent).toBe('contact-sales');
    expect(ok({ intent: '' }).intent).toBeUndefined();
    expect(failingPaths({ intent: 'talk to sales' })).toEqual(['intent']);
  });

  it('trims text fields and drops blank ones', () => {
    const data = ok({ firstName: '  Jürgen ', lastName: '', company: ' ', message: ' hi ' });
    expect(data).toMatchObject({ firstName: 'Jürgen', message: 'hi' });
    expect(data.lastName).toBeUndefined();
    expect(data.company).toBeUndefined();
  });

  it('accepts phone numbers people write and rejects words', () => {
    for (const phone of ['+49 30 1234567', '(030) 123-456', '030/123.456'])
      expect(ok({ phone }).phone).toBe(phone);
    expect(ok({ phone: '' }).phone).toBeUndefined();
    for (const phone of ['call me', '123', '+49 30 12345 ext. 7'])
      expect(failingPaths({ phone })).toEqual(['phone']);
  });

  it('stringifies custom values', () => {
    expect(ok({ custom: { seats: 40, trial: true, industry: ' Retail ' } }).custom).toEqual({
      seats: '40',
      trial: 'true',
      industry: 'Retail',
    });
  });

  it('drops fields it does not know', () => {
    const data = ok({ role: 'admin', leadId: 'ld_x', stage: 'won' }) as Record<string, unknown>;
    expect(data).not.toHaveProperty('role');
    expect(data).not.toHaveProperty('stage');
  });
});

describe('limits', () => {
  it.each([
    ['firstName', FIELD_LIMITS.name],
    ['lastName', FIELD_LIMITS.name],
    ['company', FIELD_LIMITS.company],
    ['jobTitle', FIELD_LIMITS.jobTitle],
    ['message', FIELD_LIMITS.message],
  ])('%s: %i characters pass, one more fails', (field, max) => {
    expect(ok({ [field]: 'x'.repeat(max) })[field as 'company']).toHaveLength(max);
    expect(failingPaths({ [field]: 'x'.repeat(max + 1) })).toEqual([field]);
  });

  it('limits measure the trimmed value', () => {
    expect(ok({ company: ` ${'x'.repeat(FIELD_LIMITS.company)} ` }).company).toHaveLength(
      FIELD_LIMITS.company,
    );
  });

  it('limits UTM values', () => {
    expect(ok({ utm: { source: 'x'.repeat(FIELD_LIMITS.utm) } }).utm?.source).toHaveLength(FIELD_LIMITS.utm);
    expect(failingPaths({ utm: { campaign: 'x'.repeat(FIELD_LIMITS.utm + 1) } })).toEqual(['utm.campaign']);
    expect(failingPaths({ utm: { source: 'a', sauce: 'b' } })).toEqual(['utm']);
  });

  it('allows 20 custom fields, not 21', () => {
    const fields = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, 'v']));
    expect(Object.keys(ok({ custom: fields(20) }).custom ?? {})).toHaveLength(20);
    const result = parse({ email: 'jane@acme.example', custom: fields(21) });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['custom'], message: 'at most 20 custom fields' }),
    ]);
  });

  it('limits custom field names and values', () => {
    const name = `k${'x'.repeat(FIELD_LIMITS.customKey - 1)}`;
    expect(ok({ custom: { [name]: 'v' } }).custom).toEqual({ [name]: 'v' });
    expect(failingPaths({ custom: { [`${name}x`]: 'v' } })).toEqual([`custom.${name}x`]);
    expect(failingPaths({ custom: { '1st': 'v' } })).toEqual(['custom.1st']);
    expect(failingPaths({ custom: { 'has space': 'v' } })).toEqual(['custom.has space']);
    expect(ok({ custom: { v: 'x'.repeat(FIELD_LIMITS.customValue) } }).custom?.v).toHaveLength(500);
    expect(failingPaths({ custom: { v: 'x'.repeat(FIELD_LIMITS.customValue + 1) } })).toEqual(['custom.v']);
  });

  it('limits redirectTo and the Turnstile token', () => {
    expect(failingPaths({ redirectTo: 'x'.repeat(2_001) })).toEqual(['redirectTo']);
    expect(failingPaths({ 'cf-turnstile-response': 'x'.repeat(4_097) })).toEqual(['cf-turnstile-response']);
  });
});

describe('foldFormFields', () => {
  it('folds flat UTM names and both custom notations into nested objects', () => {
    expect(
      foldFormFields({
        email: 'jane@acme.example',
        utm_source: 'newsletter',
        utm_medium: 'email',
        utm_content: '',
        'custom[industry]': 'Retail',
        'custom.region': 'North',
      }),
    ).toEqual({
      email: 'jane@acme.example',
      utm: { source: 'newsletter', medium: 'email', content: '' },
      custom: { industry: 'Retail', region: 'North' },
    });
  });

  it('leaves other names alone, including look-alikes', () => {
    expect(
      foldFormFields({ utm_foo: 'x', utmsource: 'y', 'custom[]': 'z', 'custom.': 'w', customer: 'v' }),
    ).toEqual({ utm_foo: 'x', utmsource: 'y', 'custom[]': 'z', 'custom.': 'w', customer: 'v' });
  });

  it('adds nothing when there is nothing to fold', () => {
    expect(foldFormFields({ email: 'a@b.example' })).toEqual({ email: 'a@b.example' });
  });

  it('merges flat names into nested objects sent alongside (JSON)', () => {
    expect(
      foldFormFields({
        utm: { source: 'ads', medium: 'cpc' },
        utm_medium: 'email',
        'custom[a]': '1',
        custom: { b: '2' },
      }),
    ).toEqual({ utm: { source: 'ads', medium: 'email' }, custom: { b: '2', a: '1' } });
  });

  it('keeps a nested value that is not an object, so validation reports it', () => {
    expect(foldFormFields({ utm: 'spring', utm_source: 'x' })).toEqual({ utm: 'spring' });
  });

  it('ignores __proto__ names instead of changing prototypes', () => {
    const fields = JSON.parse(
      '{"__proto__":{"email":"x@y.example"},"custom[__proto__]":{"a":1},"custom[ok]":"1"}',
    );
    const folded = foldFormFields(fields);
    expect(Object.getPrototypeOf(folded)).toBe(Object.prototype);
    expect(folded).toEqual({ custom: { ok: '1' } });
    expect((folded as { email?: string }).email).toBeUndefined();
    expect(Object.getPrototypeOf(folded.custom)).toBe(Object.prototype);
  });

  it('feeds the schema: a whole form post parses', () => {
    const data = ok(
      foldFormFields({
        email: ' Juergen@Baeckerei.example ',
        firstName: 'Jürgen',
        companySize: '12',
        consent: 'on',
        utm_source: 'flyer',
        utm_term: '',
        'custom[industry]': 'Bakery',
        formRenderedAt: '',
      }),
    );
    expect(data).toMatchObject({
      email: 'juergen@baeckerei.example',
      firstName: 'Jürgen',
      companySize: 12,
      consent: true,
      utm: { source: 'flyer' },
      custom: { industry: 'Bakery' },
    });
    expect(data.formRenderedAt).toBeUndefined();
  });
});

describe('toProfile', () => {
  it('keeps what the prospect said and drops submission-only fields and blanks', () => {
    const profile = toProfile(
      ok({
        firstName: 'Jane',
        company: 'Acme',
        companySize: '50',
        consent: 'no',
        utm: { source: 'ads', term: '' },
        custom: { tier: 'gold' },
        formId: 'pricing',
        formRenderedAt: 1,
        redirectTo: 'https://x.example',
        'cf-turnstile-response': 'token',
      }),
    );
    expect(profile).toEqual({
      email: 'jane@acme.example',
      firstName: 'Jane',
      company: 'Acme',
      companySize: 50,
      consent: false,
      utm: { source: 'ads' },
      custom: { tier: 'gold' },
      formId: 'pricing',
    });
  });

  it('omits empty UTM and custom objects', () => {
    expect(toProfile(ok({ utm: { source: '', medium: ' ' }, custom: {} }))).toEqual({
      email: 'jane@acme.example',
    });
  });
});
