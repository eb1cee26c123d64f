/**
 * What a web form or API client may POST to /leads. Plain HTML forms send only strings, so
 * numbers and booleans are coerced; UTM parameters may come flat (utm_source) or nested.
 *
 * Written with zod/mini (functions instead of method chains; the same checks, messages and
 * results): capture-lead needs no other zod, and loading zod's classic API cost it about 9 ms
 * of every cold start (bench/cold-import.ts).
 */
import * as z from 'zod/mini';
import type { LeadProfile } from '../domain/lead.ts';

export const FIELD_LIMITS = {
  name: 100,
  company: 200,
  jobTitle: 150,
  phone: 40,
  website: 300,
  message: 5_000,
  utm: 200,
  customFields: 20,
  customKey: 40,
  customValue: 500,
} as const;

/** An optional text field: trimmed, at most `max` characters; empty counts as absent. */
const trimmed = (max: number) =>
  z.optional(
    z.pipe(
      z.string().check(z.trim(), z.maxLength(max, `must be at most ${max} characters`)),
      z.transform((v) => (v === '' ? undefined : v)),
    ),
  );

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

const formBoolean = z.pipe(
  z.union([z.boolean(), z.string()]),
  z.transform((v, ctx) => {
    if (typeof v === 'boolean') return v;
    const word = v.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word) || word === '') return false;
    ctx.issues.push({ code: 'custom', message: 'must be true or false (yes/no, on/off)', input: v });
    return z.NEVER;
  }),
);

const formInteger = (min: number, max: number) =>
  z.pipe(
    z.pipe(
      z.union([z.number(), z.string().check(z.trim())]),
      z.transform((v) => (v === '' ? undefined : typeof v === 'number' ? v : Number(v))),
    ),
    z.optional(
      z
        .number({ error: 'must be a whole number' })
        .check(
          z.int('must be a whole number'),
          z.gte(min, `must be at least ${min}`),
          z.lte(max, `must be at most ${max}`),
        ),
    ),
  );

const utmObject = z.strictObject({
  source: trimmed(FIELD_LIMITS.utm),
  medium: trimmed(FIELD_LIMITS.utm),
  campaign: trimmed(FIELD_LIMITS.utm),
  term: trimmed(FIELD_LIMITS.utm),
  content: trimmed(FIELD_LIMITS.utm),
});

/**
 * Custom fields are a name → value map, so config predicates can say `custom.industry`. Names
 * such as `constructor`, `toString` or `hasOwnProperty` are allowed and must round-trip exactly,
 * so the map is rebuilt as a null-prototype object from its own entries: a name never resolves
 * to something inherited, and `__proto__` (which the name rule refuses and zod skips) can never
 * reach a prototype setter. The DynamoDB client marshals such maps as maps (aws-clients.ts).
 */
const customFields = z.pipe(
  z
    .record(
      z
        .string()
        .check(
          z.regex(/^[a-zA-Z][a-zA-Z0-9_-]*$/, 'custom field names are letters, digits, - and _'),
          z.maxLength(
            FIELD_LIMITS.customKey,
            `custom field names are at most ${FIELD_LIMITS.customKey} characters`,
          ),
        ),
      z.pipe(
        z.pipe(
          z.union([z.string(), z.number(), z.boolean()]),
          z.transform((v) => String(v).trim()),
        ),
        z
          .string()
          .check(
            z.maxLength(FIELD_LIMITS.customValue, `must be at most ${FIELD_LIMITS.customValue} characters`),
          ),
      ),
    )
    .check(
      z.refine((r) => Object.keys(r).length <= FIELD_LIMITS.customFields, {
        message: `at most ${FIELD_LIMITS.customFields} custom fields`,
      }),
    ),
  z.transform((r): Record<string, string> => nullPrototypeMap(Object.entries(r))),
);

/** A null-prototype object holding exactly these entries, defined (never assigned) one by one. */
function nullPrototypeMap<V>(entries: Iterable<readonly [string, V]>): Record<string, V> {
  const map = Object.create(null) as Record<string, V>;
  for (const [name, value] of entries) {
    Object.defineProperty(map, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return map;
}

export const LeadSubmission = z.object({
  email: z.pipe(
    z
      .string({ error: 'is required' })
      .check(z.trim(), z.toLowerCase(), z.maxLength(254, 'must be at most 254 characters')),
    z.email('must be a valid email address'),
  ),
  firstName: trimmed(FIELD_LIMITS.name),
  lastName: trimmed(FIELD_LIMITS.name),
  company: trimmed(FIELD_LIMITS.company),
  companySize: z.optional(formInteger(1, 10_000_000)),
  jobTitle: trimmed(FIELD_LIMITS.jobTitle),
  phone: z.optional(
    z.pipe(
      z
        .string()
        .check(
          z.trim(),
          z.maxLength(FIELD_LIMITS.phone, `must be at most ${FIELD_LIMITS.phone} characters`),
          z.regex(/^$|^\+?[0-9 ()./-]{5,}$/, 'must be a phone number (digits, spaces, + ( ) . / -)'),
        ),
      z.transform((v) => (v === '' ? undefined : v)),
    ),
  ),
  country: z.optional(
    z.pipe(
      z
        .string()
        .check(
          z.trim(),
          z.regex(/^$|^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as DE'),
        ),
      z.transform((v) => (v === '' ? undefined : v.toUpperCase())),
    ),
  ),
  website: z.optional(
    z.pipe(
      z.pipe(
        z
          .string()
          .check(
            z.trim(),
            z.maxLength(FIELD_LIMITS.website, `must be at most ${FIELD_LIMITS.website} characters`),
          ),
        z.transform((v) => (v === '' ? undefined : /^https?:\/\//i.test(v) ? v : `https://${v}`)),
      ),
      z.optional(z.url('must be a web address')),
    ),
  ),
  message: trimmed(FIELD_LIMITS.message),
  consent: z.optional(formBoolean),
  intent: z.optional(
    z.pipe(
      z
        .string()
        .check(
          z.trim(),
          z.toLowerCase(),
          z.regex(
            /^$|^[a-z][a-z0-9-]{0,39}$/,
            'must be a short slug such as contact-sales, demo, content or newsletter',
          ),
        ),
      z.transform((v) => (v === '' ? undefined : v)),
    ),
  ),
  formId: trimmed(100),
  utm: z.optional(utmObject),
  custom: z.optional(customFields),
  /** Epoch milliseconds at which the form was rendered; drives the minimum-fill-time check. */
  formRenderedAt: z.optional(formInteger(0, 8_640_000_000_000_000)),
  /** A thank-you URL the form asks for; honoured only when allowlisted for the unit. */
  redirectTo: z.optional(z.string().check(z.maxLength(2_000))),
  'cf-turnstile-response': z.optional(z.string().check(z.maxLength(4_096))),
});
export type LeadSubmission = z.infer<typeof LeadSubmission>;

/** Fields that are about the submission, not the prospect. */
export function toProfile(s: LeadSubmission): LeadProfile {
  const profile: LeadProfile = { email: s.email };
  const copy = [
    'firstName',
    'lastName',
    'company',
    'companySize',
    'jobTitle',
    'phone',
    'country',
    'website',
    'message',
    'consent',
    'intent',
    'formId',
  ] as const;
  for (const key of copy) {
    const value = s[key];
    if (value !== undefined) Object.assign(profile, { [key]: value });
  }
  const utm = s.utm && Object.fromEntries(Object.entries(s.utm).filter(([, v]) => v !== undefined));
  if (utm && Object.keys(utm).length > 0) profile.utm = utm;
  if (s.custom && Object.keys(s.custom).length > 0) profile.custom = s.custom;
  return profile;
}

/**
 * Plain forms post flat names: utm_source=..., custom[industry]=... or custom.industry=...
 * Folds them into the nested shape the schema expects; repeated keys keep the last value.
 * JSON bodies go through the same folding (a page that serializes its form as JSON sends flat
 * names too); flat names are merged into a nested `utm`/`custom` object sent alongside.
 */
export function foldFormFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const utm: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const utmMatch = /^utm_(source|medium|campaign|term|content)$/.exec(key);
    const customMatch = /^custom(?:\[([^\]]+)\]|\.(.+))$/.exec(key);
    const customName = customMatch ? (customMatch[1] ?? customMatch[2] ?? '') : undefined;
    // JSON.parse makes `__proto__` an own key; assigning it would swap the prototype instead.
    // Only that exact name is dropped: `custom[a__proto__b]` is an ordinary field.
    if (key === '__proto__' || customName === '__proto__') continue;
    if (utmMatch?.[1]) utm[utmMatch[1]] = value;
    else if (customName !== undefined) custom[customName] = value;
    else out[key] = value;
  }
  const merge = (name: 'utm' | 'custom', flat: Record<string, unknown>) => {
    if (Object.keys(flat).length === 0) return;
    const nested = out[name];
    // A nested value that is not an object stays as sent, so validation reports it.
    if (nested === undefined) out[name] = flat;
    else if (typeof nested === 'object' && nested !== null && !Array.isArray(nested))
      out[name] = { ...nested, ...flat };
  };
  merge('utm', utm);
  merge('custom', custom);
  return out;
}
