/**
 * The mail templates: every kind renders as text and HTML, the two agree on the facts and the
 * links, hostile lead fields stay text in both, and the unit's branding shows.
 */
import { describe, expect, it } from 'vitest';
import demo from '../../config/business-units/demo.ts';
import { BusinessUnitConfig } from '../../config/schema.ts';
import type { ActionLinks } from '../../functions/domain/action-links.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import {
  composeDigest,
  composeNotifications,
  type NotificationFacts,
  type NotificationKind,
} from '../../functions/domain/notifications.ts';

const unit = BusinessUnitConfig.parse({
  ...demo,
  branding: {
    displayName: 'Acme Sales',
    primaryColor: '#0F766E',
    logoUrl: 'https://cdn.acme.example/logo.png',
  },
});
const NOW = new Date('2026-03-23T10:05:00Z');
const ANNA = 'anna@demo.example.com';
const KINDS: NotificationKind[] = [
  'assigned',
  'reminder',
  'breach',
  'escalation',
  'reassigned-away',
  'exhausted',
  'give-up',
  'decision-overdue',
  'outcome-overdue',
  'failure',
];

const lead = (overrides: Partial<Lead> = {}): Lead => ({
  leadId: 'ld_templates',
  businessUnit: 'demo',
  stage: 'assigned',
  profile: {
    email: 'eva@acme.example',
    firstName: 'Eva',
    lastName: 'Schmidt',
    company: 'Acme GmbH',
    phone: '+49 30 1234567',
    jobTitle: 'Head of Operations',
    intent: 'demo',
    message: 'We route 400 leads a month.',
    formId: 'demo-contact',
    utm: { source: 'newsletter', medium: 'email', campaign: 'spring-26' },
  },
  score: {
    total: 85,
    fit: 45,
    engagement: 40,
    breakdown: [
      { kind: 'fit', id: 'senior-title', description: 'Decision maker title', points: 20 },
      { kind: 'fit', id: 'business-email', description: 'Business email domain', points: 10 },
      { kind: 'engagement', id: 'demo-requested', description: 'Requested a demo', points: 40 },
    ],
    scoredAt: '2026-03-23T09:00:00.000Z',
  },
  engagements: [
    { type: 'pricing-page-visited', at: '2026-03-20T15:00:00.000Z' },
    { type: 'demo-requested', at: '2026-03-23T08:59:00.000Z' },
  ],
  owner: {
    repId: 'anna',
    name: 'Anna Becker',
    email: ANNA,
    teamId: 'dach',
    managerEmail: 'mara.manager@demo.example.com',
  },
  sla: {
    assignedAt: '2026-03-23T09:00:00.000Z',
    followUpDueAt: '2026-03-23T10:00:00.000Z',
    acceptanceDueAt: '2026-03-24T09:00:00.000Z',
    outcomeDueAt: '2026-05-04T09:00:00.000Z',
    handoffs: 1,
  },
  createdAt: '2026-03-23T09:00:00.000Z',
  updatedAt: '2026-03-23T09:00:00.000Z',
  submissionCount: 1,
  timeline: [],
  version: 3,
  ...overrides,
});

const LINKS: ActionLinks = {
  expiresAt: '2026-03-26T09:00:00.000Z',
  urls: {
    touch: 'https://api.example/actions/t0uch.sig',
    accept: 'https://api.example/actions/acc3pt.sig',
    reject: 'https://api.example/actions/r3ject.sig',
    decline: 'https://api.example/actions/decl1ne.sig',
  },
};

const facts = (kind: NotificationKind, more: Partial<NotificationFacts> = {}): NotificationFacts => ({
  kind,
  audiences: ['rep', 'manager', 'ops'],
  now: NOW,
  businessMinutesWaited: 65,
  level: 2,
  previousOwnerEmail: 'ben@demo.example.com',
  error: 'Throttled',
  ...more,
});

/** The HTML's text as a reader sees it: tags dropped, entities decoded, whitespace collapsed. */
const visibleText = (html: string) =>
  html
    .replace(/<(style|title)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
const hrefs = (html: string) =>
  [...html.matchAll(/href="([^"]*)"/g)].map((m) => (m[1] ?? '').replace(/&amp;/g, '&'));
const textUrls = (text: string) => [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);

const ownerCopy = (kind: NotificationKind, l: Lead = lead()) => {
  const copy = composeNotifications(l, facts(kind), unit, LINKS).find((m) => m.to[0] === ANNA);
  if (!copy) throw new Error(`no copy to the owner for ${kind}`);
  return copy;
};

describe.each(KINDS)('%s', (kind) => {
  const messages = composeNotifications(lead(), facts(kind), unit, LINKS);

  it('renders a one-line subject, a text and an HTML body for each recipient', () => {
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.to).toHaveLength(1);
      expect(m.subject).not.toMatch(/[\r\n]/);
      expect(m.text.length).toBeGreaterThan(100);
      expect(m.html).toMatch(/^<!doctype html>/);
      expect(m.html).toContain('Acme Sales');
    }
  });

  it('shows the lead, its source and campaign, intent, score with breakdown, engagement, SLA and due time in both versions', () => {
    const copy = ownerCopy(kind);
    const html = visibleText(copy.html ?? '');
    for (const fact of [
      'Eva Schmidt (Acme GmbH)',
      'eva@acme.example',
      '+49 30 1234567',
      'Head of Operations',
      'form demo-contact · newsletter / email',
      'spring-26',
      'demo',
      'We route 400 leads a month.',
      '85 (fit 45, engagement 40)',
      '+20',
      'Decision maker title',
      'Requested a demo',
      'demo-requested (23 Mar 2026, 09:59 (Europe/Berlin))',
      'pricing-page-visited (20 Mar 2026, 16:00 (Europe/Berlin))',
      '23 Mar 2026, 11:00 (Europe/Berlin)',
      '1 h 0 min of business time',
      '1 h 5 min',
      'ld_templates',
    ]) {
      expect(copy.text, fact).toContain(fact);
      expect(html, fact).toContain(fact);
    }
  });

  it('gives the owner the same one-click links in text and HTML; nobody else gets any', () => {
    const copy = ownerCopy(kind);
    const links = Object.values(LINKS.urls);
    expect(textUrls(copy.text)).toEqual(links);
    expect(hrefs(copy.html ?? '')).toEqual(links);
    for (const label of ['I contacted them', 'Accept', 'Reject', 'Not my lead']) {
      expect(copy.text).toContain(`${label}: `);
      expect(visibleText(copy.html ?? '')).toContain(label);
    }
    expect(copy.text).toContain('until 26 Mar 2026, 10:00 (Europe/Berlin)');
    for (const other of messages.filter((m) => m.to[0] !== ANNA)) {
      expect(textUrls(other.text)).toEqual([]);
      expect(hrefs(other.html ?? '')).toEqual([]);
    }
  });
});

describe('deadlines', () => {
  it('name the decision and outcome deadlines in the mails about them', () => {
    expect(ownerCopy('decision-overdue').text).toContain(
      'Decision due: 24 Mar 2026, 10:00 (Europe/Berlin) (SLA: 8 h 0 min of business time after the first touch)',
    );
    expect(visibleText(ownerCopy('decision-overdue').html ?? '')).toContain(
      'Accept or reject by: 24 Mar 2026, 10:00',
    );
    expect(ownerCopy('outcome-overdue').text).toContain('Outcome due: 4 May 2026, 11:00 (Europe/Berlin)');
  });

  it("show the owner's times in the owner's own calendar zone, everyone else's in the unit's", () => {
    const tokyo = BusinessUnitConfig.parse({
      ...demo,
      routing: {
        ...demo.routing,
        teams: demo.routing.teams.map((t) => ({
          ...t,
          members: t.members.map((m) =>
            m.id === 'anna'
              ? { ...m, calendar: { timezone: 'Asia/Tokyo', weekly: { mon: [['09:00', '17:00']] } } }
              : m,
          ),
        })),
      },
    });
    const [owner, manager] = composeNotifications(
      lead(),
      facts('assigned', { audiences: ['rep', 'manager'] }),
      tokyo,
      LINKS,
    );
    expect(owner?.subject).toContain('23 Mar 2026, 19:00 (Asia/Tokyo)');
    expect(manager?.subject).toContain('23 Mar 2026, 11:00 (Europe/Berlin)');
  });
});

describe('hostile lead fields', () => {
  const hostile = lead({
    profile: {
      email: 'x@evil.example',
      firstName: '<script>alert(1)</script>',
      lastName: '"><img src=x onerror=alert(2)>',
      company: "Acme' onmouseover='alert(3)",
      jobTitle: ['`$', '{alert(4)}`'].join(''),
      message: '<a href="javascript:alert(5)">click</a>\r\nBcc: y@evil.example',
      utm: { source: '<b>bold</b>', campaign: '</td></tr></table><h1>Pwned</h1>' },
    },
  });

  it.each(KINDS)('%s: stay text in the HTML, one line in the text, and add no link', (kind) => {
    for (const m of composeNotifications(hostile, facts(kind), unit, LINKS)) {
      const html = m.html ?? '';
      for (const raw of ['<script', '<img src=x', '<b>', '<h1>Pwned', 'href="javascript', "onmouseover='"])
        expect(html, raw).not.toContain(raw);
      expect(visibleText(html)).toContain('<script>alert(1)</script>');
      expect(visibleText(html)).toContain('</td></tr></table><h1>Pwned</h1>');
      expect(hrefs(html).every((h) => h.startsWith('https://api.example/actions/'))).toBe(true);
      expect(m.subject).not.toMatch(/[\r\n]/);
      for (const line of m.text.split('\n')) expect(line).not.toMatch(/^Bcc:/);
    }
  });

  it('cannot smuggle a colour, a logo or a link through the config either', () => {
    const sneaky = {
      ...unit,
      branding: { primaryColor: 'red;background:url(https://x)', logoUrl: 'javascript:alert(1)' },
    };
    const html = composeNotifications(lead(), facts('assigned'), sneaky, {
      ...LINKS,
      urls: { touch: 'javascript:alert(1)', accept: 'https://api.example/actions/ok.sig' },
    }).find((m) => m.to[0] === ANNA)?.html;
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('url(https://x)');
    expect(html).toContain('background:#1d4ed8');
    expect(hrefs(html ?? '')).toEqual(['https://api.example/actions/ok.sig']);
  });
});

describe('branding', () => {
  it('puts the unit name, colour (with readable text on it) and https logo in the header', () => {
    const html = ownerCopy('assigned').html ?? '';
    expect(html).toContain('background:#0f766e;color:#ffffff');
    expect(html).toContain('<img src="https://cdn.acme.example/logo.png"');
    const light = composeNotifications(
      lead(),
      facts('assigned'),
      { ...unit, branding: { primaryColor: '#fde68a' } },
      LINKS,
    )[0];
    expect(light?.html).toContain('background:#fde68a;color:#111827');
    expect(light?.text.trimEnd().endsWith('— Leadflow (Leadflow demo)')).toBe(true);
  });
});

describe('reassignment after "Not my lead"', () => {
  it('tells the manager the previous owner declined, rather than that the SLA slipped', () => {
    const declined = lead({
      owner: {
        repId: 'ben',
        name: 'Ben Vogel',
        email: 'ben@demo.example.com',
        managerEmail: 'mara.manager@demo.example.com',
      },
      sla: { ...lead().sla, handoffs: 2 },
      timeline: [
        {
          at: NOW.toISOString(),
          type: 'declined',
          summary: 'Anna Becker: not my lead',
          data: { by: 'Anna Becker', handoff: 1 },
        },
      ],
    });
    const [mail] = composeNotifications(
      declined,
      facts('reassigned-away', { audiences: ['manager'], previousOwnerEmail: ANNA }),
      unit,
    );
    expect(mail?.subject).toBe(
      'Lead reassigned: Eva Schmidt (Acme GmbH) moved to another rep after "Not my lead"',
    );
    expect(mail?.text.split('\n')[0]).toBe(
      'Anna Becker said this is not their lead, so it now belongs to Ben Vogel. Previous owner: anna@demo.example.com.',
    );
  });
});

describe('daily digest', () => {
  const entries = [
    {
      lead: lead({
        leadId: 'ld_later',
        stage: 'touched',
        profile: { email: 'a@b.example', firstName: 'Later' },
      }),
      links: LINKS,
    },
    { lead: lead({ leadId: 'ld_overdue' }), links: LINKS },
    {
      lead: lead({
        leadId: 'ld_accepted',
        stage: 'accepted',
        profile: { email: 'c@d.example', company: 'Won Soon' },
      }),
    },
  ];
  const digest = composeDigest({ repId: 'anna', name: 'Anna Becker', email: ANNA }, entries, unit, NOW);

  it('lists every open lead, overdue first, with its next deadline in the rep’s zone', () => {
    expect(digest.to).toEqual([ANNA]);
    expect(digest.subject).toBe('Your open leads: 3, 1 overdue — Monday, 23 March 2026');
    const order = ['ld_overdue', 'ld_later', 'ld_accepted'].map((id) => digest.text.indexOf(id));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(digest.text).toContain('First touch due: 23 Mar 2026, 11:00 (Europe/Berlin) (OVERDUE)');
    expect(digest.text).toContain('Accept or reject by: 24 Mar 2026, 10:00 (Europe/Berlin)');
    expect(digest.text).toContain('Outcome due: 4 May 2026, 11:00 (Europe/Berlin)');
    expect(visibleText(digest.html ?? '')).toContain('OVERDUE');
  });

  it('carries the same action links in text and HTML', () => {
    expect(textUrls(digest.text)).toEqual(hrefs(digest.html ?? ''));
    expect(textUrls(digest.text)).toHaveLength(8);
  });

  it('says so when the rep holds nothing', () => {
    const empty = composeDigest({ name: 'Dev', email: 'dev@demo.example.com' }, [], unit, NOW);
    expect(empty.subject).toBe('Your open leads: 0 — Monday, 23 March 2026');
    expect(empty.text).toContain('You hold no open leads today.');
  });
});
