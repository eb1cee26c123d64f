import { describe, expect, it } from 'vitest';
import demo from '../../config/business-units/demo.ts';
import { BusinessUnitConfig } from '../../config/schema.ts';
import type { LeadProfile, LeadScore } from '../../functions/domain/lead.ts';
import { missingFields, nurtureDecision, qualifyLead } from '../../functions/domain/qualification.ts';

// Demo unit: MQL at 20, SQL at 60, company required, hand-raisers 'contact-sales' and 'demo'
// need a business email.
const unit = BusinessUnitConfig.parse(demo);
const withTotal = (total: number): LeadScore => ({
  total,
  fit: total,
  engagement: 0,
  breakdown: [],
  scoredAt: '2026-06-15T10:00:00.000Z',
});
const qualify = (profile: LeadProfile, total: number, config = unit.qualification) =>
  qualifyLead({ profile, score: withTotal(total) }, config);

const business = { email: 'jane@acme.example', company: 'Acme' };

describe('qualifyLead reasons', () => {
  it('fast-tracks a hand-raiser whatever its score, matching the intent case-insensitively', () => {
    expect(qualify({ ...business, intent: 'contact-sales' }, 0)).toEqual({
      decision: 'sql',
      reasons: ["Asked for sales contact (intent 'contact-sales')"],
    });
    expect(qualify({ ...business, intent: ' Demo ' }, 0)).toEqual({
      decision: 'sql',
      reasons: ["Asked for sales contact (intent ' Demo ')"],
    });
  });

  it('does not treat other intents as a hand-raise', () => {
    expect(qualify({ ...business, intent: 'newsletter' }, 30)).toEqual({
      decision: 'nurture',
      level: 'mql',
      reasons: ['Score 30 is below the SQL threshold 60'],
    });
    const noIntents = { ...unit.qualification, handRaiserIntents: [] };
    expect(qualify({ ...business, intent: 'demo' }, 30, noIntents).decision).toBe('nurture');
  });

  it('lists every blocker of a hand-raise, then judges by score', () => {
    expect(qualify({ email: 'jane@gmail.com', intent: 'demo' }, 10)).toEqual({
      decision: 'nurture',
      level: 'lead',
      missing: ['company'],
      reasons: [
        "Asked for sales contact (intent 'demo') but missing company and free-mail address (gmail.com)",
        'Score 10 is below the SQL threshold 60',
        'Score 10 is below the MQL threshold 20',
      ],
    });
    expect(qualify({ email: 'not-an-email', company: 'Acme', intent: 'demo' }, 30)).toEqual({
      decision: 'nurture',
      level: 'mql',
      reasons: [
        "Asked for sales contact (intent 'demo') but no valid email address",
        'Score 30 is below the SQL threshold 60',
      ],
    });
  });

  it('names every missing field of a hand-raiser', () => {
    const strict = { ...unit.qualification, sqlRequiredFields: ['company', 'jobTitle'] };
    expect(qualify({ email: 'jane@acme.example', intent: 'demo' }, 0, strict)).toMatchObject({
      missing: ['company', 'jobTitle'],
      reasons: [
        "Asked for sales contact (intent 'demo') but missing company, jobTitle",
        'Score 0 is below the SQL threshold 60',
        'Score 0 is below the MQL threshold 20',
      ],
    });
  });

  it('qualifies a blocked hand-raiser by score and keeps the reason the hand-raise failed', () => {
    expect(qualify({ email: 'jane@gmail.com', company: 'Acme', intent: 'demo' }, 75)).toEqual({
      decision: 'sql',
      reasons: [
        "Asked for sales contact (intent 'demo') but free-mail address (gmail.com)",
        'Score 75 reached the SQL threshold 60',
      ],
    });
  });

  it('accepts a free-mail hand-raiser when the unit does not require a business email', () => {
    const lenient = { ...unit.qualification, handRaiserRequiresBusinessEmail: false };
    expect(qualify({ email: 'jane@gmail.com', company: 'Acme', intent: 'demo' }, 0, lenient)).toEqual({
      decision: 'sql',
      reasons: ["Asked for sales contact (intent 'demo')"],
    });
  });

  it('says which score threshold was reached or missed', () => {
    expect(qualify(business, 60)).toEqual({
      decision: 'sql',
      reasons: ['Score 60 reached the SQL threshold 60'],
    });
    expect(qualify(business, 59)).toEqual({
      decision: 'nurture',
      level: 'mql',
      reasons: ['Score 59 is below the SQL threshold 60'],
    });
    expect(qualify(business, 20)).toEqual({
      decision: 'nurture',
      level: 'mql',
      reasons: ['Score 20 is below the SQL threshold 60'],
    });
    expect(qualify(business, 19)).toEqual({
      decision: 'nurture',
      level: 'lead',
      reasons: ['Score 19 is below the SQL threshold 60', 'Score 19 is below the MQL threshold 20'],
    });
  });

  it('keeps an SQL-level score without the required fields in nurture and names them', () => {
    const strict = { ...unit.qualification, sqlRequiredFields: ['company', 'jobTitle'] };
    expect(qualify({ email: 'jane@acme.example', company: '  ' }, 60, strict)).toEqual({
      decision: 'nurture',
      level: 'mql',
      missing: ['company', 'jobTitle'],
      reasons: ['Score 60 reached the SQL threshold 60 but company, jobTitle missing'],
    });
  });
});

describe('missingFields', () => {
  it('reports absent, null and blank fields in the configured order', () => {
    const profile = { email: 'jane@acme.example', company: ' ', jobTitle: 'CTO', utm: { source: '' } };
    expect(missingFields(profile, ['jobTitle', 'utm.source', 'company', 'phone', 'email'])).toEqual([
      'utm.source',
      'company',
      'phone',
    ]);
  });
});

describe('nurtureDecision input', () => {
  it('rejects an unreadable nurture start instead of waiting forever', () => {
    const latest = { decision: 'nurture' as const, level: 'lead' as const, reasons: [] };
    expect(() =>
      nurtureDecision({ nurtureStartedAt: 'last week', now: new Date(), latest }, unit.nurture),
    ).toThrow(new RangeError("invalid nurtureStartedAt 'last week'"));
  });
});
