/**
 * The DynamoDB actions each function is granted (TABLE_ACCESS, which the stack turns into its
 * role) are the ones its code calls: the local runtime runs the lifecycle's paths with every
 * call metered per function, and each function's calls must be within its grant, and each
 * grant must be used by some path, but for two rare ones: Powertools' DeleteItem (only a failed
 * capture with an Idempotency-Key) and lifecycle-step's PutItem (archiving a timeline past 50
 * entries; test/adapters/lead-repository-contract.test.ts covers it).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Meter } from '../../bench/lib/runtime.ts';
import { TABLE_ACCESS } from '../../infra/constructs/handlers.ts';
import { HANDLER_NAMES } from '../../infra/constructs/leadflow-function.ts';
import { contactSales, contentLead } from '../../local/driver.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';

const RARE: Partial<Record<(typeof HANDLER_NAMES)[number], string[]>> = {
  'capture-lead': ['DeleteItem'],
  'lifecycle-step': ['PutItem'],
  // inbound-events releases a claim only when the bus refuses an event it took the claim for.
  'inbound-events': ['DeleteItem'],
  // rep-api, as complete-wait: archiving a timeline past 50 entries.
  'rep-api': ['PutItem'],
  // board, likewise.
  board: ['PutItem'],
};

let h: Harness;
let meter: Meter;
beforeAll(async () => {
  h = await startHarness({ start: '2026-03-23T09:00:00Z' });
  meter = new Meter(h.local);
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

it('each function calls only the DynamoDB actions it is granted, and uses each grant', async () => {
  // Capture: new, re-submission, spam, with an Idempotency-Key (and its replay).
  const won = await h.captureLead(contactSales('won@acme.example'));
  await h.postLead(contactSales('won@acme.example'));
  await h.postLead({ email: 'bot@spam.example', website_url: 'x', formRenderedAt: 1 }, {}, { as: 'browser' });
  for (let i = 0; i < 2; i++)
    await h.postLead(contactSales('keyed@acme.example'), { 'idempotency-key': 'k-1' });
  // The happy path, a rejection, a nurtured lead woken by engagement, and a breach that escalates.
  await h.activity('TouchLogged', { leadId: won, channel: 'call' });
  await h.activity('LeadAccepted', { leadId: won });
  // Follow-up calls until the timeline outgrows the lead item and is archived (complete-wait).
  await h.driver.activity(
    Array.from({ length: 50 }, () => ({ type: 'TouchLogged', detail: { leadId: won, channel: 'call' } })),
  );
  await h.settle();
  await h.activity('OutcomeRecorded', { leadId: won, result: 'won' });
  const rejected = await h.captureLead(contactSales('nope@acme.example', 'AT'));
  await h.activity('LeadRejected', { leadId: rejected, reason: 'No budget' });
  const nurtured = await h.captureLead(contentLead('nina@widgets.example'));
  await h.activity('EngagementRecorded', { leadId: nurtured, type: 'demo-requested' });
  // A one-click action link: its confirmation page (reads), then its form (claims and applies).
  const linked = await h.captureLead(contactSales('linked@acme.example', 'AT'));
  const mail = (await h.local.ses.fetchSentEmails()).find((m) => m.text?.includes(linked));
  const link = /^I contacted them: (\S+)$/m.exec(mail?.text ?? '')?.[1] ?? '';
  expect((await h.clock.track(() => fetch(link))).status).toBe(200);
  const confirmed = await h.clock.track(() =>
    fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'channel=call',
    }),
  );
  expect(confirmed.status).toBe(200);
  // Signed engagement from a marketing tool, and its retry (the claim is found and read).
  for (let i = 0; i < 2; i++) {
    const signed = await h.driver.postSignedEvents('engagement', {
      events: [{ detail: { eventId: 'mkt-1', leadId: nurtured, type: 'email-clicked' } }],
    });
    expect(signed.status).toBe(200);
  }
  // SES reports a permanent bounce (through SNS): the address is suppressed.
  await h.local.invoker.invoke('ses-feedback', {
    Records: [
      {
        Sns: {
          Message: JSON.stringify({
            eventType: 'Bounce',
            bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'gone@acme.example' }] },
          }),
        },
      },
    ],
  });
  const ghost = await h.captureLead(contactSales('ghost@acme.example', 'US'));
  await h.runUntil('2026-03-24T09:00:00Z');
  // Reads, and a resumed execution (Resume looks for alerts left pending).
  await h.getLead(won);
  // The scorecard (reports): the status index names the leads, then each lead's partition.
  const ops = await h.local.issuer.issueToken({ role: 'ops' });
  const scorecard = await fetch(`${h.url}/reports/scorecard`, {
    headers: { authorization: `Bearer ${ops}` },
  });
  expect(scorecard.status).toBe(200);
  // The weekly digest (scorecard-mail, as its schedule invokes it): reads as reports does, then
  // records each recipient's mail in the outbox and marks it sent.
  await h.local.invoker.invoke('scorecard-mail', { task: 'weekly-digest' });
  // The reps' daily digest (scorecard-mail, as its hourly schedule invokes it at 08:00 Berlin):
  // the roster and each rep's load (GetItem), the leads a load names (BatchGetItem), the outbox.
  const digests = (await h.local.invoker.invoke('scorecard-mail', {
    task: 'rep-digest',
    scheduledTime: '2026-03-24T07:00:00Z',
  })) as { sent: string[] };
  expect(digests.sent.length).toBeGreaterThan(0);
  h.local.stepFunctions.start(`${ghost}-r1`, JSON.stringify({ leadId: ghost, resumeAt: 'assigned' }));
  await h.settle();

  // The rep and ops APIs: a queue, a touch, a search, a timeline, the roster, a pause, GDPR.
  const api = async (method: string, path: string, token: string, body?: unknown, headers = {}) =>
    h.clock.track(() =>
      fetch(`${h.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  const worked = await h.captureLead(contactSales('api@acme.example'));
  const rep = await h.local.issuer.issueToken({
    role: 'rep',
    sub: (await h.getLead(worked)).owner?.repId ?? '',
  });
  expect((await api('GET', '/me/leads', rep)).status).toBe(200);
  expect((await api('POST', `/leads/${worked}/sla/pause`, h.opsToken, {})).status).toBe(200);
  expect((await api('POST', `/leads/${worked}/sla/resume`, h.opsToken, {})).status).toBe(200);
  expect(
    (
      await api('POST', `/leads/${worked}/touches`, rep, {
        channel: 'call',
        occurredAt: '2026-03-24T09:00:00Z',
      })
    ).status,
  ).toBe(202);
  expect((await api('GET', '/leads?limit=2', h.opsToken)).status).toBe(200);
  expect((await api('GET', `/leads/${worked}/timeline`, h.opsToken)).status).toBe(200);
  const roster = (await (await api('GET', '/roster', h.opsToken)).json()) as { teams: unknown };
  expect(
    (await api('PUT', '/roster', h.opsToken, { teams: roster.teams }, { 'if-match': '"0"' })).status,
  ).toBe(200);
  expect((await api('DELETE', '/people/api@acme.example', h.opsToken)).status).toBe(200);
  await h.settle();
  // The board: a rep's queue, ops' search page, and an ops action through the same use cases.
  const onBoard = await h.captureLead(contactSales('board@acme.example'));
  const board = (method: string, path: string, token: string, form?: Record<string, string>) =>
    h.clock.track(() =>
      fetch(`${h.url}${path}`, {
        method,
        redirect: 'manual',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      }),
    );
  const anna = await h.local.issuer.issueToken({ role: 'rep', email: 'anna@demo.example.com' });
  expect((await board('GET', '/board', anna)).status).toBe(200);
  expect((await board('GET', '/board', h.opsToken)).status).toBe(200);
  expect((await board('POST', `/board/leads/${onBoard}/pause`, h.opsToken, {})).status).toBe(303);
  await h.settle();

  const used = meter.snapshot().dynamo;
  for (const handler of HANDLER_NAMES) {
    const granted = new Set(TABLE_ACCESS[handler]?.actions.map((a) => a.replace('dynamodb:', '')) ?? []);
    const calls = new Set(Object.keys(used[handler]?.byCommand ?? {}));
    expect(
      [...calls].filter((c) => !granted.has(c)),
      `${handler} calls beyond its grant`,
    ).toEqual([]);
    const rare = RARE[handler] ?? [];
    const unused = [...granted].filter((a) => !calls.has(a) && !rare.includes(a));
    expect(unused, `${handler} is granted actions no path used`).toEqual([]);
  }
});
