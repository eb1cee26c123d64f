/**
 * One-click action links end to end, through the local runtime as on AWS: the assignment mail's
 * links lead to `GET /actions/{token}` (a confirmation page that changes nothing), whose form
 * POSTs to the same URL and moves the lead's workflow: touch, accept, reject with a reason, and
 * "Not my lead", which hands the lead to the next rep.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/aws-clients.ts';
import { contactSales } from '../../local/driver.ts';
import type { SentEmail } from '../../local/embedded/ses.ts';
import { harnessPerTest } from '../support/local-harness.ts';

const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' }); // Monday 10:00 in Berlin
const ANNA = 'anna@demo.example.com';
const BEN = 'ben@demo.example.com';

/** The whole table, in key order: what a request must leave alone. */
async function scanTable(): Promise<string> {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new ScanCommand({ TableName: h.local.tableName, ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return JSON.stringify(items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`)));
}

async function mailsTo(address: string, subject: RegExp): Promise<SentEmail[]> {
  return (await h.local.ses.fetchSentEmails()).filter(
    (m) => m.to.includes(address) && subject.test(m.subject),
  );
}

/** The links of the owner's assignment mail, by button label, from its text version. */
async function assignmentLinks(address = ANNA): Promise<Record<string, string>> {
  const [mail] = await mailsTo(address, /^New lead for you/);
  if (!mail) throw new Error(`no assignment mail to ${address}`);
  const links = Object.fromEntries(
    [...(mail.text ?? '').matchAll(/^(I contacted them|Accept|Reject|Not my lead): (\S+)$/gm)].map((m) => [
      m[1],
      m[2],
    ]),
  ) as Record<string, string>;
  expect(Object.keys(links)).toEqual(['I contacted them', 'Accept', 'Reject', 'Not my lead']);
  // The HTML version carries the same links as buttons.
  for (const url of Object.values(links)) expect(mail.html).toContain(`href="${url}"`);
  return links;
}

const open = (url: string) => h.clock.track(() => fetch(url, { redirect: 'manual' }));
const confirm = async (url: string, form: Record<string, string> = {}) => {
  const response = await h.clock.track(() =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams(form).toString(),
    }),
  );
  await h.settle();
  return { status: response.status, body: await response.text() };
};

async function assignedLead(): Promise<string> {
  const leadId = await h.captureLead(contactSales('eva@acme.example'));
  expect((await h.getLead(leadId)).owner?.email).toBe(ANNA);
  return leadId;
}

describe('the assignment mail', () => {
  it('opens a confirmation page for each action and changes nothing by being opened', async () => {
    const leadId = await assignedLead();
    const links = await assignmentLinks();
    const table = await scanTable();
    const events = h.local.bus.log.length;
    const path = h.path(leadId).join();
    for (const [label, url] of Object.entries(links)) {
      const page = await open(url);
      expect(page.status, label).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      // No ambient authority for a cross-site form to borrow, no framing, no script.
      expect(page.headers.get('set-cookie')).toBeNull();
      const csp = page.headers.get('content-security-policy') ?? '';
      for (const directive of ["default-src 'none'", "form-action 'self'", "frame-ancestors 'none'"])
        expect(csp).toContain(directive);
      const html = await page.text();
      expect(html).not.toContain('<script');
      expect(html).toContain(`<h1>${label}: Eva Schmidt (Acme GmbH)</h1>`);
      expect(html).toContain('<form method="post">');
      // And again, as a mail scanner would.
      expect((await open(url)).status).toBe(200);
    }
    await h.settle();
    expect(await scanTable()).toBe(table);
    expect(h.local.bus.log.length).toBe(events);
    expect(h.path(leadId).join()).toBe(path);
  });
});

describe('confirming an action', () => {
  it('"I contacted them" logs the touch and moves the workflow on to the decision, once', async () => {
    const leadId = await assignedLead();
    const url = (await assignmentLinks())['I contacted them'] as string;
    const done = await confirm(url, { channel: 'call' });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Touch logged (call).');
    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('touched');
    expect(lead.timeline.at(-1)?.summary).toBe(`Touch logged (call) by ${ANNA}`);
    expect(h.path(leadId).slice(-3)).toEqual(['AwaitFirstTouch', 'TouchedOrDeclined?', 'AwaitDecision']);

    const table = await scanTable();
    const again = await confirm(url, { channel: 'call' });
    expect(again.status).toBe(409);
    expect(again.body).toContain('This link was already used');
    expect((await open(url)).status).toBe(409);
    expect(await scanTable()).toBe(table);
    expect((await h.getLead(leadId)).sla.touchAttempts).toBe(1);
  });

  it('"Accept" accepts the lead and the workflow waits for the outcome', async () => {
    const leadId = await assignedLead();
    expect((await confirm((await assignmentLinks()).Accept as string)).status).toBe(200);
    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('accepted');
    expect(lead.sla.outcomeDueAt).toBeDefined();
    expect(h.path(leadId).slice(-3)).toEqual(['AwaitDecision', 'Accepted?', 'AwaitOutcome']);
  });

  it('"Reject" with a reason from the unit’s list recycles the lead to nurture, reason kept', async () => {
    const leadId = await assignedLead();
    const url = (await assignmentLinks()).Reject as string;
    expect(await (await open(url)).text()).toContain('<option value="No budget or timing">');
    const done = await confirm(url, { reason: 'No budget or timing', note: 'call again in Q3' });
    expect(done.status).toBe(200);
    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('nurturing');
    expect(lead.timeline.map((e) => e.summary)).toContain(
      'Rejected by Anna Becker: No budget or timing: call again in Q3',
    );
    expect(h.path(leadId)).toEqual(expect.arrayContaining(['Accepted?', 'Recycle', 'Nurture']));
  });

  it('"Not my lead" hands the lead to the next rep at once; the old links stop working', async () => {
    const leadId = await assignedLead();
    const links = await assignmentLinks();
    const done = await confirm(links['Not my lead'] as string, { note: 'Wrong region' });
    expect(done.status).toBe(200);
    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('assigned');
    expect(lead.owner?.email).toBe(BEN);
    expect(lead.sla.handoffs).toBe(2);
    expect(lead.sla.reassignments).toBe(0);
    expect(h.path(leadId).slice(-5)).toEqual([
      'Started?',
      'AwaitFirstTouch',
      'TouchedOrDeclined?',
      'HandOff',
      'AwaitFirstTouch',
    ]);
    // Ben gets the lead with links of his own; the manager hears why it moved.
    expect(await assignmentLinks(BEN)).toBeDefined();
    const [managerMail] = await mailsTo('mara.manager@demo.example.com', /^Lead reassigned/);
    expect(managerMail?.text?.split('\n')[0]).toBe(
      `Anna Becker said this is not their lead, so it now belongs to Ben Vogel. Previous owner: ${ANNA}.`,
    );
    // Anna's remaining links belong to a hand-off that is over.
    const stale = await confirm(links['I contacted them'] as string, { channel: 'call' });
    expect(stale.status).toBe(409);
    expect(stale.body).toContain('This lead has moved on');
    expect((await h.getLead(leadId)).sla.touchAttempts).toBeUndefined();
  });
});

describe('a link that is not one', () => {
  it('is refused with a page, whatever was changed in it', async () => {
    await assignedLead();
    const url = (await assignmentLinks()).Accept as string;
    const table = await scanTable();
    const forged = url.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    for (const bad of [forged, url.replace(/\/actions\/.*/, '/actions/nonsense')]) {
      const page = await open(bad);
      expect(page.status).toBe(403);
      expect(await page.text()).toContain('This link is not valid');
      expect((await confirm(bad)).status).toBe(403);
    }
    expect(await scanTable()).toBe(table);
  });
});
