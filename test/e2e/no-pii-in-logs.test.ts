/**
 * Logs never carry personal data: capture a lead, run its lifecycle with INFO logging, and
 * check every line written for the prospect's email, phone and names.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/local-harness.ts';

let h: Harness;
const written: string[] = [];
const originalWrite = process.stdout.write.bind(process.stdout);

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return (originalWrite as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  h = await startHarness({ start: '2026-03-23T09:00:00Z' });
}, 120_000);

afterAll(async () => {
  process.stdout.write = originalWrite;
  await h?.stop();
});

it('logs lead ids and decisions, never the email, phone or names', async () => {
  const leadId = await h.captureLead({
    email: 'Zelda.Quartermaine@Privacy.example',
    firstName: 'Zelda',
    lastName: 'Quartermaine',
    phone: '+49 30 5550199',
    company: 'Privacy GmbH',
    country: 'DE',
    intent: 'contact-sales',
  });
  await h.activity('TouchLogged', { leadId, channel: 'call' });
  await h.postLead({ email: 'zelda.quartermaine@privacy.example', website_url: 'spam' });
  await h.settle();
  const logs = written.join('');
  expect(logs).toContain(leadId);
  expect(logs).toMatch(/"message":"Lifecycle step"/);
  for (const secret of ['zelda', 'quartermaine', '5550199', 'privacy.example']) {
    expect(logs.toLowerCase()).not.toContain(secret);
  }
});
