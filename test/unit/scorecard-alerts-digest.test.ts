import { describe, expect, it } from 'vitest';
import emea from '../../config/business-units/emea.ts';
import { BusinessUnitConfig } from '../../config/schema.ts';
import { paceAlerts } from '../../functions/domain/scorecard/alerts.ts';
import { digestPeriod, digestSchedule, weeklyDigest } from '../../functions/domain/scorecard/digest.ts';
import { scorecard } from '../../functions/domain/scorecard/scorecard.ts';
import { project, SEED_AGREEMENT, SEED_EVENTS, SEED_NOW, seedConfig } from './scorecard-seed.ts';

const config = seedConfig();
const march = { from: '2027-03-01', to: '2027-03-31' };
const { counters, facts } = project(SEED_EVENTS, config);
const cardAt = (now: string, unit = config) =>
  scorecard({ counters, leadFacts: [...facts.values()], period: march, now, config: unit });
const card = cardAt(SEED_NOW);

describe('pace alerts', () => {
  it('alerts each side that is behind, at most once per period and threshold', () => {
    const due = paceAlerts(card, config, []);
    // Marketing: pace 25.81% overall and 32.32% for DACH, below 1 - 0.15 = 85%. (other) has no
    // commitment. Sales: 57.14% first touch against 82.86% - 5 points = 77.86%; 66.67% decided in
    // the window against 81.67% - 5 = 76.67%; 7 and 6 hand-offs judged, at least 5 needed.
    expect(due.map((a) => a.key)).toEqual([
      'demo:2027-03-01..2027-03-31:marketing:sqls:0.85',
      'demo:2027-03-01..2027-03-31:marketing:sqls:dach:0.85',
      'demo:2027-03-01..2027-03-31:sales:first-touch:0.7786',
      'demo:2027-03-01..2027-03-31:sales:decision:0.7667',
    ]);
    expect(due[0]).toMatchObject({
      side: 'marketing',
      to: ['ops@demo.example.com'], // no marketing recipients configured: ops hears it
      subject: 'Leadflow demo: SQLs behind the agreed pace (25.81%)',
      text: 'SQLs delivered 2027-03-01 to 2027-03-31: 7, where 27.13 were due by now (pace 25.81%; the alert is below 85%). At this pace the period ends at 15.23 of 59 committed.',
      figures: { actual: 7, expected: 27.13, threshold: 0.85 },
    });
    expect(due[2]).toMatchObject({
      side: 'sales',
      to: ['sales-lead@demo.example.com'],
      text: 'First touch within SLA, hand-offs 2027-03-01 to 2027-03-31: 57.14% of 7 judged (4 met), where the agreement asks for 82.86%; the alert is below 77.86%.',
    });
    const later = paceAlerts(
      card,
      config,
      due.slice(0, 3).map((a) => a.key),
    );
    expect(later.map((a) => a.measure)).toEqual(['decision']);
  });

  it('alerts again when the threshold changes', () => {
    const stricter = seedConfig({
      ...SEED_AGREEMENT,
      paceAlerts: { ...SEED_AGREEMENT.paceAlerts, marketingBehindBy: 0.1 },
    });
    const sent = paceAlerts(card, config, []).map((a) => a.key);
    expect(paceAlerts(cardAt(SEED_NOW, stricter), stricter, sent).map((a) => a.key)).toEqual([
      'demo:2027-03-01..2027-03-31:marketing:sqls:0.9',
      'demo:2027-03-01..2027-03-31:marketing:sqls:dach:0.9',
    ]);
  });

  it('waits for enough business days and judged hand-offs, and stops once the period is over', () => {
    // 230 SQLs a month is 10 a business day: 7 delivered is far behind from the first day on.
    const demanding = seedConfig({
      ...SEED_AGREEMENT,
      versions: [{ effectiveFrom: '2027-01-01', marketing: { sqlsPerMonth: 230 } }],
    });
    const marketingAlerts = (now: string) =>
      paceAlerts(cardAt(now, demanding), demanding, []).filter((a) => a.side === 'marketing');
    // Wednesday 3 March 09:00: 2 business days gone, fewer than 3 (7 of 20 due, pace 35%).
    expect(marketingAlerts('2027-03-03T08:00:00Z')).toEqual([]);
    // Thursday 4 March 09:00: 3 business days gone (7 of 30 due).
    expect(marketingAlerts('2027-03-04T08:00:00Z').map((a) => a.measure)).toEqual(['sqls']);
    const patient = seedConfig({
      ...SEED_AGREEMENT,
      paceAlerts: { ...SEED_AGREEMENT.paceAlerts, minJudgedLeads: 8 },
    });
    expect(paceAlerts(cardAt(SEED_NOW, patient), patient, []).filter((a) => a.side === 'sales')).toEqual([]);
    expect(
      paceAlerts(cardAt('2027-04-02T08:00:00Z'), config, []).filter((a) => a.side === 'marketing'),
    ).toEqual([]);
  });

  it('stays quiet when both sides keep the agreement', () => {
    const easy = seedConfig({
      ...SEED_AGREEMENT,
      versions: [
        {
          effectiveFrom: '2027-01-01',
          marketing: { sqlsPerMonth: 10 },
          sales: { firstTouchWithinSlaRate: 0.5, decisionWithinWindowRate: 0.6 },
        },
      ],
    });
    // 7 delivered against 10 × 12.375 / 23 = 5.38 due: pace 130%. 57.14% ≥ 50% - 5; 66.67% ≥ 60% - 5.
    expect(paceAlerts(cardAt(SEED_NOW, easy), easy, [])).toEqual([]);
    // Within the margin is no alert either: 57.14% first touch against 60% is above 60% - 5.
    const close = seedConfig({
      ...SEED_AGREEMENT,
      versions: [
        {
          effectiveFrom: '2027-01-01',
          marketing: { sqlsPerMonth: 10 },
          sales: { firstTouchWithinSlaRate: 0.6, decisionWithinWindowRate: 0.7 },
        },
      ],
    });
    expect(paceAlerts(cardAt(SEED_NOW, close), close, [])).toEqual([]);
  });
});

describe('the weekly digest', () => {
  const digest = weeklyDigest(card, config);

  it('says what the JSON says', () => {
    expect(digest.subject).toBe(
      'Leadflow demo scorecard, 2027-03-01 to 2027-03-31: 7 of 59 SQLs (pace 25.81%), first touch within SLA 57.14%',
    );
    expect(digest.text.split('\n').slice(4)).toEqual([
      'SQLs delivered: 7 of 59 committed; 27.13 expected by now (pace 25.81%); projected 15.23',
      'SQLs for dach: 4 of 23 committed; 12.38 expected by now (pace 32.32%); projected 7.43',
      'SQLs accepted (quality bar): 60% of 5 judged (target 63%), missed',
      'First touch within SLA: 57.14% of 7 judged (target 82.86%), missed',
      'Time to first touch: p50 30, p90 120 business minutes',
      'Accepted or rejected within the window: 66.67% of 6 judged (target 81.67%), missed',
      'SLA ladder: 2 reminders, 3 breaches, 3 escalations, 1 reassignments',
      'Funnel: 7 leads → 6 MQLs → 7 SQLs → 3 accepted → 1 won',
      'Top rejection reasons: No budget (1), Other (1)',
      'Top topics leads asked about: pricing (2), integrations (1)',
      '',
    ]);
    expect(digest.text).toContain('As of 2027-03-17, 12.38 of 23 business days have gone.');
  });

  it('is HTML mail without scripts: the same lines, with bars drawn in HTML', () => {
    for (const line of digest.text.split('\n').slice(4, -1)) {
      const [label, value] = line.split(/: (.*)/s);
      expect(digest.html).toContain(`<th scope="row" style="text-align:left;padding:4px 8px">${label}</th>`);
      expect(digest.html).toContain(`<td style="padding:4px 8px">${value}</td>`);
    }
    // 7 of 59 delivered: a bar 12% full, with the 27.13 due so far marked at 46%.
    expect(digest.html).toContain('<div style="width:12%;height:12px;background:#0072B2"></div>');
    expect(digest.html).toContain('left:46%');
    expect(digest.html).not.toMatch(/<script|<img/i);
  });

  it('goes to both sides', () => {
    expect(digest.to).toEqual(['ops@demo.example.com', 'sales-lead@demo.example.com']);
    const unit = BusinessUnitConfig.parse(emea);
    expect(weeklyDigest(card, unit).to).toEqual([
      'emea-marketing@acme.example',
      'emea-sales-leads@acme.example',
    ]);
  });

  it('goes out at the configured local time and covers the month of the day before', () => {
    expect(digestSchedule(config)).toEqual({
      weekday: 'mon',
      localTime: '08:00',
      timezone: 'Europe/Berlin',
      expression: 'cron(0 8 ? * MON *)',
    });
    expect(digestSchedule(BusinessUnitConfig.parse(emea)).expression).toBe('cron(30 7 ? * MON *)');
    // Monday 1 March 2027, 08:00 in Berlin: February is the month to report.
    expect(digestPeriod('2027-03-01T07:00:00Z', config)).toEqual({ from: '2027-02-01', to: '2027-02-28' });
    expect(digestPeriod('2027-03-08T07:00:00Z', config)).toEqual({ from: '2027-03-01', to: '2027-03-31' });
  });
});
