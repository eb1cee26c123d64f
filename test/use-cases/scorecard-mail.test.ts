/**
 * The scorecard's scheduled mail over in-memory ports: the weekly digest (the week before the
 * send day, both teams, once per week and recipient) and the pace alerts (business days only,
 * once per period, threshold and recipient). Demo unit: Europe/Berlin, Monday to Friday, 50 SQLs
 * a month in 2027; marketing@ and sales-lead@ hear the digest.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryAlertOutbox } from '../../functions/adapters/in-memory/alert-outbox.ts';
import { InMemoryLeadRepository } from '../../functions/adapters/in-memory/lead-repository.ts';
import { RecordingMailer } from '../../functions/adapters/in-memory/outbound.ts';
import type { Lead, TimelineEntry } from '../../functions/domain/lead.ts';
import type { EmailMessage } from '../../functions/domain/notifications.ts';
import { weeklyDigest } from '../../functions/domain/scorecard/digest.ts';
import { scorecardReport } from '../../functions/use-cases/reports.ts';
import {
  type ScorecardMailPorts,
  sendPaceAlerts,
  sendWeeklyDigest,
} from '../../functions/use-cases/scorecard-mail.ts';
import { metricsOf } from '../support/metrics-of.ts';
import { unitConfig } from '../support/unit-config.ts';

/** An SQL handed off at `at`, touched ten minutes later and accepted. */
function acceptedSql(i: number, at: string): Lead {
  const iso = (minutes: number) => new Date(Date.parse(at) + minutes * 60_000).toISOString();
  const steps: Array<[number, string, Record<string, unknown>?]> = [
    [0, 'scored', { breakdown: [{ kind: 'fit', id: 'fit', description: 'fit', points: 40 }] }],
    [0, 'qualified'],
    [0, 'assigned'],
    [10, 'touch', { at: iso(10) }],
    [20, 'accepted'],
  ];
  const timeline: TimelineEntry[] = steps.map(([minutes, type, data]) => ({
    at: iso(minutes),
    type,
    summary: type,
    ...(data ? { data } : {}),
  }));
  return {
    leadId: `ld_mail${i}`,
    businessUnit: 'demo',
    stage: 'accepted',
    profile: { email: `p${i}@acme.example` },
    createdAt: iso(0),
    updatedAt: iso(20),
    submissionCount: 1,
    engagements: [],
    timeline,
    version: 1,
  };
}

async function setup(options: { at: string; leads: string[]; config?: ScorecardMailPorts['config'] }) {
  const leads = new InMemoryLeadRepository();
  for (const [i, at] of options.leads.entries()) await leads.create(acceptedSql(i, at));
  const clock = { now: () => new Date(options.at) };
  const mailer = new RecordingMailer();
  const outbox = new InMemoryAlertOutbox();
  const ports: ScorecardMailPorts = {
    config: options.config ?? unitConfig(),
    clock,
    metrics: await metricsOf(leads, options.config ?? unitConfig()),
    mailer,
    outbox,
  };
  return { ports, mailer, outbox, clock };
}

/** Two SQLs in the first week of March 2027 (Tuesday and Thursday). */
const FIRST_WEEK = ['2027-03-02T09:00:00Z', '2027-03-04T13:00:00Z'];
const MONDAY_0800_BERLIN = '2027-03-08T07:00:00Z';

describe('the weekly digest', () => {
  it("reports the week before the send day, to both teams, with the JSON scorecard's figures", async () => {
    const { ports, mailer } = await setup({ at: MONDAY_0800_BERLIN, leads: FIRST_WEEK });
    const run = await sendWeeklyDigest(ports, new Date(MONDAY_0800_BERLIN));
    const week = { from: '2027-03-01', to: '2027-03-07' };
    expect(run).toEqual({
      period: week,
      sent: [
        'digest:2027-03-01..2027-03-07#marketing@demo.example.com',
        'digest:2027-03-01..2027-03-07#sales-lead@demo.example.com',
      ],
      alreadySent: 0,
    });
    const { to, ...expected } = weeklyDigest(await scorecardReport(ports, week), ports.config);
    expect(to).toEqual(['marketing@demo.example.com', 'sales-lead@demo.example.com']);
    expect(mailer.sent).toEqual(to.map((address) => ({ ...expected, to: [address] })));
    // 50 SQLs a month over March's 23 business days: 5 of them in the week, 10.87 due; 2 delivered.
    expect(expected.subject).toBe(
      'Leadflow demo scorecard, 2027-03-01 to 2027-03-07: 2 of 10.87 SQLs (pace 18.4%), first touch within SLA 100%',
    );
  });

  it('goes out once per week and recipient: a repeated run sends nothing, a failed one only what is missing', async () => {
    const { ports, mailer } = await setup({ at: MONDAY_0800_BERLIN, leads: FIRST_WEEK });
    const send = ports.mailer.send.bind(ports.mailer);
    let failures = 1;
    ports.mailer = {
      send: async (message: EmailMessage) => {
        if (message.to[0] === 'sales-lead@demo.example.com' && failures-- > 0)
          throw new Error('SES throttled');
        await send(message);
      },
    };
    const at = new Date(MONDAY_0800_BERLIN);
    await expect(sendWeeklyDigest(ports, at)).rejects.toThrow('SES throttled');
    expect(mailer.sent.map((m) => m.to)).toEqual([['marketing@demo.example.com']]);
    const retried = await sendWeeklyDigest(ports, at);
    expect(retried.sent).toEqual(['digest:2027-03-01..2027-03-07#sales-lead@demo.example.com']);
    expect(retried.alreadySent).toBe(1);
    expect((await sendWeeklyDigest(ports, at)).sent).toEqual([]);
    expect(mailer.sent).toHaveLength(2);
    // The next Monday is the next week: another digest.
    const next = await sendWeeklyDigest(ports, new Date('2027-03-15T07:00:00Z'));
    expect(next.period).toEqual({ from: '2027-03-08', to: '2027-03-14' });
    expect(next.sent).toHaveLength(2);
  });
});

describe('the pace alerts', () => {
  // Wednesday 10 March 08:00 Berlin: 6.38 of 23 business days gone, 13.87 SQLs due; 2 delivered.
  const WEDNESDAY = '2027-03-10T07:00:00Z';

  it('tell marketing once per period and threshold when SQLs fall behind the agreed pace', async () => {
    const { ports, mailer, clock } = await setup({ at: WEDNESDAY, leads: FIRST_WEEK });
    const run = await sendPaceAlerts(ports, new Date(WEDNESDAY));
    expect(run).toEqual({
      period: { from: '2027-03-01', to: '2027-03-31' },
      sent: ['demo:2027-03-01..2027-03-31:marketing:sqls:0.85#marketing@demo.example.com'],
      alreadySent: 0,
    });
    expect(mailer.sent).toEqual([
      {
        to: ['marketing@demo.example.com'],
        subject: expect.stringMatching(/^Leadflow demo: SQLs behind the agreed pace \(\d/),
        text: expect.stringContaining('SQLs delivered 2027-03-01 to 2027-03-31: 2, where'),
      },
    ]);
    // The next day, still behind: nothing new.
    clock.now = () => new Date('2027-03-11T07:00:00Z');
    expect(await sendPaceAlerts(ports, clock.now())).toMatchObject({ sent: [], alreadySent: 1 });
    // A stricter margin is another threshold: it alerts again.
    ports.config = unitConfig((c) => ({
      ...c,
      agreement: { ...c.agreement, paceAlerts: { ...c.agreement.paceAlerts, marketingBehindBy: 0.1 } },
    }));
    expect(await sendPaceAlerts(ports, clock.now())).toMatchObject({
      sent: ['demo:2027-03-01..2027-03-31:marketing:sqls:0.9#marketing@demo.example.com'],
    });
    expect(mailer.sent).toHaveLength(2);
  });

  it('are not checked on a weekend, nor before enough business days have gone', async () => {
    const saturday = '2027-03-13T07:00:00Z';
    const { ports, mailer } = await setup({ at: saturday, leads: FIRST_WEEK });
    expect(await sendPaceAlerts(ports, new Date(saturday))).toEqual({ skipped: 'not a business day' });
    // Tuesday 2 March 08:00: one business day gone, fewer than the 3 the agreement waits for.
    const early = await setup({ at: '2027-03-02T07:00:00Z', leads: [] });
    expect(await sendPaceAlerts(early.ports, new Date('2027-03-02T07:00:00Z'))).toMatchObject({ sent: [] });
    expect([...mailer.sent, ...early.mailer.sent]).toEqual([]);
  });
});
