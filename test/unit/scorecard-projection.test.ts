import { describe, expect, it } from 'vitest';
import emea from '../../config/business-units/emea.ts';
import { BusinessUnitConfig } from '../../config/schema.ts';
import { anonymizeFacts, type LeadFacts } from '../../functions/domain/scorecard/facts.ts';
import { countersFor, groupIncrements } from '../../functions/domain/scorecard/projection.ts';
import { event, seedConfig, withoutAgreedReasons } from './scorecard-seed.ts';

const config = seedConfig();
const anna = { repId: 'anna', teamId: 'dach' };

/** Applies events to one lead in order; returns every increment and the final facts. */
function run(events: ReturnType<typeof event>[], unit = config) {
  let facts: LeadFacts | undefined;
  const increments = [];
  for (const e of events) {
    const result = countersFor(e, unit, facts);
    increments.push(...result.increments);
    facts = result.facts;
  }
  return { increments, facts: facts as LeadFacts };
}

const metrics = (increments: ReturnType<typeof run>['increments'], dimension = 'unit') =>
  increments.filter((i) => i.key.dimension === dimension).map((i) => `${i.key.day} ${i.metric} ${i.by}`);

describe('counter keys', () => {
  it('cut days and ISO weeks in the unit time zone: 23:30 UTC on New Year’s Eve is 2027 in Berlin', () => {
    const captured = event('LeadCaptured', 'ld_1', '2026-12-31T23:30:00Z', {
      resubmission: false,
      country: 'DE',
      utm: { source: ' Google ', campaign: 'New  Year' },
    });
    expect(countersFor(captured, config).increments).toEqual([
      {
        key: { day: '2027-01-01', week: '2026-W53', dimension: 'unit', value: 'demo' },
        metric: 'leads',
        by: 1,
      },
      {
        key: { day: '2027-01-01', week: '2026-W53', dimension: 'source', value: 'google' },
        metric: 'leads',
        by: 1,
      },
      {
        key: { day: '2027-01-01', week: '2026-W53', dimension: 'campaign', value: 'new year' },
        metric: 'leads',
        by: 1,
      },
    ]);
  });

  it('follow the DST change: 22:30 UTC on 28 March 2027 is already Monday the 29th in Berlin', () => {
    const before = countersFor(
      event('LeadCaptured', 'ld_1', '2027-03-27T22:30:00Z', { resubmission: false }),
      config,
    );
    const after = countersFor(
      event('LeadCaptured', 'ld_2', '2027-03-28T22:30:00Z', { resubmission: false }),
      config,
    );
    expect(before.increments[0]?.key).toMatchObject({ day: '2027-03-27', week: '2027-W12' });
    expect(after.increments[0]?.key).toMatchObject({ day: '2027-03-29', week: '2027-W13' });
    expect(after.increments.map((i) => i.key)).toContainEqual({
      day: '2027-03-29',
      week: '2027-W13',
      dimension: 'source',
      value: '(none)',
    });
  });

  it('group into one atomic update per key', () => {
    const { increments } = run([
      event('LeadCaptured', 'ld_1', '2027-03-02T08:00:00Z', { resubmission: false }),
      event('LeadQualified', 'ld_1', '2027-03-02T09:00:00Z', { reasons: [] }),
    ]);
    const unit = groupIncrements(increments).filter((g) => g.key.dimension === 'unit');
    expect(unit).toEqual([
      {
        key: { day: '2027-03-02', week: '2027-W09', dimension: 'unit', value: 'demo' },
        metrics: { leads: 1, mqls: 1, sqls: 1 },
      },
    ]);
  });
});

describe('counting once', () => {
  it('applies an event id once: a redelivery changes nothing', () => {
    const qualified = event(
      'LeadQualified',
      'ld_1',
      '2027-03-02T09:00:00Z',
      { reasons: [] },
      'ld_1:qualified:3',
    );
    const first = countersFor(qualified, config);
    const again = countersFor(qualified, config, first.facts);
    expect(first.applied).toBe(true);
    expect(metrics(first.increments)).toEqual(['2027-03-02 mqls 1', '2027-03-02 sqls 1']);
    expect(again).toEqual({ applied: false, increments: [], facts: first.facts });
    expect(first.facts.revision).toBe(1);
  });

  it('counts a lead, an MQL and an SQL once per lead (per hand-off) whatever the number of events', () => {
    const { increments, facts } = run([
      event('LeadCaptured', 'ld_1', '2027-03-01T08:00:00Z', { resubmission: false }),
      event('LeadCaptured', 'ld_1', '2027-03-01T09:00:00Z', { resubmission: true }),
      event('LeadScored', 'ld_1', '2027-03-01T08:00:00Z', { total: 25, fit: 25, engagement: 0 }),
      event('LeadNurtured', 'ld_1', '2027-03-01T08:00:00Z', { level: 'mql', until: '2027-06-01T08:00:00Z' }),
      event('LeadQualified', 'ld_1', '2027-03-04T09:00:00Z', { reasons: [] }),
      event('LeadQualified', 'ld_1', '2027-03-04T09:05:00Z', { reasons: [] }),
    ]);
    expect(metrics(increments)).toEqual([
      '2027-03-01 leads 1',
      '2027-03-01 mqls 1',
      '2027-03-01 nurtured 1',
      '2027-03-04 sqls 1',
    ]);
    expect(facts).toMatchObject({
      capturedAt: '2027-03-01T08:00:00.000Z',
      mqlAt: '2027-03-01T08:00:00.000Z',
    });
    expect(facts.handoffs).toHaveLength(1);
  });

  it('counts a lead on its first capture, even when a re-submission is delivered before it', () => {
    const { increments, facts } = run([
      event('LeadCaptured', 'ld_1', '2027-03-05T09:00:00Z', { resubmission: true }),
      event('LeadCaptured', 'ld_1', '2027-03-01T08:00:00Z', { resubmission: false }),
    ]);
    expect(metrics(increments)).toEqual(['2027-03-01 leads 1']);
    expect(facts.capturedAt).toBe('2027-03-01T08:00:00.000Z');
  });

  it('counts one decision and one outcome per hand-off', () => {
    const { increments } = run([
      event('LeadAssigned', 'ld_1', '2027-03-02T09:00:00Z', {
        owner: anna,
        followUpDueAt: '2027-03-02T10:00:00Z',
      }),
      event('LeadAccepted', 'ld_1', '2027-03-02T09:30:00Z', { owner: anna }),
      event('LeadAccepted', 'ld_1', '2027-03-02T09:31:00Z', { owner: anna }),
      event('LeadRejected', 'ld_1', '2027-03-02T09:32:00Z', { owner: anna, reason: 'no need' }),
      event('LeadConverted', 'ld_1', '2027-03-05T09:00:00Z', { result: 'won' }),
      event('LeadConverted', 'ld_1', '2027-03-05T09:01:00Z', { result: 'lost' }),
    ]);
    expect(metrics(increments).filter((m) => !m.includes('assigned') && !m.includes('handoffs'))).toEqual([
      '2027-03-02 firstTouches 1',
      '2027-03-02 accepted 1',
      '2027-03-05 won 1',
    ]);
  });

  it('hands a rejected, recycled and re-qualified lead off again', () => {
    const { increments, facts } = run([
      event('LeadQualified', 'ld_1', '2027-03-02T09:00:00Z', { reasons: [] }),
      event('LeadAssigned', 'ld_1', '2027-03-02T09:00:00Z', {
        owner: anna,
        followUpDueAt: '2027-03-02T10:00:00Z',
      }),
      event('LeadRejected', 'ld_1', '2027-03-02T09:30:00Z', { owner: anna, reason: 'no need' }),
      event('LeadRecycled', 'ld_1', '2027-03-02T09:30:00Z', { reason: 'no need' }),
      event('LeadQualified', 'ld_1', '2027-03-09T09:00:00Z', { reasons: [] }),
    ]);
    expect(metrics(increments).filter((m) => m.includes('sqls'))).toEqual([
      '2027-03-02 sqls 1',
      '2027-03-09 sqls 1',
    ]);
    expect(facts.handoffs.map((h) => [h.qualifiedAt, h.closedAt])).toEqual([
      ['2027-03-02T09:00:00.000Z', '2027-03-02T09:30:00.000Z'],
      ['2027-03-09T09:00:00.000Z', undefined],
    ]);
  });
});

describe('per-lead facts', () => {
  it('measures the first touch in business minutes across the DST weekend and starts the decision window', () => {
    // Assigned Friday 16:30 CET, due Monday 09:30 CEST; touched Monday 09:15 CEST: 30 + 15 minutes.
    const { facts } = run([
      event('LeadQualified', 'ld_1', '2027-03-26T15:30:00Z', { reasons: [] }),
      event('LeadAssigned', 'ld_1', '2027-03-26T15:30:00Z', {
        owner: anna,
        followUpDueAt: '2027-03-29T07:30:00Z',
      }),
      event('LeadTouched', 'ld_1', '2027-03-29T07:15:00Z', { owner: anna }),
      event('LeadAccepted', 'ld_1', '2027-03-29T13:15:00Z', { owner: anna }),
    ]);
    const h = facts.handoffs[0];
    expect(h?.firstTouch).toEqual({
      at: '2027-03-29T07:15:00.000Z',
      repId: 'anna',
      teamId: 'dach',
      businessMinutes: 45,
      withinSla: true,
    });
    // 480 business minutes from Monday 09:15: 465 on Monday, 15 on Tuesday → Tuesday 09:15 CEST.
    expect(h?.acceptanceDueAt).toBe('2027-03-30T07:15:00.000Z');
    expect(h?.decision).toEqual({
      result: 'accepted',
      at: '2027-03-29T13:15:00.000Z',
      businessMinutes: 360,
      withinWindow: true,
      repId: 'anna',
      teamId: 'dach',
    });
  });

  it("counts business minutes on the rep's own calendar", () => {
    // emea's Lena works 09:00-17:00 Berlin; the unit's London calendar closes 12:30-13:30 London.
    const unit = BusinessUnitConfig.parse(emea);
    const lena = { repId: 'lena', teamId: 'dach' };
    const { facts } = run(
      [
        event('LeadAssigned', 'ld_1', '2027-03-03T12:00:00Z', {
          owner: lena,
          followUpDueAt: '2027-03-03T14:00:00Z',
        }),
        event('LeadTouched', 'ld_1', '2027-03-03T13:00:00Z', { owner: lena }),
      ],
      unit,
    );
    expect(facts.handoffs[0]?.firstTouch?.businessMinutes).toBe(60);
  });

  it('takes the business minutes, window and attribution an event carries over its own derivation', () => {
    const { increments, facts } = run([
      event('LeadCaptured', 'ld_1', '2027-03-01T08:00:00Z', { resubmission: false, country: 'FR' }),
      event('LeadQualified', 'ld_1', '2027-03-01T09:00:00Z', {
        reasons: [],
        attribution: { source: 'Partner', campaign: 'Q1', segment: 'enterprise' },
      }),
      event('LeadAssigned', 'ld_1', '2027-03-01T09:00:00Z', {
        owner: anna,
        followUpDueAt: '2027-03-01T10:00:00Z',
      }),
      event('LeadTouched', 'ld_1', '2027-03-01T09:30:00Z', {
        owner: anna,
        businessMinutesSinceAssigned: 12,
        acceptanceDueAt: '2027-03-01T11:00:00Z',
      }),
    ]);
    expect(
      increments.filter((i) => i.metric === 'sqls').map((i) => `${i.key.dimension}=${i.key.value}`),
    ).toEqual(['unit=demo', 'source=partner', 'campaign=q1', 'segment=enterprise']);
    expect(facts.handoffs[0]).toMatchObject({
      segment: 'enterprise',
      acceptanceDueAt: '2027-03-01T11:00:00.000Z',
      firstTouch: { businessMinutes: 12 },
    });
  });

  it('falls back to the captured country for the segment of the version in force', () => {
    const { facts } = run([
      event('LeadCaptured', 'ld_1', '2027-03-01T08:00:00Z', { resubmission: false, country: 'CH' }),
      event('LeadQualified', 'ld_1', '2027-03-01T09:00:00Z', { reasons: [] }),
    ]);
    expect(facts.handoffs[0]?.segment).toBe('dach');
  });

  it('ranks rejection reasons under the agreed ones, else as typed', () => {
    const reject = (reason: string, unit = config) =>
      run(
        [
          event('LeadAssigned', 'ld_1', '2027-03-01T09:00:00Z', {
            owner: anna,
            followUpDueAt: '2027-03-01T10:00:00Z',
          }),
          event('LeadRejected', 'ld_1', '2027-03-01T09:30:00Z', { owner: anna, reason }),
        ],
        unit,
      ).increments.find((i) => i.metric.startsWith('rejectionReason:'))?.metric;
    // The agreed reasons are the ones reps pick from (sla.rejectionReasons: No budget, No need);
    // the reject form sends "<reason>: <note>" when a note is added.
    expect(reject(' NO  budget')).toBe('rejectionReason:No budget');
    expect(reject('No need: they build it themselves')).toBe('rejectionReason:No need');
    expect(reject('No needle in this haystack')).toBe('rejectionReason:Other');
    expect(reject('Student, called Max')).toBe('rejectionReason:Other');
    expect(reject(' Wrong  Industry ', withoutAgreedReasons())).toBe('rejectionReason:wrong industry');
  });

  it('adds the won amount for the measured deal size, and keeps topics once per lead', () => {
    const { increments } = run([
      event('LeadCaptured', 'ld_1', '2027-03-01T08:00:00Z', {
        resubmission: false,
        topics: ['Pricing', 'pricing '],
      }),
      event('LeadTouched', 'ld_1', '2027-03-02T08:00:00Z', { owner: anna, topics: ['Pricing', 'SSO'] }),
      event('LeadConverted', 'ld_1', '2027-03-20T10:00:00Z', { result: 'won', amount: 12_500 }),
    ]);
    expect(metrics(increments).filter((m) => /topic|won/.test(m))).toEqual([
      '2027-03-01 topic:pricing 1',
      '2027-03-02 topic:sso 1',
      '2027-03-20 won 1',
      '2027-03-20 wonAmount 12500',
      '2027-03-20 wonWithAmount 1',
    ]);
  });
});

describe('erasure', () => {
  it('keeps the figures and drops everything that could lead back to the person', () => {
    const noList = withoutAgreedReasons();
    const { facts } = run(
      [
        event('LeadCaptured', 'ld_secret', '2027-03-01T08:00:00Z', {
          resubmission: false,
          country: 'DE',
          intent: 'demo',
          formId: 'pricing-form',
        }),
        event('LeadQualified', 'ld_secret', '2027-03-01T09:00:00Z', { reasons: [] }),
        event('LeadAssigned', 'ld_secret', '2027-03-01T09:00:00Z', {
          owner: anna,
          followUpDueAt: '2027-03-01T10:00:00Z',
        }),
        event('LeadRejected', 'ld_secret', '2027-03-01T09:30:00Z', {
          owner: anna,
          reason: 'Spoke to Erika Muster',
        }),
      ],
      noList,
    );
    expect(JSON.stringify(facts)).toContain('ld_secret');
    expect(JSON.stringify(facts)).toContain('spoke to erika muster');
    const erased = anonymizeFacts(facts, 'anon-7f3a', noList);
    const json = JSON.stringify(erased);
    expect(json).not.toContain('ld_secret');
    expect(json).not.toMatch(/erika|pricing-form|"DE"/i);
    expect(erased).toMatchObject({ leadId: 'anon-7f3a', erased: true, recentEventIds: [] });
    expect(erased.handoffs[0]).toMatchObject({
      handedOffAt: '2027-03-01T09:00:00.000Z',
      segment: 'dach',
      firstTouch: { businessMinutes: 30, withinSla: true },
      decision: { result: 'rejected', reason: 'Other', withinWindow: true },
    });
    // The original is left as it was.
    expect(facts.leadId).toBe('ld_secret');
  });
});
