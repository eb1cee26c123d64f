import { describe, expect, it } from 'vitest';
import demo from '../../config/business-units/demo.ts';
import { BusinessUnitConfig } from '../../config/schema.ts';
import type { LeadProfile, LeadScore } from '../../functions/domain/lead.ts';
import {
  nurtureDecision,
  type QualificationDecision,
  qualifyLead,
} from '../../functions/domain/qualification.ts';
import { scoreLead } from '../../functions/domain/scoring.ts';

const unit = BusinessUnitConfig.parse(demo);
const now = new Date('2026-06-15T10:00:00Z');

const qualify = (profile: LeadProfile) =>
  qualifyLead(
    { profile, score: scoreLead({ profile, engagements: [] }, unit.scoring, now) },
    unit.qualification,
  );

const withTotal = (total: number): LeadScore => ({
  total,
  fit: total,
  engagement: 0,
  breakdown: [],
  scoredAt: now.toISOString(),
});

describe('qualifyLead with the demo unit', () => {
  it('makes a contact-sales lead with a business email and a company an SQL at once', () => {
    const decision = qualify({
      email: 'jane@acme-industries.example',
      company: 'Acme Industries',
      intent: 'contact-sales',
    });
    expect(decision.decision).toBe('sql');
    if (decision.decision === 'sql') expect(decision.reasons.join(' ')).toMatch(/contact-sales/);
  });

  it('does not fast-track a gmail hand-raiser and says why', () => {
    const decision = qualify({
      email: 'jane@gmail.com',
      company: 'Acme Industries',
      intent: 'contact-sales',
    });
    expect(decision).toMatchObject({ decision: 'nurture', level: 'lead' });
    if (decision.decision === 'nurture') {
      expect(decision.reasons.join(' ')).toMatch(/free-mail address \(gmail\.com\)/);
      expect(decision.missing).toBeUndefined();
    }
  });

  it('does not fast-track a hand-raiser without the required company', () => {
    const decision = qualify({ email: 'jane@acme-industries.example', intent: 'DEMO' });
    expect(decision).toMatchObject({ decision: 'nurture', missing: ['company'] });
    if (decision.decision === 'nurture') expect(decision.reasons.join(' ')).toMatch(/missing company/);
  });

  it('disqualifies competitors before anything else', () => {
    const decision = qualify({
      email: 'spy@rivalcorp.example',
      company: 'RivalCorp',
      intent: 'contact-sales',
    });
    expect(decision).toEqual({ decision: 'disqualify', reason: 'competitor' });
  });

  it('qualifies by score at the SQL threshold when the required fields are present', () => {
    const profile = { email: 'a@acme.example', company: 'Acme' };
    expect(qualifyLead({ profile, score: withTotal(60) }, unit.qualification).decision).toBe('sql');
    expect(qualifyLead({ profile, score: withTotal(59.9) }, unit.qualification)).toMatchObject({
      decision: 'nurture',
      level: 'mql',
    });
  });

  it('keeps a high scorer without required fields in nurture as an MQL, listing what is missing', () => {
    const decision = qualifyLead(
      { profile: { email: 'a@acme.example' }, score: withTotal(80) },
      unit.qualification,
    );
    expect(decision).toMatchObject({ decision: 'nurture', level: 'mql', missing: ['company'] });
  });

  it('separates MQLs from plain leads at the MQL threshold', () => {
    const profile = { email: 'a@acme.example', company: 'Acme' };
    expect(qualifyLead({ profile, score: withTotal(20) }, unit.qualification)).toMatchObject({
      level: 'mql',
    });
    expect(qualifyLead({ profile, score: withTotal(19) }, unit.qualification)).toMatchObject({
      level: 'lead',
    });
  });
});

describe('nurtureDecision with the demo unit (weekly checks, 90 days)', () => {
  const start = '2026-01-01T00:00:00.000Z';
  const day = 86_400_000;
  const at = (days: number) => new Date(Date.parse(start) + days * day);
  const lead: QualificationDecision = { decision: 'nurture', level: 'lead', reasons: [] };

  it('waits one check interval while far from the deadline', () => {
    expect(nurtureDecision({ nurtureStartedAt: start, now: at(0), latest: lead }, unit.nurture)).toEqual({
      decision: 'keep-nurturing',
      wakeAt: '2026-01-08T00:00:00.000Z',
      timeoutSeconds: 7 * 86_400,
    });
  });

  it('shortens the last wait to the deadline, but never below one second', () => {
    expect(
      nurtureDecision({ nurtureStartedAt: start, now: at(88), latest: lead }, unit.nurture),
    ).toMatchObject({
      timeoutSeconds: 2 * 86_400,
      wakeAt: '2026-04-01T00:00:00.000Z',
    });
    const almost = new Date(at(90).getTime() - 300);
    expect(
      nurtureDecision({ nurtureStartedAt: start, now: almost, latest: lead }, unit.nurture),
    ).toMatchObject({
      decision: 'keep-nurturing',
      timeoutSeconds: 1,
    });
  });

  it('expires with the configured action at maxNurtureDays', () => {
    expect(nurtureDecision({ nurtureStartedAt: start, now: at(90), latest: lead }, unit.nurture)).toEqual({
      decision: 'expired',
      action: 'disqualify',
    });
    const recycle = { ...unit.nurture, onExpiry: 'recycle' as const };
    expect(nurtureDecision({ nurtureStartedAt: start, now: at(120), latest: lead }, recycle)).toEqual({
      decision: 'expired',
      action: 'recycle',
    });
  });

  it('ends nurture when the lead qualified or became disqualified', () => {
    expect(
      nurtureDecision(
        { nurtureStartedAt: start, now: at(10), latest: { decision: 'sql', reasons: [] } },
        unit.nurture,
      ),
    ).toEqual({ decision: 'qualified' });
    expect(
      nurtureDecision(
        { nurtureStartedAt: start, now: at(10), latest: { decision: 'disqualify', reason: 'no-consent' } },
        unit.nurture,
      ),
    ).toEqual({ decision: 'disqualified', reason: 'no-consent' });
  });
});
