import { describe, expect, it } from 'vitest';
import emea from '../../config/business-units/emea.ts';
import { BusinessUnitConfig, type BusinessUnitConfigInput } from '../../config/schema.ts';
import { renderAgreement } from '../../functions/domain/agreement/render.ts';
import { businessDuration, describePredicate, percent } from '../../functions/domain/agreement/text.ts';
import { seedConfig } from './scorecard-seed.ts';

const emeaConfig = (change: (c: BusinessUnitConfigInput) => void = () => {}) => {
  const raw = structuredClone(emea) as BusinessUnitConfigInput;
  raw.sla.rejectionReasons = ['No budget', 'Student or job seeker'];
  change(raw);
  return BusinessUnitConfig.parse(raw);
};

const section = (doc: ReturnType<typeof renderAgreement>, id: string) => {
  const found = doc.sections.find((s) => s.id === id);
  if (!found) throw new Error(`no section ${id}`);
  return found;
};

describe('the agreement in plain words', () => {
  // 10 March 2027 in London: the 2027 version is in force.
  const doc = renderAgreement(emeaConfig(), { now: '2027-03-10T09:00:00Z' });

  it('states what marketing owes, from the version in force, with its segments and quality bar', () => {
    expect(doc.inForce.effectiveFrom).toBe('2027-01-01');
    expect(section(doc, 'marketing')).toMatchObject({ audience: 'marketing', title: 'Marketing commits to' });
    expect(section(doc, 'marketing').items).toEqual([
      'Hand 150 SQLs a month to sales.',
      'Of these, 50 for dach: country is DE, AT or CH.',
      'Of these, 100 for rest-of-emea: not (country is DE, AT or CH).',
      "The commitment is paced evenly over each month's business days.",
      'Quality bar: at least 75% of the SQLs sales decides on are accepted.',
      'Marketing is alerted when SQLs delivered fall more than 10% behind that pace (not before 3 business days of the month have passed).',
    ]);
  });

  it('states the SLA sales runs on: first touch, reminder, the escalation ladder, windows and targets', () => {
    expect(section(doc, 'sales').items).toEqual([
      'Touch every SQL within 2 business hours of the hand-off; the touch counts once 2 attempts are logged.',
      'The rep gets a reminder when 75% of that time has passed, after 90 business minutes.',
      'At the deadline, the rep and their manager are told the SLA is breached.',
      'Escalation level 1, 1 business hour after the deadline: the rep and their manager are alerted.',
      'Escalation level 2, 3 business hours after the deadline: their manager and ops are alerted.',
      'After the last alert the lead moves to another rep, at most 2 times, with a fresh deadline; after that, their manager and ops are alerted.',
      'If it is then still untouched 480 business hours (about 62.3 business days) after the last alert, it goes to EMEA inside-sales queue.',
      "Accept or reject within 16 business hours (about 2.1 business days) of the first touch. A rejection gives a reason (agreed reasons: “No budget” or “Student or job seeker”) and sends the lead back to marketing's nurture.",
      'Record the outcome (won or lost) within 480 business hours (about 62.3 business days) of accepting.',
      'Targets: at least 90% of hand-offs touched within the SLA, and at least 90% decided within the window.',
      'Sales is alerted when either rate falls 5 points below its target (judged on at least 15 hand-offs).',
    ]);
  });

  it('follows the config: a changed SLA changes the document', () => {
    const changed = renderAgreement(
      emeaConfig((c) => {
        c.sla.firstTouchMinutes = 45;
        c.sla.escalation = [{ afterMinutes: 15, notify: ['ops'] }];
        c.sla.maxReassignments = 0;
      }),
      { now: '2027-03-10T09:00:00Z' },
    );
    const items = section(changed, 'sales').items;
    expect(items[0]).toBe(
      'Touch every SQL within 45 business minutes of the hand-off; the touch counts once 2 attempts are logged.',
    );
    expect(items).toContain('Escalation level 1, 15 business minutes after the deadline: ops are alerted.');
    expect(items).toContain('After the last alert, their manager and ops are alerted (no reassignment).');
    expect(items.some((i) => i.startsWith('Escalation level 2'))).toBe(false);
  });

  it('describes the SQL definition and business hours from the qualification and calendar config', () => {
    expect(section(doc, 'sql-definition').items.slice(0, 3)).toEqual([
      'A lead is marketing-qualified (MQL) from a score of 25.',
      'It is sales-qualified (SQL) from a score of 70 when company is given and job title is given.',
      'A lead who asks for sales (contact-sales or demo) is an SQL at once when company is given, job title is given and the email is a business address.',
    ]);
    expect(section(doc, 'business-hours').items[0]).toBe(
      'Every sales clock counts business minutes only: Monday to Thursday 08:30–12:30 and 13:30–17:30; Friday 08:30–12:30 and 13:30–16:00 (Europe/London).',
    );
  });

  it('keeps the version history with what was, is and will be in force', () => {
    const before = renderAgreement(emeaConfig(), { now: '2026-12-31T23:59:00Z' });
    expect(before.history.map((h) => [h.effectiveFrom, h.status])).toEqual([
      ['2026-07-01', 'in force'],
      ['2027-01-01', 'scheduled'],
    ]);
    expect(section(before, 'measuring').items).toContain(
      'Version 2027-01-01 takes effect on that day: 2027: 150 SQLs a month (DACH 50), quality bar raised to 75%.',
    );
    expect(doc.history.map((h) => h.status)).toEqual(['past', 'in force']);
    expect(doc.history[1]).toMatchObject({ sqlsPerMonth: 150, minAcceptanceRate: 0.75 });
  });

  it('renders the same sentences as Markdown and as accessible HTML', () => {
    for (const s of doc.sections) {
      expect(doc.markdown).toContain(`## ${s.title}`);
      for (const item of s.items) expect(doc.markdown).toContain(`- ${item}\n`);
    }
    expect(doc.markdown).toContain(
      '| 2027-01-01 | in force | 150 (dach 50, rest-of-emea 100) | ≥ 75% accepted | ≥ 90% | ≥ 90% |',
    );
    expect(doc.html).toContain('<li>Hand 150 SQLs a month to sales.</li>');
    expect(doc.html).toContain(
      '<li>Accept or reject within 16 business hours (about 2.1 business days) of the first touch.',
    );
    expect(doc.html).toContain('marketing&#39;s nurture');
    expect(doc.html).toContain('<caption>Every version of the agreement, oldest first</caption>');
    expect(doc.html).toContain('<th scope="col">In force from</th>');
    expect(doc.html).toContain('<th scope="row">2026-07-01</th>');
    expect(doc.html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(doc.html).not.toMatch(/<script/i);
  });

  it('escapes config text in HTML', () => {
    const config = seedConfig(undefined, (c) => {
      c.displayName = 'Acme <b>"R&D"</b>';
    });
    const html = renderAgreement(config, { now: '2027-03-10T09:00:00Z' }).html;
    expect(html).toContain('Acme &lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;');
    expect(html).not.toContain('<b>');
  });
});

describe('plain-words helpers', () => {
  it('writes durations, shares and predicates', () => {
    expect(businessDuration(45)).toBe('45 business minutes');
    expect(businessDuration(60)).toBe('1 business hour');
    expect(businessDuration(90)).toBe('90 business minutes');
    expect(businessDuration(960, 480)).toBe('16 business hours (about 2 business days)');
    expect(percent(0.875)).toBe('87.5%');
    expect(percent(0.9)).toBe('90%');
    expect(
      describePredicate({
        all: [
          { field: 'companySize', op: 'gte', value: 50 },
          { field: 'email', op: 'businessEmail' },
        ],
      }),
    ).toBe('company size is at least 50 and the email is a business address');
  });
});
