import { describe, expect, it } from 'vitest';
import demo from '../../config/business-units/demo.ts';
import { BusinessUnitConfig } from '../../config/schema.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import {
  composeNotification,
  type NotificationFacts,
  type NotificationKind,
  recipients,
} from '../../functions/domain/notifications.ts';

const unit = BusinessUnitConfig.parse(demo);
const now = new Date('2026-03-23T10:05:00Z');

/** Eva, assigned to Anna on Monday 23 March 2026 at 10:00 Berlin, first touch due 11:00. */
const lead = (overrides: Partial<Lead> = {}): Lead => ({
  leadId: 'ld_wording',
  businessUnit: 'demo',
  stage: 'assigned',
  profile: { email: 'eva@acme.example', firstName: 'Eva', lastName: 'Schmidt', company: 'Acme GmbH' },
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

const compose = (facts: Partial<NotificationFacts> & { kind: NotificationKind }, l: Lead = lead()) =>
  composeNotification(l, { audiences: ['rep'], now, ...facts }, unit);
const intro = (text: string): string => text.split('\n')[0] ?? '';

describe('notification subjects and opening lines', () => {
  const eva = 'Eva Schmidt (Acme GmbH)';
  const due = '23 Mar 2026, 11:00 (Europe/Berlin)';

  it.each<[NotificationKind, string, string]>([
    [
      'assigned',
      `New lead for you: ${eva} — first touch due ${due}`,
      'A new sales-qualified lead was assigned to you. Please make the first touch before the deadline below.',
    ],
    [
      'reminder',
      `Reminder: follow up with ${eva} before ${due}`,
      'The first-touch deadline is close (75% of the SLA window has passed).',
    ],
    [
      'breach',
      `SLA breached: ${eva} has not been contacted`,
      'The first-touch deadline has passed without a logged touch. Please contact the lead now and log the touch.',
    ],
    [
      'escalation',
      `Escalation level 1: ${eva} still not contacted`,
      'This lead is still waiting for its first touch after the SLA breach.',
    ],
    [
      'reassigned-away',
      `Lead reassigned: ${eva} moved to another rep after no follow-up`,
      'No touch was logged in time, so the lead now belongs to Anna Becker.',
    ],
    [
      'exhausted',
      `Escalation exhausted: ${eva} still not contacted after every level`,
      'Every escalation level has fired and no reassignment is left. Please step in.',
    ],
    [
      'give-up',
      `Lead moved to the queue: ${eva} was never contacted`,
      'The lead was never contacted; it has been moved to the fallback queue.',
    ],
    [
      'decision-overdue',
      `Accept or reject ${eva}: decision overdue`,
      'The lead was touched but not yet accepted or rejected (with a reason) within the agreed time.',
    ],
    [
      'outcome-overdue',
      `Outcome overdue for ${eva}: record won or lost`,
      'The accepted lead has no recorded outcome (won or lost) within the agreed time.',
    ],
    [
      'failure',
      'Leadflow could not process lead ld_wording',
      'A lifecycle step failed after retries: unknown error. The lead is parked in stage "failed"; fix the cause and resume it.',
    ],
  ])('%s', (kind, subject, opening) => {
    const message = compose({ kind });
    expect(message.subject).toBe(subject);
    expect(intro(message.text)).toBe(opening);
  });

  it('names the escalation level it was given', () => {
    expect(compose({ kind: 'escalation', level: 3 }).subject).toBe(
      `Escalation level 3: ${eva} still not contacted`,
    );
  });

  it('tells the new owner who had the lead, and says "another rep" when the owner is unknown', () => {
    const previous = { kind: 'reassigned-away' as const, previousOwnerEmail: 'ben@demo.example.com' };
    expect(intro(compose(previous).text)).toBe(
      'No touch was logged in time, so the lead now belongs to Anna Becker. Previous owner: ben@demo.example.com.',
    );
    expect(intro(compose({ kind: 'reassigned-away' }, lead({ owner: undefined })).text)).toBe(
      'No touch was logged in time, so the lead now belongs to another rep.',
    );
  });
});

describe('notification body', () => {
  it('lists only the facts the lead has, one per line, without blank lines', () => {
    const bare = lead({ profile: { email: 'anon@acme.example' }, owner: undefined, sla: undefined });
    expect(compose({ kind: 'failure', error: 'Throttled' }, bare).text).toBe(
      [
        'A lifecycle step failed after retries: Throttled. The lead is parked in stage "failed"; fix the cause and resume it.',
        '',
        'Lead: anon@acme.example',
        'Email: anon@acme.example',
        'Owner: unassigned',
        'Assigned: n/a',
        'First touch due: n/a (SLA: 1 h 0 min of business time)',
        'Lead id: ld_wording (business unit demo)',
        '',
        '— Leadflow (Leadflow demo)',
        '',
      ].join('\n'),
    );
  });

  it('names a lead by first name alone, or by company alone after the email', () => {
    const firstOnly = lead({ profile: { email: 'eva@acme.example', firstName: 'Eva' } });
    expect(compose({ kind: 'breach' }, firstOnly).subject).toBe('SLA breached: Eva has not been contacted');
    const companyOnly = lead({ profile: { email: 'eva@acme.example', company: 'Acme GmbH' } });
    expect(compose({ kind: 'breach' }, companyOnly).subject).toBe(
      'SLA breached: eva@acme.example (Acme GmbH) has not been contacted',
    );
  });

  it.each([
    [0, '0 min'],
    [59.4, '59 min'],
    [59.6, '1 h 0 min'],
    [60, '1 h 0 min'],
    [119.7, '2 h 0 min'],
    [125, '2 h 5 min'],
  ])('shows %d business minutes waited as "%s"', (minutes, shown) => {
    expect(compose({ kind: 'breach', businessMinutesWaited: minutes }).text.split('\n')).toContain(
      `Waited so far: ${shown} of business time`,
    );
  });
});

describe('recipients by audience', () => {
  it('sends rep mail to the owner only', () => {
    expect(recipients(lead(), ['rep'], unit)).toEqual(['anna@demo.example.com']);
  });

  it("sends manager mail to the owner's manager and the unit's sales managers, not to the rep", () => {
    expect(recipients(lead(), ['manager'], unit)).toEqual([
      'mara.manager@demo.example.com',
      'sales-lead@demo.example.com',
    ]);
    expect(recipients(lead({ owner: undefined }), ['manager'], unit)).toEqual([
      'sales-lead@demo.example.com',
    ]);
  });

  it('sends ops mail to ops only', () => {
    expect(recipients(lead(), ['ops'], unit)).toEqual(['ops@demo.example.com']);
  });
});
