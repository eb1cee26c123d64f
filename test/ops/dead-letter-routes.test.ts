/**
 * The local runtime's dead-letter endpoints: GET lists what a redrive would take, and the
 * state-changing POST answers only this machine's developer (JSON, loopback Host, no foreign
 * Origin), like POST /_local/events.
 */
import { describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import { rawRequest } from '../local/http-client.ts';
import { harnessPerTest } from '../support/local-harness.ts';

const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' });

async function parkedLead(): Promise<string> {
  let broken = true;
  h.local.invoker.intercept('lifecycle-step', {
    times: 10,
    match: (e) => broken && (e as { state?: string }).state === 'Start',
    fail: () => new Error('Table is unavailable'),
  });
  const leadId = await h.captureLead(contactSales('routes@kunde-gmbh.example'));
  await h.local.stepFunctions.execution(leadId)?.done;
  broken = false;
  return leadId;
}

const redrive = (headers: Record<string, string>, body = '{}') =>
  h.clock.track(() =>
    rawRequest(h.url, { method: 'POST', path: '/_local/dead-letters/redrive', headers, body }),
  );

describe('/_local/dead-letters', () => {
  it('lists the parked events and the failed leads a redrive would restart, changing nothing', async () => {
    const leadId = await parkedLead();
    const res = await rawRequest(h.url, { path: '/_local/dead-letters' });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as { events: unknown[]; failedLeads: { restarted: unknown[] } };
    expect(body.events).toEqual([]);
    expect(body.failedLeads.restarted).toEqual([
      { leadId, stage: 'captured', execution: expect.stringMatching(new RegExp(`^${leadId}-r\\d+$`)) },
    ]);
    expect((await h.getLead(leadId)).stage).toBe('failed');
  });

  it.each([
    ['a text/plain body', { 'content-type': 'text/plain' }, 415],
    ['another site', { 'content-type': 'application/json', origin: 'https://evil.example' }, 403],
    ['a rebound DNS name', { 'content-type': 'application/json', host: 'evil.example:PORT' }, 403],
  ])('refuses a redrive from %s', async (_name, headers, status) => {
    const leadId = await parkedLead();
    const port = new URL(h.url).port;
    const res = await redrive({
      host: `127.0.0.1:${port}`,
      ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('PORT', port)])),
    });
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/problem+json');
    await h.settle();
    expect((await h.getLead(leadId)).stage).toBe('failed');
  });

  it('redrives for a JSON request from this machine, and answers the report', async () => {
    const leadId = await parkedLead();
    const port = new URL(h.url).port;
    const bad = await redrive({ host: `localhost:${port}`, 'content-type': 'application/json' }, '[1');
    expect(bad.status).toBe(400);
    const res = await redrive({ host: `localhost:${port}`, 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({
      unit: 'demo',
      dryRun: false,
      leads: { restarted: [{ leadId, stage: 'captured' }], skipped: [], failed: [] },
      errors: [],
    });
    await h.settle();
    expect((await h.getLead(leadId)).stage).toBe('assigned');
  });
});
