/**
 * A rep's one-click action in a real headless Chromium against the full local runtime: the
 * assignment mail in the local outbox (HTML in its sandboxed frame), "I contacted them" clicked
 * in the mail, the confirmation page, the channel picked and confirmed, and the lead touched.
 * Screenshots of each step go to .leadflow/test-output/.
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
  await h.local.ses.clearOutbox();
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
  await h?.stop();
});

describe('an alert email in the local outbox', () => {
  it('"I contacted them" → confirm → the lead is touched', async () => {
    const leadId = await h.captureLead(contactSales('eva@acme.example'));
    expect((await h.getLead(leadId)).stage).toBe('assigned');

    const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
    try {
      await page.goto(`${h.url}/outbox`);
      const mail = page.locator('article', { hasText: 'New lead for you: Eva Schmidt (Acme GmbH)' });
      await expect(mail.locator('.meta').textContent()).resolves.toContain('To anna@demo.example.com');
      const frame = mail.frameLocator('iframe');
      // The HTML mail as the rep sees it: branded header, the lead, the buttons.
      await expect(frame.locator('h1').textContent()).resolves.toBe(
        'New lead for you: Eva Schmidt (Acme GmbH)',
      );
      await expect(frame.getByText('Leadflow demo').first().isVisible()).resolves.toBe(true);
      await page.screenshot({ path: join(OUTPUT, 'action-link-1-outbox.png'), fullPage: false });

      const before = h.local.bus.log.length;
      await Promise.all([
        page.waitForURL(/\/actions\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/),
        frame.getByRole('link', { name: 'I contacted them' }).click(),
      ]);
      // The confirmation page: nothing has happened yet.
      await expect(page.locator('h1').textContent()).resolves.toBe(
        'I contacted them: Eva Schmidt (Acme GmbH)',
      );
      await h.settle();
      expect(h.local.bus.log.length).toBe(before);
      expect((await h.getLead(leadId)).stage).toBe('assigned');
      await page.getByLabel('Meeting').check();
      await page.screenshot({ path: join(OUTPUT, 'action-link-2-confirm.png'), fullPage: true });

      await page.getByRole('button', { name: 'Confirm: I contacted them' }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe('Done: I contacted them');
      await expect(page.locator('main').textContent()).resolves.toContain('Touch logged (meeting).');
      await page.screenshot({ path: join(OUTPUT, 'action-link-3-done.png'), fullPage: true });
      await h.settle();

      const lead = await h.getLead(leadId);
      expect(lead.stage).toBe('touched');
      expect(lead.timeline.at(-1)?.summary).toBe('Touch logged (meeting) by anna@demo.example.com');
      expect(h.path(leadId).slice(-3)).toEqual(['AwaitFirstTouch', 'TouchedOrDeclined?', 'AwaitDecision']);

      // The same link again: refused, with a page that says why.
      await page.goBack();
      await page.reload();
      await expect(page.locator('h1').textContent()).resolves.toBe('This link was already used');
    } finally {
      await page.close();
    }
  });
});
