import { describe, expect, it } from 'vitest';
import demo from '../../config/business-units/demo.ts';
import emea from '../../config/business-units/emea.ts';
import { BusinessUnitConfigError, parseBusinessUnitConfig } from '../../config/load.ts';
import type { AgreementConfigInput, BusinessUnitConfigInput } from '../../config/schema.ts';
import {
  agreementInForce,
  nextVersion,
  OTHER_SEGMENT,
  segmentFor,
  segmentIds,
  versionOn,
} from '../../functions/domain/agreement/versions.ts';
import { DACH, SEED_AGREEMENT, seedConfig } from './scorecard-seed.ts';

const FILE = 'config/business-units/demo.ts';

function parseWith(change: (agreement: AgreementConfigInput) => void) {
  const raw = structuredClone(demo) as BusinessUnitConfigInput;
  raw.agreement = structuredClone(SEED_AGREEMENT);
  change(raw.agreement);
  return parseBusinessUnitConfig(raw, FILE);
}

const errorOf = (change: (agreement: AgreementConfigInput) => void): string => {
  try {
    parseWith(change);
  } catch (error) {
    expect(error).toBeInstanceOf(BusinessUnitConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
};

describe('the agreement section of a unit config', () => {
  it('fills in the documented defaults', () => {
    const raw = structuredClone(demo) as BusinessUnitConfigInput;
    raw.agreement = { versions: [{ effectiveFrom: '2027-01-01', marketing: { sqlsPerMonth: 10 } }] };
    const { agreement } = parseBusinessUnitConfig(raw, FILE);
    expect(agreement.versions[0]?.marketing.minAcceptanceRate).toBe(0.7);
    expect(agreement.versions[0]?.sales).toEqual({
      firstTouchWithinSlaRate: 0.9,
      decisionWithinWindowRate: 0.9,
    });
    expect(agreement.paceAlerts).toEqual({
      marketingBehindBy: 0.15,
      salesBelowBy: 0.05,
      minBusinessDaysElapsed: 3,
      minJudgedLeads: 10,
    });
    expect(agreement.digest).toEqual({ weekday: 'mon', localTime: '08:00' });
    expect(agreement.planning).toEqual({ currency: 'EUR', rates: {}, minMeasuredSample: 30 });
    expect(agreement.recipients).toEqual({ marketing: [], sales: [] });
  });

  it('is required: a unit without an agreement fails with the field path', () => {
    const raw = structuredClone(demo) as Partial<BusinessUnitConfigInput>;
    delete raw.agreement;
    expect(() => parseBusinessUnitConfig(raw, FILE)).toThrow(/ {2}- agreement: /);
  });

  it.each([
    [
      'versions out of order',
      (a: AgreementConfigInput) => a.versions.reverse(),
      "agreement.versions.1.effectiveFrom: must come after the previous version's 2027-03-15",
    ],
    [
      'two versions on one date',
      (a: AgreementConfigInput) => {
        (a.versions[1] as { effectiveFrom: string }).effectiveFrom = '2027-01-01';
      },
      'agreement.versions.1.effectiveFrom: two versions take effect on 2027-01-01',
    ],
    [
      'no version',
      (a: AgreementConfigInput) => {
        a.versions = [];
      },
      'agreement.versions: needs at least one version',
    ],
    [
      'a date that does not exist',
      (a: AgreementConfigInput) => {
        (a.versions[0] as { effectiveFrom: string }).effectiveFrom = '2027-02-30';
      },
      'agreement.versions.0.effectiveFrom: must be a real calendar date',
    ],
    [
      'a rate above 1',
      (a: AgreementConfigInput) => {
        (a.versions[0] as { marketing: { minAcceptanceRate: number } }).marketing.minAcceptanceRate = 70;
      },
      'agreement.versions.0.marketing.minAcceptanceRate: must be between 0 and 1',
    ],
    [
      'segments adding up to more than the total',
      (a: AgreementConfigInput) => {
        (a.versions[1] as { marketing: { sqlsPerMonth: number } }).marketing.sqlsPerMonth = 20;
      },
      'agreement.versions.1.marketing.bySegment: segments add up to 23 SQLs a month, more than sqlsPerMonth (20)',
    ],
    [
      'a segment id twice',
      (a: AgreementConfigInput) => {
        const m = (a.versions[0] as { marketing: { bySegment: unknown[] } }).marketing;
        m.bySegment = [
          { id: 'dach', when: DACH, sqlsPerMonth: 1 },
          { id: 'dach', when: DACH, sqlsPerMonth: 1 },
        ];
      },
      "agreement.versions.0.marketing.bySegment.1.id: duplicate segment 'dach'",
    ],
    [
      'a digest at 24:00',
      (a: AgreementConfigInput) => {
        a.digest = { weekday: 'mon', localTime: '24:00' };
      },
      'agreement.digest.localTime: must be HH:MM (24h)',
    ],
    [
      'a planning rate of 0',
      (a: AgreementConfigInput) => {
        a.planning = { rates: { acceptedToWon: 0 } };
      },
      'agreement.planning.rates.acceptedToWon: must be above 0',
    ],
  ])('rejects %s, naming the field path', (_what, change, message) => {
    expect(errorOf(change)).toContain(`  - ${message}`);
  });

  it('demo and emea carry a realistic agreement; emea splits DACH from the rest', () => {
    const d = parseBusinessUnitConfig(demo, 'demo.ts').agreement;
    const e = parseBusinessUnitConfig(emea, 'emea.ts').agreement;
    expect(d.versions.map((v) => v.marketing.sqlsPerMonth)).toEqual([40, 50]);
    expect(e.versions.map((v) => v.marketing.bySegment?.map((s) => [s.id, s.sqlsPerMonth]))).toEqual([
      [
        ['dach', 40],
        ['rest-of-emea', 80],
      ],
      [
        ['dach', 50],
        ['rest-of-emea', 100],
      ],
    ]);
    expect(e.planning.currency).toBe('GBP');
  });
});

describe('which version is in force', () => {
  const config = seedConfig();

  it('switches at local midnight in the unit time zone, not at UTC midnight', () => {
    // 2027-03-14T23:30Z is already 2027-03-15 00:30 in Berlin.
    expect(agreementInForce(config, '2027-03-14T22:59:59Z').effectiveFrom).toBe('2027-01-01');
    expect(agreementInForce(config, '2027-03-14T23:00:00Z').effectiveFrom).toBe('2027-03-15');
    expect(agreementInForce(config, new Date('2027-03-14T23:30:00Z')).effectiveFrom).toBe('2027-03-15');
  });

  it('applies the first version before it took effect, and the last one ever after', () => {
    expect(versionOn(config.agreement.versions, '2020-06-01').effectiveFrom).toBe('2027-01-01');
    expect(versionOn(config.agreement.versions, '2099-01-01').effectiveFrom).toBe('2027-03-15');
  });

  it('knows the next scheduled version', () => {
    expect(nextVersion(config, '2027-02-01T12:00:00Z')?.effectiveFrom).toBe('2027-03-15');
    expect(nextVersion(config, '2027-03-15T12:00:00Z')).toBeUndefined();
  });

  it('puts an SQL in the first matching segment, else (other), and none without segments', () => {
    const version = versionOn(config.agreement.versions, '2027-03-20');
    expect(segmentFor({ country: 'at' }, version)).toBe('dach');
    expect(segmentFor({ country: 'FR' }, version)).toBe(OTHER_SEGMENT);
    expect(segmentFor({}, version)).toBe(OTHER_SEGMENT);
    const unsegmented = { marketing: { sqlsPerMonth: 5, minAcceptanceRate: 0.7 } };
    expect(segmentFor({ country: 'DE' }, unsegmented)).toBeUndefined();
    expect(segmentIds(config.agreement.versions)).toEqual(['dach']);
  });
});
