/**
 * GET /reports/scorecard, GET /agreement and GET /reports/plan on the local runtime: the JWT
 * authorizer, the real reports handler, and leads that went through capture and the lifecycle.
 * Demo unit (Europe/Berlin, Mon-Fri 09:00-17:00, first touch within 60 business minutes, the
 * agreement of 2026: 40 SQLs a month, quality bar 70%, first touch in SLA 90%).
 *
 * Monday 23 March 2026 (Berlin is UTC+1 until the 29th):
 *   09:00Z A (DE, google/spring) is an SQL, assigned to Anna; due 10:00Z.
 *   09:10Z Anna touches A. B (AT) is an SQL, assigned to Ben, who rejects it at once ("No
 *          budget or timing: next year"). C (FR) is an SQL for the international team. D, a
 *          content lead scoring 20 (business email 10, company 10), is nurtured as an MQL.
 *   09:40Z Anna accepts A, 30 business minutes after her touch.
 *   C is never touched: reminded at 75% of the hour (09:55Z), breached at its deadline (10:10Z).
 * The scorecard of March is read at 10:30Z (11:30 in Berlin).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoMetricsStore } from '../../functions/adapters/metrics-store.ts';
import type { FunnelPlan } from '../../functions/domain/agreement/plan.ts';
import type { AgreementDocument } from '../../functions/domain/agreement/render.ts';
import { scorecard } from '../../functions/domain/scorecard/scorecard.ts';
import type { Scorecard } from '../../functions/domain/scorecard/types.ts';
import { scorecardInputFromMetrics } from '../../functions/use-cases/record-metrics.ts';
import { contactSales, contentLead } from '../../local/driver.ts';
import { runPlan } from '../../ops/plan.ts';
import { type Harness, startHarness, unitConfig } from '../support/local-harness.ts';

let h: Harness;
let tokens: Record<'ops' | 'rep' | 'teamManager' | 'salesManager' | 'nobody', string>;

beforeAll(async () => {
  h = await startHarness({ start: '2026-03-23T09:00:00Z' });
  const a = await h.captureLead(
    contactSales('a@acme.example', 'DE', { utm_source: 'Google', utm_campaign: 'spring' }),
  );
  await h.runUntil('2026-03-23T09:10:00Z');
  await h.activity('TouchLogged', { leadId: a, channel: 'call' });
  const b = await h.captureLead(contactSales('b@acme.example', 'AT'));
  await h.activity('LeadRejected', { leadId: b, reason: 'No budget or timing: next year' });
  await h.captureLead(contactSales('c@acme.example', 'FR'));
  await h.captureLead(contentLead('d@widgets.example'));
  await h.runUntil('2026-03-23T09:40:00Z');
  await h.activity('LeadAccepted', { leadId: a });
  await h.runUntil('2026-03-23T10:30:00Z');
  const issue = h.local.issuer.issueToken;
  tokens = {
    ops: h.opsToken,
    rep: await issue({ role: 'rep', email: 'anna@demo.example.com' }),
    // A team's manager (routing.teams[].manager) and a listed sales manager, without the ops role.
    teamManager: await issue({ role: 'rep', email: 'mara.manager@demo.example.com' }),
    salesManager: await issue({ role: 'rep', email: 'sales-lead@demo.example.com', groups: [] }),
    nobody: await issue({ role: 'rep', email: 'someone@demo.example.com', groups: [] }),
  };
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

const get = (path: string, token?: keyof typeof tokens, headers: Record<string, string> = {}) =>
  fetch(`${h.url}${path}`, {
    headers: { ...headers, ...(token ? { authorization: `Bearer ${tokens[token]}` } : {}) },
  });

const MARCH = '/reports/scorecard?from=2026-03-01&to=2026-03-31';

describe('GET /reports/scorecard', () => {
  it('computes the month from the leads, as JSON by default', async () => {
    const response = await get(MARCH, 'ops');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const card = (await response.json()) as Scorecard;
    // 22 business days in March 2026; 15 have passed, and 150 of today's 480 minutes (0.31).
    expect(card.period).toMatchObject({
      from: '2026-03-01',
      to: '2026-03-31',
      businessDays: 22,
      businessDaysElapsed: 15.31,
      agreementVersions: ['2026-01-01'],
    });
    // 3 SQLs of 40; 40 / 22 per business day × 15.3125 due = 27.84; pace 3 / 27.84 = 0.1078.
    expect(card.marketing.sqls).toMatchObject({
      delivered: 3,
      commitment: 40,
      expectedSoFar: 27.84,
      pace: 0.1078,
      status: 'behind',
    });
    // Decided: A accepted, B rejected.
    expect(card.marketing.quality).toMatchObject({
      judged: 2,
      within: 1,
      rate: 0.5,
      target: 0.7,
      met: false,
    });
    // A touched after 10 minutes, B decided (so touched) at once, C past its deadline untouched.
    expect(card.sales.firstTouch).toMatchObject({
      judged: 3,
      within: 2,
      rate: 0.6667,
      target: 0.9,
      met: false,
      minutes: { count: 2, p50: 0, p90: 10 },
    });
    // Both decided within the 8-hour window: B at once, A 30 minutes after the touch.
    expect(card.sales.decision).toMatchObject({
      judged: 2,
      within: 2,
      minutes: { count: 2, p50: 0, p90: 30 },
    });
    expect(card.sales.activity).toMatchObject({
      handoffs: 3,
      reminders: 1,
      breaches: 1,
      accepted: 1,
      rejected: 1,
    });
    expect(card.funnel.stages.map((s) => [s.stage, s.count])).toEqual([
      ['lead', 4],
      ['mql', 4],
      ['sql', 3],
      ['accepted', 1],
      ['won', 0],
    ]);
    // The rep picked an agreed reason and added a note: ranked under the reason alone.
    expect(card.feedback.rejectionReasons).toEqual([{ label: 'No budget or timing', count: 1, share: 1 }]);
    expect(card.marketing.bySource.find((r) => r.value === 'google')).toMatchObject({
      leads: 1,
      sqls: 1,
      accepted: 1,
      acceptanceRate: 1,
    });
    expect(card.sales.byRep.find((r) => r.id === 'anna')).toMatchObject({
      assigned: 1,
      judged: 1,
      withinSla: 1,
      accepted: 1,
    });
  });

  it("agrees with the metrics projection, which counts Anna's touch (LeadTouched) as A's first touch", async () => {
    const card = (await (await get(MARCH, 'ops')).json()) as Scorecard;
    const period = { from: '2026-03-01', to: '2026-03-31' };
    const projected = scorecard({
      ...(await scorecardInputFromMetrics(new DynamoMetricsStore(h.local.tableName), period)),
      period,
      now: '2026-03-23T10:30:00Z',
      config: unitConfig(),
    });
    // A: first touch 10 minutes after assignment (the touch, not the acceptance 40 minutes in),
    // decided 30 minutes after that touch.
    expect(projected.sales.firstTouch.minutes).toMatchObject({ count: 2, p50: 0, p90: 10 });
    expect(projected.sales.decision.minutes).toMatchObject({ count: 2, p50: 0, p90: 30 });
    expect(projected.sales.firstTouch).toEqual(card.sales.firstTouch);
    expect(projected.sales.decision).toEqual(card.sales.decision);
  });

  it('renders an accessible page with server-side charts for Accept: text/html', async () => {
    const response = await get(MARCH, 'ops', { accept: 'text/html,application/xhtml+xml;q=0.9' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await response.text();
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('<caption>');
    expect(page).toContain('<svg');
    expect(page).not.toContain('<script');
  });

  it('downloads CSV with ?format=csv, whatever Accept says', async () => {
    const response = await get(`${MARCH}&format=csv`, 'ops', { accept: 'application/json' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="scorecard-demo-2026-03-01-2026-03-31.csv"',
    );
    const csv = await response.text();
    expect(csv).toContain('\r\n');
    expect(csv).toContain('No budget or timing,1');
  });

  it('defaults to the current month', async () => {
    const card = (await (await get('/reports/scorecard', 'ops')).json()) as Scorecard;
    expect(card.period).toMatchObject({ from: '2026-03-01', to: '2026-03-31' });
  });

  it('is for ops and sales managers only', async () => {
    expect((await get(MARCH)).status).toBe(401);
    expect((await get(MARCH, 'rep')).status).toBe(403);
    expect((await get(MARCH, 'nobody')).status).toBe(403);
    expect((await get(MARCH, 'teamManager')).status).toBe(200);
    expect((await get(MARCH, 'salesManager')).status).toBe(200);
  });

  it('answers 400 for a bad period and 406 for a format it does not offer', async () => {
    const backwards = await get('/reports/scorecard?from=2026-03-31&to=2026-03-01', 'ops');
    expect(backwards.status).toBe(400);
    expect(((await backwards.json()) as { detail: string }).detail).toBe(
      'the period ends (2026-03-01) before it starts (2026-03-31)',
    );
    expect((await get('/reports/scorecard?from=2026-02-30', 'ops')).status).toBe(400);
    expect((await get('/reports/scorecard?from=2025-01-01&to=2026-03-31', 'ops')).status).toBe(400);
    expect((await get(`${MARCH}&format=pdf`, 'ops')).status).toBe(406);
    expect((await get(MARCH, 'ops', { accept: 'image/png' })).status).toBe(406);
  });
});

describe('GET /agreement', () => {
  it('states the agreement in force, from the config, as JSON', async () => {
    const response = await get('/agreement', 'ops');
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Omit<AgreementDocument, 'html' | 'markdown'>;
    expect(doc).toMatchObject({ asOf: '2026-03-23', inForce: { effectiveFrom: '2026-01-01' } });
    expect(doc.next?.effectiveFrom).toBe('2027-01-01');
    expect(doc.sections.map((s) => s.id)).toEqual([
      'sql-definition',
      'business-hours',
      'marketing',
      'sales',
      'measuring',
    ]);
    const marketing = doc.sections.find((s) => s.id === 'marketing');
    expect(marketing?.items[0]).toBe('Hand 40 SQLs a month to sales.');
    expect(doc).not.toHaveProperty('html');
  });

  it('renders Markdown and HTML for the people it binds, reps included', async () => {
    const markdown = await get('/agreement?format=markdown', 'rep');
    expect(markdown.status).toBe(200);
    expect(markdown.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(await markdown.text()).toMatch(/^# Sales and marketing agreement: Leadflow demo\n/);
    const html = await get('/agreement', 'teamManager', { accept: 'text/html' });
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await html.text()).toContain('<h1>Sales and marketing agreement: Leadflow demo</h1>');
    expect((await get('/agreement')).status).toBe(401);
    expect((await get('/agreement', 'nobody')).status).toBe(403);
  });
});

describe('GET /reports/plan', () => {
  it('works the funnel back from a revenue goal with the entered rates while history is thin', async () => {
    const response = await get('/reports/plan?revenue=1200000&period=2027-Q1', 'ops');
    expect(response.status).toBe(200);
    const plan = (await response.json()) as FunnelPlan;
    // 1,200,000 / 18,000 = 66.7 → 67 deals; / 0.25 = 268 accepted; / 0.7 = 382.9 → 383 SQLs;
    // / 0.4 = 957.5 → 958 MQLs; / 0.3 = 3,193.3 → 3,194 leads. Per month (3): 23, 90, 128, 320, 1,065.
    expect(plan.total).toEqual({ deals: 67, acceptedSqls: 268, sqls: 383, mqls: 958, leads: 3194 });
    expect(plan.perMonth).toEqual({ deals: 23, acceptedSqls: 90, sqls: 128, mqls: 320, leads: 1065 });
    // One accepted of three SQLs is far from the 30 observations a measured rate needs.
    expect(plan.rates.sqlToAccepted).toEqual({ value: 0.7, source: 'entered' });
    expect(plan.currency).toBe('EUR');
  });

  it('prints it as text, and refuses reps and bad input', async () => {
    const text = await get('/reports/plan?revenue=1200000&period=2027-Q1&format=text', 'salesManager');
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await text.text()).toContain(
      'Plan for 2027-Q1 (2027-01-01 to 2027-03-31, 3 months): EUR 1,200,000',
    );
    expect((await get('/reports/plan?revenue=1200000&period=2027-Q1', 'rep')).status).toBe(403);
    const invalid = await get('/reports/plan?revenue=-5&period=Q1', 'ops');
    expect(invalid.status).toBe(400);
    const problem = (await invalid.json()) as { errors: Array<{ path: string }> };
    expect(problem.errors.map((e) => e.path)).toEqual(['revenue', 'period']);
  });

  it('is what `npm run plan -- --url` prints', async () => {
    const printed: string[] = [];
    const args = ['--unit', 'demo', '--revenue', '1200000', '--period', '2027-Q1'];
    const code = await runPlan([...args, '--url', h.url, '--token', tokens.ops], (text) =>
      printed.push(text),
    );
    expect(code).toBe(0);
    expect(printed.join('\n')).toMatch(/Leads +3194 +1065/);
  });
});
