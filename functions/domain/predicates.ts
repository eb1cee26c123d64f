/**
 * Evaluates the declarative `FieldPredicate`s that business-unit configs use for scoring,
 * qualification and routing rules.
 *
 * Semantics, chosen so config authors don't have to think about casing or form encoding:
 * - `field` is a dotted path into the profile (`company`, `utm.source`, `custom.industry`).
 * - A missing field (undefined, null or a blank string) fails every operator except `not`.
 * - `equals` and `in` compare strings case-insensitively (trimmed); a number compares equal to a
 *   numeric string, because custom form fields always arrive as strings.
 * - `matches` is a case-insensitive regular expression, unanchored unless the pattern anchors.
 * - `gte`/`lte` accept numbers and numeric strings; anything else fails.
 * - `freeMailDomain`/`businessEmail` look at the email's domain; an address without a usable
 *   domain is neither.
 */
import type { FieldPredicate } from '../../config/schema.ts';
import type { LeadProfile } from './lead.ts';

/** Exact free-mail domains. */
const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'ymail.com',
  'rocketmail.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'web.de',
  't-online.de',
  'freenet.de',
  'posteo.de',
  'mailbox.org',
  'proton.me',
  'pm.me',
  'protonmail.com',
  'protonmail.ch',
  'tutanota.com',
  'tutanota.de',
  'tuta.io',
  'mail.com',
  'email.com',
  'ya.ru',
  'mail.ru',
  'inbox.ru',
  'bk.ru',
  'rambler.ru',
  'qq.com',
  '163.com',
  '126.com',
  'yeah.net',
  'sina.com',
  'sohu.com',
  'naver.com',
  'daum.net',
  'hanmail.net',
  'zoho.com',
  'zohomail.com',
  'fastmail.com',
  'fastmail.fm',
  'hey.com',
  'hushmail.com',
  'gmx.com',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'sfr.fr',
  'laposte.net',
  'libero.it',
  'virgilio.it',
  'tiscali.it',
  'seznam.cz',
  'wp.pl',
  'o2.pl',
  'interia.pl',
  'onet.pl',
  'btinternet.com',
  'sky.com',
  'virginmedia.com',
  'comcast.net',
  'verizon.net',
  'att.net',
  'sbcglobal.net',
  'cox.net',
  'rediffmail.com',
  'inbox.com',
  'bol.com.br',
  'uol.com.br',
  'terra.com.br',
]);

/** Providers that run the same free service under many country domains (yahoo.co.uk, gmx.de, ...). */
const FREE_MAIL_BRANDS: ReadonlySet<string> = new Set([
  'yahoo',
  'hotmail',
  'outlook',
  'live',
  'aol',
  'gmx',
  'yandex',
]);

/** A public suffix such as `de`, `com`, `co.uk` or `com.br` (good enough for the brands above). */
const COUNTRY_OR_GENERIC_SUFFIX = /^([a-z]{2,3}|(co|com|net|org|ne|or)\.[a-z]{2})$/;

export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at < 1) return undefined;
  const domain = email
    .slice(at + 1)
    .trim()
    .toLowerCase()
    .replace(/\.$/, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) ? domain : undefined;
}

export function isFreeMailDomain(email: string): boolean {
  const domain = emailDomain(email);
  if (domain === undefined) return false;
  if (FREE_MAIL_DOMAINS.has(domain)) return true;
  const dot = domain.indexOf('.');
  return FREE_MAIL_BRANDS.has(domain.slice(0, dot)) && COUNTRY_OR_GENERIC_SUFFIX.test(domain.slice(dot + 1));
}

export function isBusinessEmail(email: string): boolean {
  return emailDomain(email) !== undefined && !isFreeMailDomain(email);
}

/** Reads a dotted path; only own properties, so `constructor` or `__proto__` never resolve. */
export function getField(profile: LeadProfile, path: string): unknown {
  let current: unknown = profile;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  return typeof value !== 'string' || value.trim() !== '';
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function looselyEqual(actual: unknown, expected: string | number | boolean): boolean {
  if (typeof expected === 'string') {
    return typeof actual === 'string' && actual.trim().toLowerCase() === expected.trim().toLowerCase();
  }
  if (typeof expected === 'number') return toNumber(actual) === expected;
  return actual === expected;
}

const regexCache = new Map<string, RegExp>();

function regex(pattern: string): RegExp {
  let compiled = regexCache.get(pattern);
  if (compiled === undefined) {
    compiled = new RegExp(pattern, 'i');
    regexCache.set(pattern, compiled);
  }
  return compiled;
}

export function evaluatePredicate(p: FieldPredicate, profile: LeadProfile): boolean {
  if ('all' in p) return p.all.every((q) => evaluatePredicate(q, profile));
  if ('any' in p) return p.any.some((q) => evaluatePredicate(q, profile));
  if ('not' in p) return !evaluatePredicate(p.not, profile);

  if (p.op === 'freeMailDomain') return isFreeMailDomain(profile.email ?? '');
  if (p.op === 'businessEmail') return isBusinessEmail(profile.email ?? '');

  const value = getField(profile, p.field);
  if (!isPresent(value)) return false;
  switch (p.op) {
    case 'exists':
      return true;
    case 'equals':
      return looselyEqual(value, p.value);
    case 'in':
      return p.values.some((v) => looselyEqual(value, v));
    case 'matches':
      return (typeof value === 'string' || typeof value === 'number') && regex(p.pattern).test(String(value));
    case 'gte':
    case 'lte': {
      const n = toNumber(value);
      if (n === undefined) return false;
      return p.op === 'gte' ? n >= p.value : n <= p.value;
    }
  }
}
