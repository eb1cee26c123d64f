import { describe, expect, it } from 'vitest';
import demo from '../../config/business-units/demo.ts';
import { BusinessUnitConfig } from '../../config/schema.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import { composeNotification, recipients } from '../../functions/domain/notifications.ts';

const unit = BusinessUnitConfig.parse(demo);

/** Assigned to Anna (DACH, manager Mara) on Monday 23 March 2026 at 10:00 Berlin, due 11:00. */
const lead = (overrides: Partial<Lead> = {}): Lead => ({
  leadId: 'ld_FMuWueMyU3wxp1NJu5THV_Bc',
  businessUnit: 'demo',
  stage: 'assigned',
  profile: {
    email: 'eva@acme.example',
    firstName: 'Eva',
    lastName: 'Schmidt',
    company: 'Acme GmbH',
    phone: '+49 30 1234567',
    jobTitle: 'Head of Operations',
    intent: 'contact-sales',
    message: 'Please call in the morning.',
  },
  score: { total: 80, fit: 40, engagement: 40, breakdown: [], scoredAt: '2026-03-23T09:00:00.000Z' },
  owner: {
    repId: 'anna',
    name: 'Anna Becker',
    email: 'anna@demo.example.com',
    teamId: 'dach',
    managerEmail: 'mara.manager@demo.example.com',
  },
  sla: { assignedAt: '2026-03-23T09:00:00.000Z', followUpDueAt: '2026-03-23T10:00:00.000Z' },
  createdAt: '2026-03-23T09:00:00.000Z',
  updatedAt: '2026-03-23T09:00:00.000Z',
  submissionCount: 1,
  engagements: [],
  timeline: [],
  version: 3,
  ...overrides,
});

describe('composeNotification: breach', () => {
  const message = composeNotification(
    lead(),
    {
      kind: 'breach',
      audiences: ['rep', 'manager'],
      now: new Date('2026-03-23T10:05:00Z'),
      businessMinutesWaited: 65,
    },
    unit,
  );

  it('goes to the rep, the team manager and the unit’s sales managers, once each', () => {
    expect(message.to).toEqual([
      'anna@demo.example.com',
      'mara.manager@demo.example.com',
      'sales-lead@demo.example.com',
    ]);
  });

  it('names the lead in the subject', () => {
    expect(message.subject).toBe('SLA breached: Eva Schmidt (Acme GmbH) has not been contacted');
  });

  it('says how long the lead has waited and when it was due, in the unit’s local time', () => {
    expect(message.text).toContain('Waited so far: 1 h 5 min of business time');
    expect(message.text).toContain('First touch due: 23 Mar 2026, 11:00 (Europe/Berlin) (SLA: 1 h 0 min');
    expect(message.text).toContain('Assigned: 23 Mar 2026, 10:00 (Europe/Berlin)');
    expect(message.text).not.toContain('10:00:00.000Z');
  });

  it('gives the rep everything needed to act now', () => {
    expect(message.text).toMatch(/^The first-touch deadline has passed without a logged touch\./);
    for (const line of [
      'Lead: Eva Schmidt (Acme GmbH)',
      'Email: eva@acme.example | Phone: +49 30 1234567',
      'Title: Head of Operations',
      'Asked for: contact-sales',
      'Message: Please call in the morning.',
      'Score: 80 (fit 40, engagement 40)',
      'Owner: Anna Becker <anna@demo.example.com>',
      'Lead id: ld_FMuWueMyU3wxp1NJu5THV_Bc (business unit demo)',
    ]) {
      expect(message.text.split('\n')).toContain(line);
    }
    expect(message.text.trimEnd().endsWith('— Leadflow (Leadflow demo)')).toBe(true);
  });
});

describe('composeNotification: other cases', () => {
  it('shows minutes only below an hour and leaves out the waited line when unknown', () => {
    const breach = (businessMinutesWaited?: number) =>
      composeNotification(
        lead(),
        { kind: 'breach', audiences: ['rep'], now: new Date(), businessMinutesWaited },
        unit,
      ).text;
    expect(breach(45)).toContain('Waited so far: 45 min of business time');
    expect(breach(undefined)).not.toContain('Waited so far');
  });

  it('uses the local summer time after the DST switch', () => {
    const text = composeNotification(
      lead({ sla: { assignedAt: '2026-03-30T07:00:00.000Z', followUpDueAt: '2026-03-30T08:00:00.000Z' } }),
      { kind: 'reminder', audiences: ['rep'], now: new Date('2026-03-30T07:45:00Z') },
      unit,
    );
    expect(text.subject).toBe(
      'Reminder: follow up with Eva Schmidt (Acme GmbH) before 30 Mar 2026, 10:00 (Europe/Berlin)',
    );
  });

  it('falls back to the email when there is no name, and says unassigned without an owner', () => {
    const message = composeNotification(
      lead({ profile: { email: 'anon@acme.example' }, owner: undefined, sla: undefined }),
      { kind: 'failure', audiences: ['ops'], now: new Date(), error: 'Throttled' },
      unit,
    );
    expect(message.to).toEqual(['ops@demo.example.com']);
    expect(message.subject).toBe('Leadflow could not process lead ld_FMuWueMyU3wxp1NJu5THV_Bc');
    expect(message.text).toContain('Lead: anon@acme.example');
    expect(message.text).toContain('Owner: unassigned');
    expect(message.text).toContain('First touch due: n/a');
    expect(message.text).toContain('A lifecycle step failed after retries: Throttled.');
  });
});

describe('recipients', () => {
  it('de-duplicates and skips audiences that have nobody', () => {
    const noManager = lead({
      owner: { name: 'Sales queue', email: 'sales-queue@demo.example.com', fallback: true },
    });
    expect(recipients(noManager, ['rep', 'manager', 'ops', 'rep'], unit)).toEqual([
      'sales-queue@demo.example.com',
      'sales-lead@demo.example.com',
      'ops@demo.example.com',
    ]);
    expect(recipients(lead({ owner: undefined }), ['rep'], unit)).toEqual([]);
  });
});
