/**
 * fast-check arbitraries for requests to the public HTTP surface: what a hostile or merely
 * careless client can put in a POST /leads body (headers, tokens and paths: header-arbitraries.ts).
 */
import fc from 'fast-check';

export interface FuzzRequest {
  method: 'GET' | 'POST';
  path: string;
  /** A string array sends the header once per value (Node joins them for the handler). */
  headers: Record<string, string | string[]>;
  body?: Buffer;
}

/** Names with a meaning in JavaScript, in form notation, or close to the real fields. */
const SPECIAL_NAMES = [
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'toLocaleString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  '__defineGetter__',
  '__lookupSetter__',
  'then',
  'length',
  'name',
  'a__proto__b',
  'Constructor',
  '',
  ' ',
  '[',
  ']',
  '.',
  '[]',
  'custom',
  'utm',
  'email',
  'x'.repeat(41),
];

const CONTROL = fc.constantFrom(
  '\r',
  '\n',
  '\r\n',
  '\0',
  '\t',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u001b',
  '\u007f',
);

/**
 * Strings with any code point (lone surrogates too), control characters, or just a lot of it
 * (up to `maxRepeat` characters; bodies take 20,000, which is over the 16 KB body limit).
 */
const hostile = (maxRepeat: number): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    {
      weight: 1,
      arbitrary: fc.string({ unit: fc.oneof(CONTROL, fc.string({ maxLength: 3 })), maxLength: 12 }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('\ud800', '\udfff', 'a\ud83d', '💥', 'e\u0301', '\uFEFF', '\u202E'),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('x', 'é', '€', '😀', '\n'), fc.integer({ min: 40, max: maxRepeat }))
        .map(([c, n]) => c.repeat(n)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', ' ', 'true', 'on', 'no', '1e400', '-1', 'NaN', '0x10', 'null'),
    },
  );

export const hostileString = hostile(20_000);
/**
 * For paths and headers: API Gateway refuses a request whose request line and headers exceed
 * 10,240 bytes before any integration runs (Node answers a bare 431 past 16 KB), so these stay
 * well under it even percent- or base64-encoded.
 */
export const shortHostileString = hostile(120);

export const fieldName: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_NAMES) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,12}$/) },
  { weight: 1, arbitrary: hostileString },
);

const FIELDS = [
  'email',
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
  'formRenderedAt',
  'redirectTo',
  'cf-turnstile-response',
  'website_url',
  'utm',
  'custom',
  '__proto__',
  'constructor',
];
const UTM = ['source', 'medium', 'campaign', 'term', 'content', 'foo', '__proto__'];

const emailish = fc.oneof(
  { weight: 4, arbitrary: fc.emailAddress() },
  { weight: 1, arbitrary: fc.emailAddress().map((e) => ` ${e.toUpperCase()} `) },
  { weight: 1, arbitrary: fc.constantFrom('eva@acme.example', 'anna@demo.example.com', 'a@b', '@', '') },
  { weight: 1, arbitrary: hostileString },
);

const jsonScalar = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(1e21, -0, 2 ** 53 + 1, 8_640_000_000_000_001),
);
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: jsonScalar },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** JSON text already written (a nested object), inserted as is. */
class RawJson {
  constructor(readonly text: string) {}
}

/** JSON object text from entries, so `__proto__` and repeated keys reach the server as written. */
const objectText = (entries: Array<[string, unknown]>): string =>
  `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v instanceof RawJson ? v.text : JSON.stringify(v)}`).join(',')}}`;

const nestedObject = (names: fc.Arbitrary<string>) =>
  fc.array(fc.tuple(names, jsonValue), { maxLength: 24 }).map((entries) => new RawJson(objectText(entries)));

/** What a browser sends for a string with lone surrogates: U+FFFD in their place. */
const wellFormed = (s: string) =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
export const safeEncode = (s: string) => encodeURIComponent(wellFormed(s));

/** Field entries of a submission: real fields, flat utm_/custom names, nested utm/custom. */
const submissionEntries: fc.Arbitrary<Array<[string, unknown]>> = fc
  .tuple(
    emailish,
    fc.array(fc.tuple(fc.constantFrom(...FIELDS), jsonValue), { maxLength: 8 }),
    fc.array(
      fc.tuple(
        fc.oneof(
          fieldName.map((n) => `custom[${n}]`),
          fieldName.map((n) => `custom.${n}`),
          fc.constantFrom(...UTM).map((u) => `utm_${u}`),
        ),
        jsonValue,
      ),
      { maxLength: 24 },
    ),
    fc.option(nestedObject(fieldName), { nil: undefined }),
    fc.option(nestedObject(fc.constantFrom(...UTM)), { nil: undefined }),
  )
  .map(([email, fields, flat, custom, utm]) => {
    const entries: Array<[string, unknown]> = [['email', email], ...fields, ...flat];
    if (custom) entries.push(['custom', custom]);
    if (utm) entries.push(['utm', utm]);
    return entries;
  });

/** Allowed custom field names, the JS-meaningful ones first. */
const allowedName = fc.oneof(
  fc.constantFrom(...SPECIAL_NAMES.filter((n) => /^[a-zA-Z][a-zA-Z0-9_-]{0,39}$/.test(n))),
  fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,39}$/),
);
const text = (max: number) => hostile(max).map((v) => v.slice(0, max));

/**
 * Submissions most of which are valid leads, with hostile but allowed content: control
 * characters and any code point in names and messages, JS-meaningful custom field names.
 */
const plausibleEntries: fc.Arbitrary<Array<[string, unknown]>> = fc
  .tuple(
    fc.oneof(
      // A small pool, so some submissions are re-submissions of the same lead.
      fc.constantFrom('eva@kunde-gmbh.example', 'EVA@Kunde-GmbH.example', 'max@gmail.com'),
      fc
        .tuple(
          fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,20}$/),
          fc.constantFrom('acme.example', 'kunde-gmbh.example', 'gmail.com', 'xn--bcher-kva.example'),
        )
        .map(([local, domain]) => `${local}@${domain}`),
    ),
    fc.record(
      {
        firstName: text(100),
        lastName: text(100),
        company: text(200),
        jobTitle: text(150),
        message: text(5_000),
        country: fc.constantFrom('DE', 'at', 'US', 'GB', ''),
        intent: fc.constantFrom('contact-sales', 'demo', 'content', 'newsletter', ''),
        consent: fc.constantFrom(true, false, 'yes', 'off', ''),
        companySize: fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.constant('')),
        formId: text(100),
        formRenderedAt: fc.integer({ min: 0, max: 2_000_000_000_000 }),
      },
      { requiredKeys: [] },
    ),
    fc.array(fc.tuple(allowedName, text(500)), { maxLength: 20 }),
    fc.array(fc.tuple(fc.constantFrom(...UTM.slice(0, 5)), text(200)), { maxLength: 5 }),
    fc.boolean(),
  )
  .map(([email, fields, custom, utm, flat]) => {
    const entries: Array<[string, unknown]> = [['email', email], ...Object.entries(fields)];
    if (flat) {
      entries.push(...custom.map(([n, v]): [string, unknown] => [`custom[${n}]`, v]));
      entries.push(...utm.map(([n, v]): [string, unknown] => [`utm_${n}`, v]));
    } else {
      if (custom.length > 0) entries.push(['custom', new RawJson(objectText(custom))]);
      if (utm.length > 0) entries.push(['utm', new RawJson(objectText(utm))]);
    }
    return entries;
  });

/** Bodies that are JSON, nearly JSON, or not JSON at all. */
export const jsonBody: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: plausibleEntries.map(objectText) },
  { weight: 4, arbitrary: submissionEntries.map(objectText) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
  {
    weight: 1,
    arbitrary: submissionEntries.map(objectText).chain((t) => fc.nat(t.length).map((n) => t.slice(0, n))),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 9_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)) },
  { weight: 1, arbitrary: hostileString },
);

/** Percent-encodes like a browser, or leaves raw bytes and malformed escapes in. */
const formPart = fc.oneof(
  { weight: 3, arbitrary: hostileString.map(safeEncode) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('%', '%E0%A4%A', '%FF%FE', '%00', '+', '%2B', '&', '=', '%ZZ', '%C0%80'),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 20 }) },
);

const formText = (entries: Array<[string, unknown]>) =>
  entries
    .map(
      ([k, v]) =>
        `${safeEncode(k)}=${safeEncode(typeof v === 'string' ? v : v instanceof RawJson ? v.text : JSON.stringify(v))}`,
    )
    .join('&');

export const formBody: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: plausibleEntries.map(formText) },
  {
    weight: 3,
    arbitrary: submissionEntries.map((entries) =>
      entries
        .map(
          ([k, v]) =>
            `${safeEncode(k)}=${safeEncode(typeof v === 'string' ? v : v instanceof RawJson ? v.text : JSON.stringify(v))}`,
        )
        .join('&'),
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.tuple(formPart, formPart), { maxLength: 30 })
      .map((p) => p.map(([k, v]) => `${k}=${v}`).join('&')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);
