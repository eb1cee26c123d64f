/** POST /leads end to end: JSON and plain HTML form submissions that become leads. */
import { describe, expect, it } from 'vitest';
import { leadIdFor } from '../../functions/domain/capture.ts';
import { captureApi, DEFAULT_THANK_YOU, OTHER_THANK_YOU } from './capture-fixtures.ts';

const { h, post, postJson, postForm, capturedEvents, executions } = captureApi();

describe('JSON capture', () => {
  it('answers 202 with the lead id and location, publishes LeadCaptured without personal data, and stores the normalized email', async () => {
    const response = await postJson({
      email: '  Grace.Hopper@Navy-Labs.EXAMPLE ',
      firstName: 'Grace',
      lastName: 'Hopper',
      company: 'Navy Labs',
      phone: '+1 202 555 0100',
      country: 'us',
      intent: 'contact-sales',
      formId: 'pricing-page',
      message: 'Call me about COBOL.',
      utm: { source: 'google', campaign: 'spring' },
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { leadId: string; status: string };
    expect(body).toEqual({ leadId: leadIdFor('demo', 'grace.hopper@navy-labs.example'), status: 'created' });
    expect(response.headers.get('location')).toBe(`/leads/${body.leadId}`);
    await h.settle();

    const events = capturedEvents(body.leadId);
    expect(events).toHaveLength(1);
    expect(events[0]?.source).toBe('leadflow');
    expect(events[0]?.detail).toMatchObject({
      version: 1,
      businessUnit: 'demo',
      leadId: body.leadId,
      occurredAt: '2026-03-23T09:00:00.000Z',
      data: {
        intent: 'contact-sales',
        formId: 'pricing-page',
        country: 'US',
        utm: { source: 'google', campaign: 'spring' },
        resubmission: false,
      },
    });
    const detail = JSON.stringify(events[0]?.detail).toLowerCase();
    for (const personal of ['grace', 'hopper', 'navy-labs', '202 555', '0100', 'cobol', '@']) {
      expect(detail).not.toContain(personal);
    }

    const lead = await h.getLead(body.leadId);
    expect(lead.profile).toMatchObject({
      email: 'grace.hopper@navy-labs.example',
      firstName: 'Grace',
      country: 'US',
      utm: { source: 'google', campaign: 'spring' },
    });
    expect(lead.submissionCount).toBe(1);
    expect(lead.timeline[0]).toMatchObject({ type: 'captured', at: '2026-03-23T09:00:00.000Z' });
    expect(executions(body.leadId)).toHaveLength(1);
  });

  it('folds flat utm_* and custom[...] names in JSON too (what a page serializing its form sends)', async () => {
    const response = await postJson({
      email: 'flat-json@acme.example',
      formId: 'demo-contact',
      utm_source: 'newsletter',
      utm_campaign: 'spring-26',
      utm_term: '',
      'custom[industry]': 'Retail',
      custom: { region: 'North' },
      website_url: '',
      companySize: '',
      formRenderedAt: h.clock.now().getTime() - 60_000,
    });
    expect(response.status).toBe(202);
    await h.settle();
    const lead = await h.getLead(leadIdFor('demo', 'flat-json@acme.example'));
    expect(lead.profile).toEqual({
      email: 'flat-json@acme.example',
      formId: 'demo-contact',
      utm: { source: 'newsletter', campaign: 'spring-26' },
      custom: { region: 'North', industry: 'Retail' },
    });
    const [event] = capturedEvents(lead.leadId as string);
    expect(event?.detail.data).toMatchObject({ utm: { source: 'newsletter', campaign: 'spring-26' } });
  });

  it('accepts a JSON media type with parameters and a +json suffix', async () => {
    const withCharset = await post(JSON.stringify({ email: 'charset@json.example' }), {
      'content-type': 'Application/JSON; charset=utf-8',
    });
    expect(withCharset.status).toBe(202);
    const suffixed = await post(JSON.stringify({ email: 'suffix@json.example' }), {
      'content-type': 'application/vnd.leadflow+json',
    });
    expect(suffixed.status).toBe(202);
    expect(await suffixed.json()).toEqual({
      leadId: leadIdFor('demo', 'suffix@json.example'),
      status: 'created',
    });
  });
});

describe('plain HTML form capture', () => {
  const form = (email: string, extra: Record<string, string> = {}) => ({
    formId: 'demo-contact',
    email,
    firstName: 'Jürgen',
    lastName: 'Müller-Lüdenscheidt',
    company: 'Bäckerei Größe & Söhne',
    companySize: '',
    country: 'de',
    consent: 'yes',
    intent: 'content',
    utm_source: 'newsletter',
    utm_medium: 'email',
    utm_term: '',
    'custom[industry]': 'Bakery',
    'custom.region': 'Süd',
    website_url: '',
    ...extra,
  });

  it('stores a UTF-8 form post with folded fields and redirects (303) to the default thank-you page', async () => {
    const response = await postForm(form('juergen@baeckerei.example'));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(DEFAULT_THANK_YOU);
    expect(await response.text()).toBe('');
    await h.settle();

    const leadId = leadIdFor('demo', 'juergen@baeckerei.example');
    const lead = await h.getLead(leadId);
    expect(lead.profile).toEqual({
      email: 'juergen@baeckerei.example',
      formId: 'demo-contact',
      firstName: 'Jürgen',
      lastName: 'Müller-Lüdenscheidt',
      company: 'Bäckerei Größe & Söhne',
      country: 'DE',
      consent: true,
      intent: 'content',
      utm: { source: 'newsletter', medium: 'email' },
      custom: { industry: 'Bakery', region: 'Süd' },
    });
    expect(capturedEvents(leadId)).toHaveLength(1);
  });

  it('honours an allowlisted redirectTo', async () => {
    const response = await postForm(form('allowed@redirect.example', { redirectTo: OTHER_THANK_YOU }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(OTHER_THANK_YOU);
  });

  it.each([
    'https://evil.example/thank-you',
    '//evil.example',
    'http://localhost:3000/thank-you?next=https://evil.example',
    'http://localhost:3000.evil.example/thank-you',
    'javascript:alert(1)',
  ])('does not redirect to a URL outside the allowlist (%s)', async (redirectTo) => {
    const email = `open-redirect-${redirectTo.length}@redirect.example`;
    const response = await postForm(form(email, { redirectTo }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(DEFAULT_THANK_YOU);
  });
});
