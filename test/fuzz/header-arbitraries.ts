/**
 * fast-check arbitraries for what goes around a body: content types, headers, bearer tokens and
 * `/leads/{id}` paths. All stay inside what API Gateway takes (10,240 bytes of request line and
 * headers), so the answers come from the gateway emulation and the functions, not Node's parser.
 */
import fc from 'fast-check';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../local/auth/local-issuer.ts';
import { safeEncode, shortHostileString } from './arbitraries.ts';

/** Header values Node's HTTP client can put on the wire (no CR/LF; Latin-1). */
const headerValue = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, '')),
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c === 0x7f ? 0x20 : c)),
    maxLength: 40,
  }),
);

export const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'APPLICATION/JSON; charset=latin1',
    'application/json;;;',
    'application/vnd.api+json',
    'application/problem+json',
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=utf-16',
    'text/plain',
    'text/html',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    '*/*',
    ';',
    '',
  ),
  headerValue,
);

const headerName = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,20}$/)
  .filter(
    (n) =>
      ![
        'content-length',
        'host',
        'transfer-encoding',
        'connection',
        'expect',
        'upgrade',
        'te',
        'trailer',
        'keep-alive',
      ].includes(n),
  );

export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc
  .tuple(
    fc.dictionary(headerName, headerValue, { maxKeys: 4, noNullPrototype: true }),
    fc.option(fc.constantFrom('text/html', 'application/json', '*/*', 'text/html;q=0', 'TEXT/HTML'), {
      nil: undefined,
    }),
    fc.option(headerValue, { nil: undefined }),
    fc.option(fc.constantFrom('https://evil.example', 'null', 'http://localhost:3000'), { nil: undefined }),
  )
  .map(([headers, accept, idempotencyKey, origin]) => ({
    ...headers,
    ...(accept ? { accept } : {}),
    ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    ...(origin ? { origin } : {}),
  }));

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Token-shaped strings: random, JWT-shaped with hostile JSON, or nothing like a token. */
export const forgedToken: fc.Arbitrary<string> = fc.oneof(
  headerValue,
  fc
    .tuple(fc.base64String(), fc.base64String(), fc.base64String())
    .map((p) => p.join('.').replaceAll('=', '')),
  fc
    .tuple(
      fc.oneof(
        fc.record({ alg: fc.constantFrom('RS256', 'none', 'HS256', 'ES256', 'RSä256') }),
        fc.record({
          alg: fc.constant('RS256'),
          crit: fc.array(shortHostileString, { minLength: 1, maxLength: 2 }),
        }),
        fc.jsonValue(),
      ),
      fc.oneof(
        fc.record({
          sub: shortHostileString,
          iss: fc.constantFrom(LOCAL_ISSUER, 'x'),
          aud: fc.constant(LOCAL_AUDIENCE),
        }),
        fc.jsonValue(),
        shortHostileString,
      ),
      shortHostileString,
    )
    .map(([h, p, s]) => `${b64(h)}.${b64(p)}.${b64(s)}`),
);

/** `/leads/<segment>`: encoded, raw path characters with malformed escapes, or id-shaped. */
export const leadPath = (knownIds: string[]): fc.Arbitrary<string> =>
  fc
    .oneof(
      { weight: 2, arbitrary: fc.constantFrom(...knownIds) },
      { weight: 2, arbitrary: fc.stringMatching(/^ld_[A-Za-z0-9_-]{0,70}$/) },
      { weight: 2, arbitrary: shortHostileString.map(safeEncode) },
      { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9%._~!$&'()*+,;=:@/-]{0,40}$/) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('..', '%2e%2e', '%2F', '%00', 'ld_%0d%0a', '%', 'ld_a%20b', ''),
      },
    )
    .chain((segment) =>
      fc
        .option(fc.stringMatching(/^[A-Za-z0-9%=&._~+-]{0,40}$/), { nil: undefined, freq: 4 })
        .map((query) => `/leads/${segment}${query === undefined ? '' : `?${query}`}`),
    );
