/**
 * The scorecard's scheduled mail on the local runtime: the stack's EventBridge Scheduler
 * schedules run on the virtual clock and invoke the real scorecard-mail handler, which mails
 * through the local SES. Demo unit (Europe/Berlin, UTC+1 in early March 2027, Mon-Fri
 * 09:00-17:00, first touch within 60 business minutes; 2027 agreement: 50 SQLs a month, first
 * touch within SLA 90%; alerts when marketing's pace < 85% after 3 business days, or a sales rate
 * < target - 5 points), here with sales alerts from 3 judged hand-offs on.
 *
 *   Mon 1 March  09:00 Berlin  A (DE) is an SQL; touched 09:20, accepted 09:30.
 *   Tue 2 March  09:00         B (AT) is an SQL; touched and rejected ("No budget or timing") at 09:10.
 *   Wed 3 March  09:00         C (FR) is an SQL nobody touches: breached at 10:00.
 *   Thu 4 March  08:00         the daily check: 3 business days gone, 3 SQLs where 6.52 were due
 *                              (pace 46%); first touch within SLA 2 of 3 (66.67% < 85%).
 *   Mon 8 March  08:00         the weekly digest of 1-7 March to marketing@ and sales-lead@.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCell } from '../../functions/domain/scorecard/tables.ts';
import type { Scorecard } from '../../functions/domain/scorecard/types.ts';
import { contactSales } from '../../local/driver.ts';
import type { SentEmail } from '../../local/embedded/ses.ts';
import { type Harness, startHarness } from '../support/local-harness.ts';
import { unitConfig } from '../support/unit-config.ts';

let h: Harness;

const config = unitConfig((c) => ({
  ...c,
  agreement: {
    ...c.agreement,
    paceAlerts: { marketingBehindBy: 0.15, salesBelowBy: 0.05, minJudgedLeads: 3 },
  },
}));

const mails = async (pattern: RegExp): Promise<SentEmail[]> =>
  (await h.local.ses.fetchSentEmails()).filter((m) => pattern.test(m.subject));
const ALERT = /behind the agreed pace|below target/;
const DIGEST = /^Leadflow demo scorecard, /;

let alertsByWednesday: SentEmail[];
let alertsByThursday: SentEmail[];

beforeAll(async () => {
  h = await startHarness({ start: '2027-03-01T08:00:00Z', config, schedules: true });
  const a = await h.captureLead(contactSales('a@acme.example', 'DE', { utm_source: 'Google' }));
  await h.runUntil('2027-03-01T08:20:00Z');
  await h.activity('TouchLogged', { leadId: a, channel: 'call' });
  await h.runUntil('2027-03-01T08:30:00Z');
  await h.activity('LeadAccepted', { leadId: a });
  await h.runUntil('2027-03-02T08:00:00Z');
  const b = await h.captureLead(contactSales('b@acme.example', 'AT'));
  await h.runUntil('2027-03-02T08:10:00Z');
  await h.activity('TouchLogged', { leadId: b, channel: 'call' });
  await h.activity('LeadRejected', { leadId: b, reason: 'No budget or timing: next year' });
  await h.runUntil('2027-03-03T08:00:00Z');
  alertsByWednesday = await mails(ALERT);
  await h.captureLead(contactSales('c@acme.example', 'FR'));
  await h.runUntil('2027-03-04T07:00:00Z');
  alertsByThursday = await mails(ALERT);
  await h.runUntil('2027-03-08T07:00:00Z');
}, 300_000);

afterAll(async () => {
  await h?.stop();
});

describe('the schedules on the virtual clock', () => {
  it('fire as the synthesized stack defines them: the daily check and the Monday digest, at 08:00 Berlin', () => {
    // The reps' hourly digest runs too (test/e2e/rep-digest.test.ts): not the scorecard's.
    const runs = h.local.scheduler.runs
      .filter((r) => r.schedule !== 'RepDigest')
      .map((r) => `${r.schedule} ${r.scheduledTime}${r.error ? ` ${r.error}` : ''}`);
    expect(runs).toEqual([
      'PaceAlerts 2027-03-02T07:00:00Z',
      'PaceAlerts 2027-03-03T07:00:00Z',
      'PaceAlerts 2027-03-04T07:00:00Z',
      'PaceAlerts 2027-03-05T07:00:00Z',
      'PaceAlerts 2027-03-06T07:00:00Z',
      'PaceAlerts 2027-03-07T07:00:00Z',
      // Both are due at the same instant: the stack's order.
      'WeeklyDigest 2027-03-08T07:00:00Z',
      'PaceAlerts 2027-03-08T07:00:00Z',
    ]);
  });
});

describe('the pace alerts', () => {
  it('wait for three business days, then tell each side once per period and threshold', async () => {
    expect(alertsByWednesday).toEqual([]);
    expect(alertsByThursday.map((m) => [m.to, m.subject])).toEqual([
      [['marketing@demo.example.com'], 'Leadflow demo: SQLs behind the agreed pace (46%)'],
      [['sales-lead@demo.example.com'], 'Leadflow demo: First touch within SLA below target (66.67%)'],
    ]);
    expect(alertsByThursday[0]?.text).toContain(
      'SQLs delivered 2027-03-01 to 2027-03-31: 3, where 6.52 were due by now',
    );
    // Four more daily checks (Friday to Monday): still behind, still below, nothing sent again.
    const all = (await mails(ALERT)).map((m) => `${m.to.join()} ${m.subject.replace(/ \(.*\)$/, '')}`);
    expect(all.filter((m, i) => all.indexOf(m) !== i)).toEqual([]);
    expect(all).toContain('marketing@demo.example.com Leadflow demo: SQLs behind the agreed pace');
  });
});

describe('the weekly digest', () => {
  it('lands in the outbox once per recipient, as text and script-free HTML', async () => {
    const digests = await mails(DIGEST);
    expect(digests.map((m) => m.to)).toEqual([
      ['marketing@demo.example.com'],
      ['sales-lead@demo.example.com'],
    ]);
    for (const m of digests) {
      expect(m.subject).toMatch(/^Leadflow demo scorecard, 2027-03-01 to 2027-03-07: 3 of 10\.87 SQLs/);
      expect(m.html).toContain(
        '<caption style="text-align:left;font-weight:bold">Headline figures</caption>',
      );
      expect(m.html).not.toMatch(/<script|<img|javascript:/i);
    }
  });

  it('says what GET /reports/scorecard says for the same week', async () => {
    const response = await h.clock.track(() =>
      fetch(`${h.url}/reports/scorecard?from=2027-03-01&to=2027-03-07&format=json`, {
        headers: { authorization: `Bearer ${h.opsToken}` },
      }),
    );
    expect(response.status).toBe(200);
    const card = (await response.json()) as Scorecard;
    const [digest] = await mails(DIGEST);
    const n = (x: number | null) => formatCell(x, 'number');
    const pct = (x: number | null) => formatCell(x, 'rate');
    const sqls = card.marketing.sqls;
    const ft = card.sales.firstTouch;
    const a = card.sales.activity;
    // Hand-computed: 3 SQLs; 50 a month over March's 23 business days, 5 of them this week.
    expect([sqls.delivered, sqls.commitment, ft.judged, ft.within]).toEqual([3, 10.87, 3, 2]);
    expect(digest?.text).toContain(
      `SQLs delivered: ${sqls.delivered} of ${n(sqls.commitment)} committed; ${n(sqls.expectedSoFar)} expected by now (pace ${pct(sqls.pace)}); projected ${n(sqls.projected)}`,
    );
    expect(digest?.text).toContain(
      `First touch within SLA: ${pct(ft.rate)} of ${ft.judged} judged (target ${pct(ft.target)}), missed`,
    );
    expect(digest?.text).toContain(
      `SLA ladder: ${a.reminders} reminders, ${a.breaches} breaches, ${a.escalations} escalations, ${a.reassignments} reassignments`,
    );
    const [leads, mqls, sqlCount, accepted, won] = card.funnel.stages.map((st) => st.count);
    expect(digest?.text).toContain(
      `Funnel: ${leads} leads → ${mqls} MQLs → ${sqlCount} SQLs → ${accepted} accepted → ${won} won`,
    );
    expect(card.feedback.rejectionReasons.map((r) => [r.label, r.count])).toEqual([
      ['No budget or timing', 1],
    ]);
    expect(digest?.text).toContain('Top rejection reasons: No budget or timing (1)');
  });
});
