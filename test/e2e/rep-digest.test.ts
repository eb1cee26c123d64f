/**
 * Each rep's daily digest on the local runtime: the stack's hourly RepDigest schedule runs on the
 * virtual clock and invokes the real scorecard-mail handler, which mails through the local SES.
 * Demo unit (Europe/Berlin, UTC+1 in March 2026, digest at 08:00), here with the international
 * team (Carla, Dev) on calendars in New York (UTC-4 that week).
 *
 *   Mon 23 March 10:00 Berlin  A and B (DE) go to the two DACH reps, U (US) to an international
 *                              rep; A and U are touched, B is touched and rejected.
 *                08:00 New York U's owner gets Monday's digest.
 *   Tue 24 March 08:00 Berlin  A's owner gets the digest (B's owner holds nothing: no mail) and
 *                              accepts A from it.
 *                08:00 New York U's owner gets Tuesday's.
 *   Wed 25 March 08:00 Berlin  A's owner gets Wednesday's: A is still theirs, its outcome due.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import type { SentEmail } from '../../local/embedded/ses.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';
import { unitConfig } from '../support/unit-config.ts';

const DIGEST = /^Your open leads: /;

const config = unitConfig((c) => {
  for (const team of c.routing.teams)
    if (team.id === 'international')
      for (const rep of team.members) rep.calendar = { ...c.calendar, timezone: 'America/New_York' };
  return c;
});

let h: Harness;
let a: string;
let b: string;
let u: string;
const owners: Record<string, string> = {};
let monday: SentEmail[];
let atEightBerlin: SentEmail[];
let beforeEightNewYork: SentEmail[];
let accepted: { status: number; stage: string };

const digests = async (): Promise<SentEmail[]> =>
  (await h.local.ses.fetchSentEmails()).filter((m) => DIGEST.test(m.subject));

beforeAll(async () => {
  h = await startHarness({ start: '2026-03-23T09:00:00Z', config, schedules: true });
  a = await h.captureLead(contactSales('a@acme.example', 'DE'));
  b = await h.captureLead(contactSales('b@acme.example', 'DE'));
  u = await h.captureLead(contactSales('u@acme.example', 'US'));
  for (const id of [a, b, u]) owners[id] = (await h.getLead(id)).owner?.email ?? '';
  await h.runUntil('2026-03-23T09:10:00Z');
  for (const id of [a, b, u]) await h.activity('TouchLogged', { leadId: id, channel: 'call' });
  await h.activity('LeadRejected', { leadId: b, reason: 'No budget or timing' });
  await h.runUntil('2026-03-24T06:59:00Z');
  monday = await digests();
  await h.runUntil('2026-03-24T07:00:00Z');
  atEightBerlin = (await digests()).slice(monday.length);
  // A's owner accepts A from the digest, before the decision is overdue.
  const accept = /^ {2}Accept: (\S+)$/m.exec(atEightBerlin[0]?.text ?? '')?.[1] ?? 'no Accept link';
  const confirmed = await h.clock.track(() =>
    fetch(accept, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: '',
    }),
  );
  await h.settle();
  accepted = { status: confirmed.status, stage: (await h.getLead(a)).stage };
  await h.runUntil('2026-03-24T11:59:00Z');
  beforeEightNewYork = (await digests()).slice(monday.length);
  await h.runUntil('2026-03-24T12:00:00Z');
}, 300_000);

afterAll(async () => {
  await h?.stop();
});

describe("the reps' daily digest", () => {
  it('goes out at 08:00 in the Berlin reps’ time, to the rep holding an open lead only', async () => {
    expect(new Set([owners[a], owners[b]]).size).toBe(2);
    // Before 08:00 Berlin on Tuesday only U's owner, in New York, had a digest (Monday's).
    expect(monday.map((m) => [m.to, m.subject])).toEqual([
      [[owners[u]], 'Your open leads: 1 — Monday, 23 March 2026'],
    ]);
    expect(atEightBerlin.map((m) => [m.to, m.subject])).toEqual([
      [[owners[a]], 'Your open leads: 1 — Tuesday, 24 March 2026'],
    ]);
    expect(
      h.local.scheduler.runs.filter((r) => r.schedule === 'RepDigest').map((r) => r.scheduledTime),
    ).toContain('2026-03-24T07:00:00Z');
    const text = atEightBerlin[0]?.text ?? '';
    expect(text).toContain(`Lead id: ${a}`);
    expect(text).toMatch(/^ {2}Accept or reject by: \d+ Mar 2026, \d\d:\d\d \(Europe\/Berlin\)$/m);
    expect(text).not.toContain(b);
    expect(atEightBerlin[0]?.html).toContain(a);
  });

  it("goes out at 08:00 New York time to the rep on that calendar, in that zone's times", async () => {
    expect(beforeEightNewYork).toEqual(atEightBerlin);
    const ny = (await digests()).slice(monday.length).filter((m) => m.to.includes(owners[u] ?? ''));
    expect(ny.map((m) => m.subject)).toEqual(['Your open leads: 1 — Tuesday, 24 March 2026']);
    expect(ny[0]?.text).toMatch(/^ {2}Accept or reject by: .*\(America\/New_York\)$/m);
  });

  it('carries one-click links that act on the lead, and goes once per rep and local day', async () => {
    const accept = /^ {2}Accept: (\S+)$/m.exec(atEightBerlin[0]?.text ?? '')?.[1];
    expect(accept).toMatch(/\/actions\//);
    expect(atEightBerlin[0]?.html).toContain(`href="${accept}"`);
    expect(accepted).toEqual({ status: 200, stage: 'accepted' });
    await h.runUntil('2026-03-25T07:00:00Z');
    // The hourly runs in between sent nothing again; B's owner never holds anything.
    const all = await digests();
    expect(all.map((m) => m.to.join())).toEqual([owners[u], owners[a], owners[u], owners[a]]);
    expect(all[3]?.subject).toBe('Your open leads: 1 — Wednesday, 25 March 2026');
    expect(all[3]?.text).toMatch(/^ {2}Outcome due: .*\(Europe\/Berlin\)$/m);
    expect(h.local.scheduler.runs.filter((r) => r.schedule === 'RepDigest' && r.error)).toEqual([]);
  });
});
