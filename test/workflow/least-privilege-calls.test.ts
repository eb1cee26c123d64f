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
  const ghost = await h.captureLead(contactSales('ghost@acme.example', 'US'));
  await h.runUntil('2026-03-24T09:00:00Z');
  // Reads, and a resumed execution (Resume looks for alerts left pending).
  await h.getLead(won);
  h.local.stepFunctions.start(`${ghost}-r1`, JSON.stringify({ leadId: ghost, resumeAt: 'assigned' }));
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
