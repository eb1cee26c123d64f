import { describe, expect, it } from 'vitest';
import type { FieldPredicate } from '../../config/schema.ts';
import type { LeadProfile } from '../../functions/domain/lead.ts';
import {
  evaluatePredicate,
  getField,
  isBusinessEmail,
  isFreeMailDomain,
} from '../../functions/domain/predicates.ts';

const profile: LeadProfile = {
  email: 'Jane.Doe@Acme.example',
  company: 'Acme GmbH',
  companySize: 120,
  jobTitle: 'Head of Sales Operations',
  country: 'DE',
  consent: true,
  message: '   ',
  utm: { source: 'LinkedIn', medium: 'paid' },
  custom: { industry: 'Manufacturing', employees: '250' },
};

const holds = (p: FieldPredicate, lead: LeadProfile = profile): boolean => evaluatePredicate(p, lead);

describe('getField', () => {
  it('follows dotted paths and returns undefined for missing or inherited keys', () => {
    expect(getField(profile, 'utm.source')).toBe('LinkedIn');
    expect(getField(profile, 'custom.industry')).toBe('Manufacturing');
    expect(getField(profile, 'utm.campaign')).toBeUndefined();
    expect(getField(profile, 'custom.industry.length')).toBeUndefined();
    expect(getField(profile, 'constructor')).toBeUndefined();
    expect(getField(profile, '__proto__')).toBeUndefined();
  });
});

describe('evaluatePredicate', () => {
  it('exists treats blank strings and missing fields as absent', () => {
    expect(holds({ field: 'company', op: 'exists' })).toBe(true);
    expect(holds({ field: 'message', op: 'exists' })).toBe(false);
    expect(holds({ field: 'phone', op: 'exists' })).toBe(false);
    expect(holds({ field: 'consent', op: 'exists' })).toBe(true);
  });

  it('equals compares strings case-insensitively, numbers with numeric strings, booleans strictly', () => {
    expect(holds({ field: 'utm.source', op: 'equals', value: 'linkedin' })).toBe(true);
    expect(holds({ field: 'utm.source', op: 'equals', value: 'linked' })).toBe(false);
    expect(holds({ field: 'custom.employees', op: 'equals', value: 250 })).toBe(true);
    expect(holds({ field: 'consent', op: 'equals', value: true })).toBe(true);
    expect(holds({ field: 'consent', op: 'equals', value: false })).toBe(false);
    expect(holds({ field: 'consent', op: 'equals', value: 'true' })).toBe(false);
  });

  it('in compares strings case-insensitively', () => {
    expect(holds({ field: 'country', op: 'in', values: ['at', 'de', 'ch'] })).toBe(true);
    expect(holds({ field: 'country', op: 'in', values: ['FR'] })).toBe(false);
    expect(holds({ field: 'companySize', op: 'in', values: [50, 120] })).toBe(true);
    expect(holds({ field: 'phone', op: 'in', values: ['x'] })).toBe(false);
  });

  it('matches is a case-insensitive regular expression', () => {
    expect(holds({ field: 'jobTitle', op: 'matches', pattern: '\\b(head|director)\\b' })).toBe(true);
    expect(holds({ field: 'company', op: 'matches', pattern: '^acme' })).toBe(true);
    expect(holds({ field: 'company', op: 'matches', pattern: '^gmbh' })).toBe(false);
    expect(holds({ field: 'phone', op: 'matches', pattern: '.*' })).toBe(false);
  });

  it('gte and lte work on numbers and numeric strings only', () => {
    expect(holds({ field: 'companySize', op: 'gte', value: 120 })).toBe(true);
    expect(holds({ field: 'companySize', op: 'gte', value: 121 })).toBe(false);
    expect(holds({ field: 'companySize', op: 'lte', value: 120 })).toBe(true);
    expect(holds({ field: 'custom.employees', op: 'gte', value: 200 })).toBe(true);
    expect(holds({ field: 'company', op: 'gte', value: 0 })).toBe(false);
    expect(holds({ field: 'phone', op: 'lte', value: 10 })).toBe(false);
  });

  it('combines with all, any and not', () => {
    const dach: FieldPredicate = { field: 'country', op: 'in', values: ['DE', 'AT', 'CH'] };
    const big: FieldPredicate = { field: 'companySize', op: 'gte', value: 1000 };
    expect(holds({ all: [dach, { not: big }] })).toBe(true);
    expect(holds({ all: [dach, big] })).toBe(false);
    expect(holds({ any: [big, dach] })).toBe(true);
    expect(holds({ not: { any: [big, dach] } })).toBe(false);
  });

  it('classifies the email for freeMailDomain and businessEmail', () => {
    expect(holds({ field: 'email', op: 'businessEmail' })).toBe(true);
    expect(holds({ field: 'email', op: 'freeMailDomain' })).toBe(false);
    const freeMail = { ...profile, email: 'jane@GMAIL.com' };
    expect(holds({ field: 'email', op: 'businessEmail' }, freeMail)).toBe(false);
    expect(holds({ field: 'email', op: 'freeMailDomain' }, freeMail)).toBe(true);
    const broken = { ...profile, email: 'not-an-email' };
    expect(holds({ field: 'email', op: 'businessEmail' }, broken)).toBe(false);
    expect(holds({ field: 'email', op: 'freeMailDomain' }, broken)).toBe(false);
  });
});

describe('isFreeMailDomain', () => {
  it.each([
    'a@gmail.com',
    'a@googlemail.com',
    'a@yahoo.com',
    'a@yahoo.co.uk',
    'a@hotmail.fr',
    'a@outlook.com',
    'a@live.com',
    'a@icloud.com',
    'a@aol.com',
    'a@gmx.de',
    'a@gmx.net',
    'a@web.de',
    'a@proton.me',
    'a@protonmail.com',
    'a@mail.com',
    'a@yandex.ru',
    'a@qq.com',
    'a@163.com',
    'A@Yahoo.Com.Br',
  ])('%s is free mail', (email) => {
    expect(isFreeMailDomain(email)).toBe(true);
    expect(isBusinessEmail(email)).toBe(false);
  });

  it.each(['a@acme.com', 'a@yahoo-partners.com', 'a@live.acme.com', 'a@gmail.acme.io', 'a@mail.acme.com'])(
    '%s is a business address',
    (email) => {
      expect(isFreeMailDomain(email)).toBe(false);
      expect(isBusinessEmail(email)).toBe(true);
    },
  );
});

describe('evaluatePredicate on awkward values', () => {
  /** A profile as it may come out of a JSON document: nulls and padded strings included. */
  const loose = {
    email: 'jane@acme.example',
    company: null,
    companySize: 120,
    consent: true,
    country: ' de ',
    utm: null,
    custom: { employees: ' 250 ', region: 'EMEA' },
  } as unknown as LeadProfile;
  const check = (p: FieldPredicate): boolean => evaluatePredicate(p, loose);

  it('treats null like a missing field, also in the middle of a path', () => {
    expect(getField(loose, 'utm.source')).toBeUndefined();
    expect(check({ field: 'company', op: 'exists' })).toBe(false);
    expect(check({ field: 'company', op: 'matches', pattern: '.*' })).toBe(false);
    expect(check({ not: { field: 'company', op: 'exists' } })).toBe(true);
    expect(check({ field: 'utm.source', op: 'exists' })).toBe(false);
  });

  it('trims both sides of a string comparison', () => {
    expect(check({ field: 'country', op: 'equals', value: 'DE' })).toBe(true);
    expect(check({ field: 'custom.region', op: 'equals', value: '  emea ' })).toBe(true);
    expect(check({ field: 'country', op: 'in', values: [' AT', 'de  '] })).toBe(true);
    expect(check({ field: 'custom.employees', op: 'equals', value: 250 })).toBe(true);
  });

  it('compares numbers exactly, not just for presence', () => {
    expect(check({ field: 'companySize', op: 'equals', value: 121 })).toBe(false);
    expect(check({ field: 'custom.employees', op: 'equals', value: 25 })).toBe(false);
    expect(check({ field: 'companySize', op: 'in', values: [12, 1200] })).toBe(false);
    expect(check({ field: 'custom.region', op: 'equals', value: 0 })).toBe(false);
  });

  it('keeps lte and gte apart at both sides of the bound', () => {
    expect(check({ field: 'companySize', op: 'lte', value: 119 })).toBe(false);
    expect(check({ field: 'companySize', op: 'lte', value: 121 })).toBe(true);
    expect(check({ field: 'companySize', op: 'gte', value: 119 })).toBe(true);
    expect(check({ field: 'custom.employees', op: 'lte', value: 249 })).toBe(false);
    expect(check({ field: 'custom.employees', op: 'lte', value: 250 })).toBe(true);
  });

  it('fails numeric comparisons and matches on booleans and objects instead of coercing them', () => {
    expect(check({ field: 'consent', op: 'gte', value: 0 })).toBe(false);
    expect(check({ field: 'consent', op: 'lte', value: 1 })).toBe(false);
    expect(check({ field: 'consent', op: 'matches', pattern: 'true' })).toBe(false);
    expect(check({ field: 'custom', op: 'matches', pattern: 'object' })).toBe(false);
    expect(check({ field: 'consent', op: 'equals', value: 1 })).toBe(false);
  });

  it('matches numbers by their decimal text', () => {
    expect(check({ field: 'companySize', op: 'matches', pattern: '^12' })).toBe(true);
    expect(check({ field: 'companySize', op: 'matches', pattern: '^2' })).toBe(false);
  });

  it('classifies a profile without an email as neither free mail nor business', () => {
    const noEmail = {} as LeadProfile;
    expect(evaluatePredicate({ field: 'email', op: 'freeMailDomain' }, noEmail)).toBe(false);
    expect(evaluatePredicate({ field: 'email', op: 'businessEmail' }, noEmail)).toBe(false);
  });
});
