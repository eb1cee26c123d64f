/**
 * start-lifecycle checks its one event by hand instead of with the catalog's zod schema (a
 * smaller, faster bundle). The two must accept and reject the same details: generated ones
 * start from a valid LeadCaptured and break fields read from the schema itself, so a field the
 * catalog gains and the guard does not check fails here.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { LEADFLOW_EVENTS } from '../../functions/events/catalog.ts';

let leadCapturedLeadId: (detail: unknown) => string;

beforeAll(async () => {
  process.env.STATE_MACHINE_ARN ??=
    'arn:aws:states:eu-central-1:123456789012:stateMachine:leadflow-demo-lifecycle';
  ({ leadCapturedLeadId } = await import('../../functions/handlers/start-lifecycle.ts'));
});

const schema = LEADFLOW_EVENTS.LeadCaptured;
const validDetail = () => ({
  version: 1,
  eventId: 'ld_abc:captured',
  occurredAt: '2026-03-23T09:00:00.000Z',
  businessUnit: 'demo',
  leadId: 'ld_abc',
  data: { intent: 'demo', formId: 'contact', country: 'DE', utm: { source: 'ads' }, resubmission: false },
});

/** What the guard says: the lead id, or the error it throws. */
function guardVerdict(detail: unknown): { ok: true; leadId: string } | { ok: false } {
  try {
    return { ok: true, leadId: leadCapturedLeadId(detail) };
  } catch {
    return { ok: false };
  }
}

function schemaVerdict(detail: unknown): { ok: true; leadId: string } | { ok: false } {
  const parsed = schema.safeParse(detail);
  return parsed.success ? { ok: true, leadId: parsed.data.leadId } : { ok: false };
}

const two = (lo: number, hi: number) =>
  fc.integer({ min: lo, max: hi }).map((n) => String(n).padStart(2, '0'));
/** Near-ISO timestamps: impossible dates (Feb 29 of 2100, day 31 of April), hour 24, odd offsets. */
const timestamp = fc
  .tuple(
    fc.constantFrom('2024', '2026', '2000', '2100', '1900', '0000', '99999'),
    two(0, 13),
    two(0, 32),
    fc.constantFrom('T', 't', ' '),
    two(0, 24),
    two(0, 60),
    fc.option(two(0, 60), { nil: undefined }),
    fc.constantFrom('', '.5', '.000', '.123456789', '.'),
    fc.constantFrom('Z', 'z', '', '+01:00', '-03:30', '+0100', '+01', '+24:00', '-23:59', '+05:60'),
  )
  .map(
    ([y, mo, d, t, h, mi, s, frac, off]) =>
      `${y}-${mo}-${d}${t}${h}:${mi}${s === undefined ? '' : `:${s}`}${frac}${off}`,
  );
const textRecord = fc.oneof(
  fc.dictionary(fc.string(), fc.string()),
  fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
  // JSON.parse makes `__proto__` an own key; zod skips it, and so must the guard.
  fc.constant(JSON.parse('{"__proto__": 1, "source": "ads"}') as unknown),
  fc.constant(JSON.parse('{"__proto__": "x", "source": 2}') as unknown),
);
/** Every kind of JSON value, and `undefined` for a missing field. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(0, 1, 2, -1, 1.5),
  fc.constantFrom('', 'x', '1', 'true'),
  fc.string(),
  timestamp,
  textRecord,
  fc.array(fc.string(), { maxLength: 2 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A valid detail with some fields (named by the schema) replaced by arbitrary values or removed. */
function brokenFrom(keys: string[]) {
  return fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: 3 });
}
const envelopeKeys = Object.keys(schema.shape);
const dataKeys = Object.keys(schema.shape.data.shape);
const detail = fc
  .tuple(brokenFrom(envelopeKeys), brokenFrom(dataKeys), fc.boolean())
  .map(([envelopeChanges, dataChanges, changeData]) => {
    const base: Record<string, unknown> = validDetail();
    const data: Record<string, unknown> = { ...(base.data as object) };
    const apply = (target: Record<string, unknown>, changes: Record<string, unknown>) => {
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined) delete target[key];
        else target[key] = value;
      }
    };
    if (changeData) apply(data, dataChanges);
    base.data = data;
    apply(base, envelopeChanges);
    return base;
  });

describe('the LeadCaptured guard agrees with the catalog schema', () => {
  it('accepts the valid detail and returns its lead id', () => {
    expect(guardVerdict(validDetail())).toEqual({ ok: true, leadId: 'ld_abc' });
    expect(schemaVerdict(validDetail())).toEqual({ ok: true, leadId: 'ld_abc' });
  });

  it('accepts and rejects exactly what the schema does (property)', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 6, arbitrary: detail }, { weight: 1, arbitrary: anyValue }), (d) => {
        expect(guardVerdict(d)).toEqual(schemaVerdict(d));
      }),
      { numRuns: 4000 },
    );
  });

  it('agrees on timestamps, the one field with a pattern (property)', () => {
    fc.assert(
      fc.property(timestamp, (occurredAt) => {
        const d = { ...validDetail(), occurredAt };
        expect([occurredAt, guardVerdict(d).ok]).toEqual([occurredAt, schemaVerdict(d).ok]);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['a missing event id', { eventId: undefined }],
    ['an empty lead id', { leadId: '' }],
    ['version 2', { version: 2 }],
    ['a date that does not exist', { occurredAt: '2100-02-29T10:00:00Z' }],
    ['a timestamp without seconds', { occurredAt: '2026-03-23T09:00Z' }],
    ['a timestamp without offset', { occurredAt: '2026-03-23T09:00:00' }],
    ['a numeric business unit', { businessUnit: 7 }],
    ['data as an array', { data: [] }],
    ['no resubmission flag', { data: { intent: 'demo' } }],
    ['a number as utm value', { data: { resubmission: true, utm: { source: 1 } } }],
    ['utm as an array', { data: { resubmission: true, utm: ['ads'] } }],
    ['a null intent', { data: { resubmission: true, intent: null } }],
  ])('rejects %s, as the schema does', (_what, change) => {
    const d = { ...validDetail(), ...change };
    expect(schemaVerdict(d).ok).toBe(false);
    expect(() => leadCapturedLeadId(d)).toThrow(/^Invalid LeadCaptured event/);
  });

  it('names every field that breaks the schema', () => {
    const d = { ...validDetail(), leadId: '', data: { resubmission: 'no', country: 49 } };
    expect(() => leadCapturedLeadId(d)).toThrow(
      'Invalid LeadCaptured event, check: leadId, data.country, data.resubmission',
    );
    expect(() => leadCapturedLeadId(null)).toThrow('Invalid LeadCaptured event, check: detail');
  });
});
