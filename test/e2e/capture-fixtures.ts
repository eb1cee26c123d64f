/**
 * Shared set-up for the POST /leads end-to-end tests (capture-api-*.test.ts): one local runtime
 * per test file, started before its first test, and the raw-request and assertion helpers bound to it.
 */

import { afterAll, beforeAll, expect } from 'vitest';
import { leadIdFor } from '../../functions/domain/capture.ts';
import { DEMO_API_KEY } from '../../local/driver.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';

export const DEFAULT_THANK_YOU = 'http://localhost:3000/thank-you';
export const OTHER_THANK_YOU = 'http://127.0.0.1:3000/thank-you';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}

export async function expectProblem(response: Response, status: number): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as Problem;
  expect(problem).toMatchObject({ status, title: expect.any(String) });
  expect(problem.type).toMatch(/^https:\/\/leadflow\.dev\/problems\/[a-z0-9-]+$/);
  return problem;
}

/**
 * Starts one runtime for the calling test file (registered as beforeAll/afterAll) and returns
 * `h`, which forwards to it, with the request and assertion helpers that use it.
 */
export function captureApi() {
  let current: Harness | undefined;

  beforeAll(async () => {
    // Monday 23 March 2026, 10:00 in Berlin.
    current = await startHarness({ start: '2026-03-23T09:00:00Z' });
  }, 120_000);

  afterAll(async () => {
    await current?.stop();
  });

  const h = new Proxy({} as Harness, {
    get(_target, property) {
      if (!current) throw new Error('The harness exists only inside a test');
      return current[property as keyof Harness];
    },
  });

  const formSignals = () => ({ website_url: '', formRenderedAt: String(h.clock.now().getTime() - 10_000) });
  /** A page's script posting the form as JSON: no API key, the form's spam signals unless given. */
  const postBrowserJson = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    send(JSON.stringify({ website_url: '', formRenderedAt: h.clock.now().getTime() - 10_000, ...body }), {
      'content-type': 'application/json',
      ...headers,
    });

  /** A raw POST /leads from a browser: any body, any headers, redirects not followed. */
  const send = (body: string, headers: Record<string, string> = {}) =>
    h.clock.track(() => fetch(`${h.url}/leads`, { method: 'POST', headers, body, redirect: 'manual' }));
  /** A raw POST /leads from the demo's API integration (its key, so no form signals needed). */
  const post = (body: string, headers: Record<string, string> = {}) =>
    send(body, { 'x-leadflow-api-key': DEMO_API_KEY, ...headers });

  /** JSON as the demo's CRM integration posts it (API key: no form signals needed). */
  const postJson = (body: unknown, headers: Record<string, string> = {}) =>
    post(JSON.stringify(body), { 'content-type': 'application/json', ...headers });

  /** A browser posting the form: with its spam signals (empty honeypot, shown 10 s ago) unless given. */
  const postForm = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    send(new URLSearchParams({ ...formSignals(), ...fields }).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      ...headers,
    });

  const capturedEvents = (leadId: string) =>
    h.local.bus.log.filter((e) => e['detail-type'] === 'LeadCaptured' && e.detail.leadId === leadId);

  const executions = (leadId: string) => h.local.stepFunctions.list().filter((e) => e.name === leadId);

  /** Status of GET /leads/{id} for ops, who may see every lead. */
  const leadStatus = async (leadId: string) =>
    (await fetch(`${h.url}/leads/${leadId}`, { headers: { authorization: `Bearer ${h.opsToken}` } })).status;

  /** A spam submission must look like a success and leave no lead, event or execution behind. */
  async function expectSilentlyQuarantined(response: Response, email: string, reason: string) {
    expect(response.status).toBe(202);
    const body = (await response.json()) as { leadId: string; status: string };
    expect(body).toEqual({ leadId: expect.stringMatching(/^ld_[A-Za-z0-9_-]{24}$/), status: 'received' });
    // Real ids are base64url; a hex-only id would tell a bot it was caught.
    expect(body.leadId).not.toMatch(/^ld_[0-9a-f]{24}$/);
    expect(response.headers.get('location')).toBe(`/leads/${body.leadId}`);
    await h.settle();
    const realId = leadIdFor('demo', email);
    expect(body.leadId).not.toBe(realId);
    expect(await leadStatus(realId)).toBe(404);
    expect(await leadStatus(body.leadId)).toBe(404);
    expect(capturedEvents(realId)).toHaveLength(0);
    expect(capturedEvents(body.leadId)).toHaveLength(0);
    expect(executions(realId)).toHaveLength(0);
    const items = await h.quarantined(email);
    expect(items).toHaveLength(1);
    expect(items[0]?.reasons).toContain(reason);
  }

  return {
    h,
    post,
    postJson,
    postBrowserJson,
    postForm,
    capturedEvents,
    executions,
    leadStatus,
    expectSilentlyQuarantined,
  };
}
