/**
 * Lead fields end up in the emails reps receive. A name like "Eva\r\nBcc: x@evil" must not
 * split a subject into header lines, nor add lines to the body that look like headers: subjects
 * are one line, field values have their control characters replaced by a space.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';

let h: Harness;
let mails: Array<{ to: string[]; subject: string; text?: string }>;

const CONTROL = /[\p{Cc}\u2028\u2029]/u;

beforeAll(async () => {
  h = await startHarness({ start: '2026-03-23T09:00:00Z' });
  await h.local.ses.clearOutbox();
  await h.captureLead(
    contactSales('eva@kunde-gmbh.example', 'DE', {
      firstName: 'Eva\r\nBcc: x@evil',
      lastName: 'Schmidt\u2028To: y@evil\u0085Cc: z@evil',
      company: 'Acme\nSubject: free money',
      jobTitle: 'Head\r\nReply-To: a@evil',
      phone: '+49 30 1234567',
      message: 'Hello\r\nBcc: b@evil\n\nContent-Type: text/html\r\n\r\n<b>hi</b>',
    }),
  );
  mails = await h.emails();
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('emails built from hostile lead fields', () => {
  it('sends the assignment mail', () => {
    expect(mails.length).toBeGreaterThan(0);
    expect(mails.some((m) => m.subject.startsWith('New lead for you: '))).toBe(true);
  });

  it('keeps every subject on one line, control characters collapsed to a space', () => {
    for (const mail of mails) {
      expect(mail.subject).not.toMatch(CONTROL);
    }
    const assigned = mails.find((m) => m.subject.startsWith('New lead for you: '));
    expect(assigned?.subject).toContain(
      'Eva Bcc: x@evil Schmidt To: y@evil Cc: z@evil (Acme Subject: free money)',
    );
  });

  it('adds no body line that starts like a header', () => {
    for (const mail of mails) {
      const lines = (mail.text ?? '').split(/\r\n|\r|\n/);
      for (const line of lines) {
        expect(line).not.toMatch(/^(Bcc|Cc|To|Subject|Reply-To|Content-Type)\s*:/i);
        expect(line).not.toMatch(CONTROL);
      }
      expect(mail.text).toContain('Lead: Eva Bcc: x@evil');
      expect(mail.text).toContain('Message: Hello Bcc: b@evil Content-Type: text/html <b>hi</b>');
    }
  });
});
