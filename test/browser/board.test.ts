/**
 * The leads board in a real headless Chromium against the full local runtime: a rep signs in
 * with their token (the HttpOnly session cookie), sees their lead with its live countdown,
 * opens "I contacted them", picks the channel, confirms, and sees the lead move to touched.
 * Screenshots go to .leadflow/test-output/ (board.png is the one docs/images/board.png shows).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';

const OUTPUT = join('.leadflow', 'test-output');

let browser: Browser;
let h: Harness;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  h = await startHarness({ start: '2026-03-23T09:00:00Z' }); // Monday 10:00 in Berlin
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
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('the leads board', () => {
  it('a rep signs in, clicks "I contacted them", confirms, and the lead is touched', async () => {
    const leadId = await h.captureLead(contactSales('eva@acme.example'));
    h.clock.advance(60_000);
    await h.captureLead(contactSales('jonas@kunde.example')); // Ben's: not on Anna's board
    h.clock.advance(60_000);
    const second = await h.captureLead({
      ...contactSales('mia@kunde.example'),
      firstName: 'Mia',
      company: 'Kunde AG',
    });
    const token = await h.local.issuer.issueToken({ role: 'rep', email: 'anna@demo.example.com' });

    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const scriptErrors: string[] = [];
    // The sign-in page's own 401 is logged too; only script errors and CSP refusals count.
    page.on('pageerror', (e) => scriptErrors.push(e.message));
    page.on(
      'console',
      (m) => /Content Security Policy|Refused to/.test(m.text()) && scriptErrors.push(m.text()),
    );
    try {
      await page.goto(`${h.url}/board`);
      await expect(page.locator('h1').textContent()).resolves.toBe('Sign in');
      await page.getByLabel(/Your API token/).fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${h.url}/board`);
      await expect(page.locator('h1').textContent()).resolves.toBe('My leads');
      const cookies = await page.context().cookies();
      expect(cookies.map((c) => [c.name, c.httpOnly, c.secure, c.sameSite])).toEqual([
        ['__Host-leadflow-board', true, true, 'Strict'],
      ]);

      const card = page.locator(`#lead-${leadId}`);
      await expect(page.locator('article').count()).resolves.toBe(2);
      await expect(card.locator('h3').textContent()).resolves.toBe('Eva Schmidt (Acme GmbH)');
      await expect(page.locator(`#lead-${second}`).isVisible()).resolves.toBe(true);
      // The countdown runs in the page (the CSP lets exactly its script run): seconds tick.
      const countdown = card.locator('.countdown');
      const first = await countdown.textContent();
      await expect.poll(() => countdown.textContent(), { timeout: 10_000 }).not.toBe(first);
      await expect(countdown.textContent()).resolves.toMatch(/^due in 5\dm \d+s$/);

      const before = h.local.bus.log.length;
      await card.getByText('I contacted them', { exact: true }).click();
      await h.settle();
      expect(h.local.bus.log.length).toBe(before); // opening the form does nothing
      await card.getByLabel('Meeting').check();
      await page.screenshot({ path: join(OUTPUT, 'board.png'), fullPage: true });

      await Promise.all([
        page.waitForURL(/\/board\?done=touch$/),
        card.getByRole('button', { name: 'Confirm: I contacted them' }).click(),
      ]);
      await expect(page.getByRole('status').textContent()).resolves.toBe('Done: I contacted them.');
      await expect(page.locator(`#lead-${leadId}`).getAttribute('data-stage')).resolves.toBe('touched');
      await expect(page.locator('section[data-stage="touched"] h2').textContent()).resolves.toBe(
        'touched (1)',
      );
      await page.screenshot({ path: join(OUTPUT, 'board-2-touched.png'), fullPage: true });
      await h.settle();

      const lead = await h.getLead(leadId);
      expect(lead.stage).toBe('touched');
      expect(lead.timeline.at(-1)?.summary).toBe('Touch logged (meeting) by anna@demo.example.com');
      expect(h.path(leadId).slice(-3)).toEqual(['AwaitFirstTouch', 'TouchedOrDeclined?', 'AwaitDecision']);
      expect(scriptErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
