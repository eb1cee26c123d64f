/**
 * The scorecard page and the weekly digest in a real headless Chromium, on the local runtime with
 * its schedules running: a week of leads from three sources (touched, accepted, rejected, one
 * left to breach), then Monday 08:00 Berlin, when the digest goes out. The page is read as an
 * ops user (GET /reports/scorecard?format=html), the digest in the local outbox (its HTML in the
 * sandboxed frame, as a mail client shows it). Screenshots go to .leadflow/test-output/
 * (scorecard.png is the one docs/images/ and the README show).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactSales, contentLead } from '../../local/driver.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';

const OUTPUT = join('.leadflow', 'test-output');

let browser: Browser;
let h: Harness;

/**
 * Monday 1 to Friday 5 March 2027: who arrives at 09:00 Berlin (08:00Z) and what sales does
 * how many minutes later (the first touch within the hour but for e, whose SLA breaches).
 */
const WEEK = [
  { day: 1, email: 'a@acme.example', country: 'DE', source: 'google', after: 15, steps: ['touch', 'accept'] },
  {
    day: 1,
    email: 'b@acme.example',
    country: 'AT',
    source: 'linkedin',
    after: 25,
    steps: ['touch', 'reject'],
  },
  { day: 2, email: 'c@acme.example', country: 'DE', source: 'google', after: 40, steps: ['touch', 'accept'] },
  { day: 3, email: 'd@acme.example', country: 'FR', source: 'newsletter', after: 0, steps: [] },
  { day: 4, email: 'e@acme.example', country: 'CH', source: 'linkedin', after: 90, steps: ['touch'] },
  { day: 5, email: 'f@acme.example', country: 'DE', source: 'google', after: 20, steps: ['touch', 'accept'] },
] as const;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  h = await startHarness({ start: '2027-03-01T08:00:00Z', schedules: true });
  await h.local.ses.clearOutbox();
  for (const day of [1, 2, 3, 4, 5]) {
    const opening = Date.parse(`2027-03-0${day}T08:00:00Z`);
    await h.runUntil(new Date(opening));
    const arrived = WEEK.filter((l) => l.day === day);
    const ids = new Map<string, string>();
    for (const lead of arrived)
      ids.set(
        lead.email,
        await h.captureLead(contactSales(lead.email, lead.country, { utm_source: lead.source })),
      );
    if (day === 2) await h.captureLead(contentLead('nina@widgets.example'));
    for (const lead of [...arrived].sort((x, y) => x.after - y.after)) {
      const leadId = ids.get(lead.email) as string;
      await h.runUntil(new Date(opening + lead.after * 60_000));
      for (const step of lead.steps) {
        if (step === 'touch') await h.activity('TouchLogged', { leadId, channel: 'call' });
        if (step === 'accept') await h.activity('LeadAccepted', { leadId });
        if (step === 'reject')
          await h.activity('LeadRejected', { leadId, reason: 'No budget or timing: next year' });
      }
    }
  }
  await h.runUntil('2027-03-08T07:00:00Z');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('the scorecard page', () => {
  it('shows both sides with charts beside their tables, without a script, and is screenshotted', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    try {
      await page.setExtraHTTPHeaders({ authorization: `Bearer ${h.opsToken}` });
      const response = await page.goto(
        `${h.url}/reports/scorecard?from=2027-03-01&to=2027-03-07&format=html`,
      );
      expect(response?.status()).toBe(200);
      expect(await page.locator('h1').textContent()).toContain('Leadflow demo');
      const sections = await page.locator('section h2').allTextContents();
      expect(sections.length).toBeGreaterThanOrEqual(3);
      // Every chart is an image with a name, and rendered with a size (not an empty box).
      const charts = page.locator('figure svg[role="img"]');
      expect(await charts.count()).toBeGreaterThan(0);
      const box = await charts.first().boundingBox();
      expect(box?.width).toBeGreaterThan(100);
      expect(box?.height).toBeGreaterThan(50);
      expect(await page.locator('table caption').count()).toBeGreaterThan(3);
      expect(await page.locator('script').count()).toBe(0);
      // The figures of the seeded week: 6 SQLs from three sources.
      expect(await page.locator('main').textContent()).toContain('linkedin');
      await page.screenshot({ path: join(OUTPUT, 'scorecard.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});

describe('the weekly digest', () => {
  it('renders in the outbox frame as a mail client shows it: headline figures with HTML bars', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
    try {
      await page.goto(`${h.url}/outbox`);
      const mail = page
        .locator('article', { hasText: 'Leadflow demo scorecard, 2027-03-01 to 2027-03-07' })
        .filter({ hasText: 'To marketing@demo.example.com' });
      expect(await mail.count()).toBe(1);
      const frame = mail.frameLocator('iframe');
      expect(await frame.locator('caption').textContent()).toBe('Headline figures');
      expect(await frame.locator('th[scope="row"]').first().textContent()).toBe('SQLs delivered');
      await expect(frame.locator('tr', { hasText: 'SQLs delivered' }).textContent()).resolves.toContain(
        '6 of 10.87 committed',
      );
      // The bars are drawn: 6 of 10.87 committed is a bar 55% full.
      const bar = frame.locator('[role="img"][aria-label^="SQLs delivered"] > div').first();
      const track = await frame.locator('[role="img"][aria-label^="SQLs delivered"]').boundingBox();
      const filled = await bar.boundingBox();
      expect(Math.round(((filled?.width ?? 0) / (track?.width ?? 1)) * 100)).toBe(55);
      expect(await frame.locator('script, img').count()).toBe(0);
      await mail.screenshot({ path: join(OUTPUT, 'scorecard-digest.png') });
    } finally {
      await page.close();
    }
  });
});
