/**
 * The demo lead form in a real headless Chromium: filled in like a person would, posted as a
 * plain HTML form (no JS needed), through the local API Gateway emulation.
 *
 * For now `POST /leads` is a fake that records the event and redirects like the capture handler;
 * the lead engineer switches this to the full local runtime and checks the stored lead.
 */
import path from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiGatewayServer, startApiGatewayServer } from '../../local/http/api-gateway-server.ts';

let browser: Browser;
let server: ApiGatewayServer;
const posted: APIGatewayProxyEventV2[] = [];

/** Decodes the form body the way the capture handler has to (API Gateway base64-encodes it). */
const formFields = (event: APIGatewayProxyEventV2): URLSearchParams => {
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  return new URLSearchParams(raw);
};

beforeAll(async () => {
  server = await startApiGatewayServer({
    port: 0,
    routes: [{ method: 'POST', path: '/leads', handler: 'capture-lead', auth: 'none' }],
    invoke: async (_handler, event) => {
      posted.push(event);
      return { statusCode: 303, headers: { location: '/thank-you.html' }, body: '' };
    },
    cors: { allowOrigins: ['http://127.0.0.1:3000'], allowMethods: ['POST'], allowHeaders: ['content-type'] },
    verifyJwt: async () => {
      throw new Error('no JWT routes in this test');
    },
    staticDir: path.resolve('local/public'),
  });
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
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('demo lead form', () => {
  it('posts the filled-in form as a plain HTML form and lands on the thank-you page', async () => {
    const page = await browser.newPage();
    try {
      const openedAt = Date.now();
      await page.goto(`${server.url}/?utm_source=newsletter&utm_medium=email&utm_campaign=spring-26`);
      await expect(page.title()).resolves.toContain('Leadflow demo');

      await page.getByLabel('Business email').fill('jane.doe@acme.example');
      await page.getByLabel('First name').fill('Jane');
      await page.getByLabel('Last name').fill('Doe');
      await page.getByLabel('Company', { exact: true }).fill('Acme GmbH');
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

      await Promise.all([
        page.waitForURL('**/thank-you.html'),
        page.getByRole('button', { name: 'Send request' }).click(),
      ]);
      await expect(page.locator('h1').textContent()).resolves.toBe('Thank you!');

      expect(posted).toHaveLength(1);
      const event = posted[0]!;
      expect(event.routeKey).toBe('POST /leads');
      expect(event.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(event.isBase64Encoded).toBe(true);
      expect(event.headers.origin).toBe(server.url);

      const fields = formFields(event);
      expect(Object.fromEntries(fields)).toMatchObject({
        formId: 'demo-contact',
        email: 'jane.doe@acme.example',
        firstName: 'Jane',
        lastName: 'Doe',
        company: 'Acme GmbH',
        companySize: '120',
        jobTitle: 'Head of Operations',
        phone: '+49 30 1234567',
        country: 'DE',
        website: 'https://acme.example',
        intent: 'demo',
        message: 'We route 400 leads a month & need SLAs.',
        consent: 'yes',
        utm_source: 'newsletter',
        utm_medium: 'email',
        utm_campaign: 'spring-26',
        utm_term: '',
        website_url: '',
      });
      const renderedAt = Number(fields.get('formRenderedAt'));
      expect(renderedAt).toBeGreaterThanOrEqual(openedAt);
      expect(renderedAt).toBeLessThanOrEqual(Date.now());
    } finally {
      await page.close();
    }
  });

  it('does not submit without the required email', async () => {
    const page = await browser.newPage();
    try {
      posted.length = 0;
      await page.goto(server.url);
      await page.getByLabel('Company', { exact: true }).fill('Acme');
      await page.getByRole('button', { name: 'Send request' }).click();
      // The browser's own validation stops the post: the required email is reported invalid.
      await expect(page.locator('#email:invalid').count()).resolves.toBe(1);
      expect(page.url()).toBe(`${server.url}/`);
      expect(posted).toHaveLength(0);
    } finally {
      await page.close();
    }
  });
});
