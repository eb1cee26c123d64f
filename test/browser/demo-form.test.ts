/**
 * The demo lead form in a real headless Chromium against the full local runtime: filled in like
 * a person would, posted as a plain HTML form (no JS needed) through the API Gateway emulation
 * to the real capture handler, stored, and run through the lifecycle.
 *
 * Time: the page's clock is pinned (Playwright clock) and the runtime's virtual clock is manual,
 * so the minimum-fill-time check sees exactly the fill time the test decides.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../functions/domain/capture.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';

const START = '2026-03-23T09:00:00Z';
/** The demo unit's default thank-you page: its own web site, which this test stands in for. */
const THANK_YOU = 'http://localhost:3000/thank-you';

let browser: Browser;
let h: Harness;

beforeAll(async () => {
  // Monday 23 March 2026, 10:00 in Berlin.
  h = await startHarness({ start: START });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // The demo unit's thank-you page lives on its own site, localhost:3000; here the runtime's
      // static pages stand in for it. (Playwright routes do not see redirect targets.)
      `--host-resolver-rules=MAP localhost:3000 127.0.0.1:${new URL(h.url).port}`,
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

/** A page whose clock reads `renderedAt`. */
async function openForm(renderedAt: Date, query = ''): Promise<Page> {
  const page = await browser.newPage();
  await page.clock.setFixedTime(renderedAt);
  await page.goto(`${h.url}/${query}`);
  await expect(page.title()).resolves.toContain('Leadflow demo');
  return page;
}

/** Records the API Gateway event the capture handler receives (without changing it). */
function recordCaptureEvents(): APIGatewayProxyEventV2[] {
  const events: APIGatewayProxyEventV2[] = [];
  h.local.invoker.intercept('capture-lead', {
    times: 1,
    // Matching with neither `before` nor `fail` only uses the interceptor up: the call runs as usual.
    match: (event) => {
      events.push(event as APIGatewayProxyEventV2);
      return true;
    },
  });
  return events;
}

const submit = (page: Page) =>
  Promise.all([page.waitForURL(THANK_YOU), page.getByRole('button', { name: 'Send request' }).click()]);

const capturedLeadIds = () =>
  h.local.bus.log.filter((e) => e['detail-type'] === 'LeadCaptured').map((e) => String(e.detail.leadId));

describe('demo lead form', () => {
  it('stores the filled-in form as a typed lead, starts its lifecycle and lands on the thank-you page', async () => {
    const events = recordCaptureEvents();
    const page = await openForm(
      h.clock.now(),
      '?utm_source=newsletter&utm_medium=email&utm_campaign=spring-26',
    );
    try {
      await page.getByLabel('Business email').fill('Jane.Doe@Acme-Industries.example');
      await page.getByLabel('First name').fill('Jane');
      await page.getByLabel('Last name').fill('Doe-Müller');
      await page.getByLabel('Company', { exact: true }).fill('Acme Industries GmbH');
      await page.getByLabel('Employees').fill('120');
      await page.getByLabel('Job title').fill('Head of Operations');
      await page.getByLabel('Phone').fill('+49 30 1234567');
      await page.getByLabel('Country').selectOption('DE');
      await page.getByLabel('Company website').fill('https://acme.example');
      await page.getByLabel('What can we help with?').selectOption('demo');
      await page.getByLabel('Message').fill('We route 400 leads a month & need SLAs.');
      await page.getByLabel(/I agree/).check();
      // A person cannot see or reach the honeypot: off-screen, out of the tab order, hidden from
      // assistive technology (so it is not found by its accessible role).
      const honeypot = page.locator('#website_url');
      const box = await honeypot.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(0);
      await expect(honeypot.getAttribute('tabindex')).resolves.toBe('-1');
      await expect(page.getByRole('textbox', { name: 'Leave this field empty' }).count()).resolves.toBe(0);

      // Five seconds to fill in the form (the demo unit's minimum is two).
      h.clock.advance(5_000);
      const before = capturedLeadIds().length;
      await submit(page);
      await expect(page.locator('h1').textContent()).resolves.toBe('Thank you!');
      await h.settle();

      // What the browser sent, as the handler got it: a base64-encoded form post.
      expect(events).toHaveLength(1);
      const event = events[0]!;
      expect(event.routeKey).toBe('POST /leads');
      expect(event.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(event.isBase64Encoded).toBe(true);
      expect(event.headers.origin).toBe(h.url);
      expect(event.headers.accept).toContain('text/html');
      const sent = new URLSearchParams(Buffer.from(event.body ?? '', 'base64').toString('utf8'));
      expect(sent.get('formRenderedAt')).toBe(String(new Date(START).getTime()));
      expect(sent.get('website_url')).toBe('');

      const newIds = capturedLeadIds().slice(before);
      expect(newIds).toEqual([leadIdFor('demo', 'jane.doe@acme-industries.example')]);
      const lead = await h.getLead(newIds[0]!);
      expect(lead.profile).toEqual({
        email: 'jane.doe@acme-industries.example',
        formId: 'demo-contact',
        firstName: 'Jane',
        lastName: 'Doe-Müller',
        company: 'Acme Industries GmbH',
        companySize: 120,
        jobTitle: 'Head of Operations',
        phone: '+49 30 1234567',
        country: 'DE',
        website: 'https://acme.example',
        intent: 'demo',
        message: 'We route 400 leads a month & need SLAs.',
        consent: true,
        utm: { source: 'newsletter', medium: 'email', campaign: 'spring-26' },
      });
      // A demo request from a business address with a company in Germany: SQL, DACH team.
      expect(lead.stage).toBe('assigned');
      expect(lead.owner?.repId).toBe('anna');
      expect(lead.createdAt).toBe('2026-03-23T09:00:05.000Z');
      expect(lead.followUpDueAt).toBe('2026-03-23T10:00:05.000Z');
    } finally {
      await page.close();
    }
  });

  it('silently drops a form sent at bot speed: same thank-you page, no lead', async () => {
    const page = await openForm(new Date(h.clock.now().getTime() - 500));
    try {
      await page.getByLabel('Business email').fill('speedy@bots.example');
      const before = capturedLeadIds().length;
      await submit(page);
      await expect(page.locator('h1').textContent()).resolves.toBe('Thank you!');
      await h.settle();
      expect(capturedLeadIds().length).toBe(before);
      const response = await fetch(`${h.url}/leads/${leadIdFor('demo', 'speedy@bots.example')}`, {
        headers: { authorization: `Bearer ${h.opsToken}` },
      });
      expect(response.status).toBe(404);
    } finally {
      await page.close();
    }
  });

  it('sends the same form as JSON from the page script, campaign parameters included', async () => {
    const page = await openForm(h.clock.now(), '?utm_source=linkedin&utm_campaign=launch');
    try {
      await page.getByLabel('Business email').fill('json.sender@acme-industries.example');
      await page.getByLabel('Company', { exact: true }).fill('Acme Industries GmbH');
      await page.getByLabel('Employees').fill('40');
      await page.getByLabel('Country').selectOption('FR');
      await page.getByLabel('What can we help with?').selectOption('content');
      await page.getByLabel(/I agree/).check();
      h.clock.advance(5_000);
      await page.getByRole('button', { name: 'Send the form above as JSON' }).click();
      const output = page.locator('#json-result');
      await expect.poll(() => output.textContent()).toMatch(/^HTTP 202\n/);
      const answer = JSON.parse(((await output.textContent()) ?? '').replace(/^HTTP 202\n/, '')) as {
        leadId: string;
        status: string;
      };
      expect(answer).toEqual({
        leadId: leadIdFor('demo', 'json.sender@acme-industries.example'),
        status: 'received',
      });
      await h.settle();
      const lead = await h.getLead(answer.leadId);
      expect(lead.profile).toMatchObject({
        email: 'json.sender@acme-industries.example',
        companySize: 40,
        country: 'FR',
        intent: 'content',
        consent: true,
        formId: 'demo-contact',
        // The script posts the form's flat utm_* fields; they must not be dropped.
        utm: { source: 'linkedin', campaign: 'launch' },
      });
    } finally {
      await page.close();
    }
  });

  it('does not submit without the required email', async () => {
    const page = await openForm(h.clock.now());
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    try {
      await page.getByLabel('Company', { exact: true }).fill('Acme');
      await page.getByRole('button', { name: 'Send request' }).click();
      // The browser's own validation stops the post: the required email is reported invalid.
      await expect(page.locator('#email:invalid').count()).resolves.toBe(1);
      expect(page.url()).toBe(`${h.url}/`);
      expect(posts).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
