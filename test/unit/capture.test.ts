import { describe, expect, it } from 'vitest';
import demo from '../../config/business-units/demo.ts';
import { BusinessUnitConfig } from '../../config/schema.ts';
import { assessSpam, leadIdFor, newLead, resubmission, thankYouUrl } from '../../functions/domain/capture.ts';
import type { LeadProfile } from '../../functions/domain/lead.ts';

const unit = BusinessUnitConfig.parse(demo);
const now = new Date('2026-03-23T09:00:00Z');

describe('leadIdFor', () => {
  it('is stable, URL-safe and does not reveal the address', () => {
    const id = leadIdFor('demo', 'jane@acme.example');
    expect(id).toBe(leadIdFor('demo', 'jane@acme.example'));
    expect(id).toMatch(/^ld_[A-Za-z0-9_-]{24}$/);
    expect(id).not.toContain('jane');
    // Pinned: stored leads are found again by this id, so the derivation must never change.
    expect(id).toBe('ld_FMuWueMyU3wxp1NJu5THV_Bc');
  });

  it('differs per unit and per address', () => {
    const ids = new Set([
      leadIdFor('demo', 'jane@acme.example'),
      leadIdFor('emea', 'jane@acme.example'),
      leadIdFor('demo', 'john@acme.example'),
      // The separator keeps unit and address apart: no "demo" + "x@..." vs "demox" + "@..." clash.
      leadIdFor('demox', 'jane@acme.example'),
      leadIdFor('demo', 'xjane@acme.example'),
    ]);
    expect(ids.size).toBe(5);
  });

  it('expects an already normalized address', () => {
    expect(leadIdFor('demo', 'Jane@acme.example')).not.toBe(leadIdFor('demo', 'jane@acme.example'));
  });
});

describe('assessSpam (demo: honeypot website_url, minimum fill time 2 s)', () => {
  const spam = unit.spam;
  const at = (msAgo: number) => now.getTime() - msAgo;
  /** What a real form sends: the honeypot left empty, rendered 10 s ago. */
  const form = { honeypotValue: '', formRenderedAt: at(10_000) };

  it('passes a form with its signals, and an authenticated API client without any', () => {
    expect(assessSpam(form, spam, now)).toEqual({ spam: false, reasons: [] });
    expect(assessSpam({ apiClient: 'demo-crm' }, spam, now)).toEqual({ spam: false, reasons: [] });
    // The key outranks every signal: an integration has no form to fill.
    expect(
      assessSpam({ apiClient: 'demo-crm', honeypotValue: 'x', formRenderedAt: at(0) }, spam, now).spam,
    ).toBe(false);
  });

  it('flags a submission that leaves the form signals out, each by name', () => {
    expect(assessSpam({}, spam, now)).toEqual({
      spam: true,
      reasons: ['honeypot-missing', 'fill-time-missing'],
    });
    expect(assessSpam({ honeypotValue: '' }, spam, now).reasons).toEqual(['fill-time-missing']);
    expect(assessSpam({ formRenderedAt: at(10_000) }, spam, now).reasons).toEqual(['honeypot-missing']);
    // A unit that does not require them (e.g. a form it cannot change) lets them be missing.
    expect(assessSpam({}, { ...spam, requireFormSignals: false }, now)).toEqual({ spam: false, reasons: [] });
  });

  it('flags a filled honeypot, but not whitespace a browser might keep', () => {
    expect(assessSpam({ ...form, honeypotValue: 'http://spam.example' }, spam, now)).toEqual({
      spam: true,
      reasons: ['honeypot-filled'],
    });
    expect(assessSpam({ ...form, honeypotValue: '   ' }, spam, now).spam).toBe(false);
  });

  it('flags a form filled faster than the minimum; exactly the minimum passes', () => {
    expect(assessSpam({ ...form, formRenderedAt: at(500) }, spam, now).reasons).toEqual(['filled-too-fast']);
    expect(assessSpam({ ...form, formRenderedAt: at(1_999) }, spam, now).reasons).toEqual([
      'filled-too-fast',
    ]);
    expect(assessSpam({ ...form, formRenderedAt: at(2_000) }, spam, now).spam).toBe(false);
  });

  it('does not quarantine a visitor whose clock runs ahead (render time in the future)', () => {
    expect(assessSpam({ ...form, formRenderedAt: at(-30_000) }, spam, now).spam).toBe(false);
  });

  it('reports every reason at once', () => {
    expect(assessSpam({ honeypotValue: 'x', formRenderedAt: at(0) }, spam, now).reasons).toEqual([
      'honeypot-filled',
      'filled-too-fast',
    ]);
  });

  it('ignores Turnstile unless the unit requires it', () => {
    expect(assessSpam({ ...form, turnstile: { success: false } }, spam, now).spam).toBe(false);
  });

  describe('with Turnstile required', () => {
    const withTurnstile = {
      ...spam,
      turnstile: {
        secret: { source: 'env' as const, name: 'TS' },
        verifyUrl: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
      },
    };

    it('passes a verified token', () => {
      expect(assessSpam({ ...form, turnstile: { success: true } }, withTurnstile, now)).toEqual({
        spam: false,
        reasons: [],
      });
    });

    it('flags a missing verification and a failed one with its error codes', () => {
      expect(assessSpam(form, withTurnstile, now).reasons).toEqual(['turnstile-missing']);
      expect(
        assessSpam(
          {
            ...form,
            turnstile: { success: false, errorCodes: ['invalid-input-response', 'timeout-or-duplicate'] },
          },
          withTurnstile,
          now,
        ).reasons,
      ).toEqual(['turnstile-failed:invalid-input-response,timeout-or-duplicate']);
      expect(assessSpam({ ...form, turnstile: { success: false } }, withTurnstile, now).reasons).toEqual([
        'turnstile-failed:unknown',
      ]);
    });
  });
});

describe('thankYouUrl', () => {
  const allowlist = unit.capture.thankYouUrls;

  it('defaults to the first allowlisted page', () => {
    expect(thankYouUrl(undefined, allowlist)).toBe('http://localhost:3000/thank-you');
    expect(thankYouUrl('', allowlist)).toBe('http://localhost:3000/thank-you');
  });

  it('honours any allowlisted page', () => {
    expect(thankYouUrl('http://127.0.0.1:3000/thank-you', allowlist)).toBe('http://127.0.0.1:3000/thank-you');
  });

  it.each([
    'https://evil.example/',
    'http://localhost:3000/thank-you/../../evil',
    'http://localhost:3000/thank-you?x=1',
    'HTTP://LOCALHOST:3000/thank-you',
    'http://localhost:3000/thank-you#x',
    '/thank-you',
    '//evil.example',
  ])('falls back to the default for %s (exact matches only)', (requested) => {
    expect(thankYouUrl(requested, allowlist)).toBe('http://localhost:3000/thank-you');
  });
});

describe('newLead and resubmission', () => {
  const profile: LeadProfile = {
    email: 'jane@acme.example',
    formId: 'pricing',
    intent: 'demo',
    utm: { source: 'ads' },
  };

  it('starts a lead in stage captured with one submission and a captured entry', () => {
    const lead = newLead({ leadId: 'ld_x', businessUnit: 'demo', profile, now });
    expect(lead).toMatchObject({
      leadId: 'ld_x',
      businessUnit: 'demo',
      stage: 'captured',
      submissionCount: 1,
      createdAt: '2026-03-23T09:00:00.000Z',
      updatedAt: '2026-03-23T09:00:00.000Z',
      engagements: [],
      version: 1,
    });
    expect(lead.timeline).toEqual([
      {
        at: '2026-03-23T09:00:00.000Z',
        type: 'captured',
        summary: 'Lead captured from form pricing (intent: demo)',
        data: { formId: 'pricing', intent: 'demo', utm: { source: 'ads' } },
      },
    ]);
  });

  it('records a re-submission as engagement; a demo request counts as one', () => {
    expect(resubmission(profile, now)).toEqual({
      entry: {
        at: '2026-03-23T09:00:00.000Z',
        type: 'resubmitted',
        summary: 'Form re-submitted (pricing) with intent demo',
        data: { formId: 'pricing', intent: 'demo', utm: { source: 'ads' } },
      },
      engagement: { type: 'demo-requested', at: '2026-03-23T09:00:00.000Z' },
    });
    expect(resubmission({ email: 'jane@acme.example' }, now).engagement.type).toBe('form-resubmitted');
  });
});
