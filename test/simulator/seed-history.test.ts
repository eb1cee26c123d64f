/**
 * The history generator (simulator/seed.ts) over a large seeded sample: arrivals follow the
 * documented hour and weekday profile and the UTM mix follows the channel shares, each within a
 * tolerance; the same seed gives the same history. Expected shares are worked out here from the
 * profile's published weights over four whole weeks, local hours read with Intl, not with the
 * generator's own helpers.
 */
import { describe, expect, it } from 'vitest';
import {
  ARRIVALS_BY_HOUR,
  ARRIVALS_BY_WEEKDAY,
  CHANNELS,
  FRIDAY_AFTERNOON,
} from '../../simulator/arrival-profile.ts';
import { History } from '../../simulator/history.ts';
import { generateHistory } from '../../simulator/seed.ts';
import { unitConfig } from '../support/unit-config.ts';

const config = unitConfig();
// Four whole weeks, Monday 2 March to Sunday 29 March 2026 (Berlin changes to summer time on the 29th).
const period = { from: '2026-03-02', to: '2026-03-30' };
const LEADS = 20_000;
const history = generateHistory(config, { seed: 7, leads: LEADS, ...period });

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const local = new Intl.DateTimeFormat('en-GB', {
  timeZone: config.timezone,
  weekday: 'short',
  hour: '2-digit',
  hourCycle: 'h23',
});
function weekdayAndHour(iso: string): { weekday: number; hour: number } {
  const parts = local.formatToParts(new Date(iso));
  const value = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: WEEKDAYS.indexOf(value('weekday')), hour: Number(value('hour')) };
}

/** Weight of each weekday x hour, from the published tables (every weekday occurs four times). */
function expectedWeight(weekday: number, hour: number): number {
  const friday = weekday === 4 && hour >= FRIDAY_AFTERNOON.fromHour ? FRIDAY_AFTERNOON.factor : 1;
  return (ARRIVALS_BY_WEEKDAY[weekday] as number) * (ARRIVALS_BY_HOUR[hour] as number) * friday;
}
const cells = Array.from({ length: 7 * 24 }, (_, i) => ({
  weekday: Math.floor(i / 24),
  hour: i % 24,
  weight: expectedWeight(Math.floor(i / 24), i % 24),
}));
const totalWeight = cells.reduce((sum, c) => sum + c.weight, 0);

const arrivals = history.leads.map((l) => weekdayAndHour(l.arrivedAt));

/** Observed and expected share of the arrivals matching `test`. */
function shares(test: (weekday: number, hour: number) => boolean): { observed: number; expected: number } {
  const observed = arrivals.filter(({ weekday, hour }) => test(weekday, hour)).length / LEADS;
  const expected =
    cells.filter((c) => test(c.weekday, c.hour)).reduce((s, c) => s + c.weight, 0) / totalWeight;
  return { observed, expected };
}

const TOLERANCE = 0.01;

describe('the generated history', () => {
  it('is the same for the same seed, different for another, and valid', () => {
    const small = { leads: 200, ...period };
    const once = generateHistory(config, { seed: 7, ...small });
    expect(generateHistory(config, { seed: 7, ...small })).toEqual(once);
    expect(generateHistory(config, { seed: 8, ...small })).not.toEqual(once);
    expect(History.parse(once)).toEqual(once);
    expect(once.leads.map((l) => l.arrivedAt)).toEqual(once.leads.map((l) => l.arrivedAt).sort());
  });

  it('stays inside the period', () => {
    const arrivals = history.leads.map((l) => Date.parse(l.arrivedAt));
    expect(Math.min(...arrivals)).toBeGreaterThanOrEqual(Date.parse(history.period.from));
    expect(Math.max(...arrivals)).toBeLessThan(Date.parse(history.period.to));
  });

  it('spreads arrivals over the weekdays as the profile says: few at weekends, fewer on Friday', () => {
    for (let weekday = 0; weekday < 7; weekday++) {
      const { observed, expected } = shares((d) => d === weekday);
      expect(Math.abs(observed - expected), WEEKDAYS[weekday]).toBeLessThan(TOLERANCE);
    }
    const weekend = shares((d) => d >= 5);
    expect(weekend.observed).toBeGreaterThan(0.03);
    expect(weekend.observed).toBeLessThan(0.1);
  });

  it('peaks in the late morning and early afternoon, with a lunchtime dip and few at night', () => {
    for (let hour = 0; hour < 24; hour++) {
      const { observed, expected } = shares((_, h) => h === hour);
      expect(Math.abs(observed - expected), `${hour}:00`).toBeLessThan(TOLERANCE);
    }
    const at = (hour: number) => shares((_, h) => h === hour).observed;
    expect(at(11)).toBeGreaterThan(at(12));
    expect(at(14)).toBeGreaterThan(at(12));
    expect(at(11)).toBeGreaterThan(3 * at(19));
    expect(shares((_, h) => h < 6).observed).toBeLessThan(0.02);
  });

  it('halves Friday afternoons against the other weekday afternoons', () => {
    const afternoon = (h: number) => h >= FRIDAY_AFTERNOON.fromHour && h < 18;
    const friday = shares((d, h) => d === 4 && afternoon(h));
    const thursday = shares((d, h) => d === 3 && afternoon(h));
    expect(Math.abs(friday.observed - friday.expected)).toBeLessThan(TOLERANCE);
    expect(friday.observed / thursday.observed).toBeGreaterThan(0.35);
    expect(friday.observed / thursday.observed).toBeLessThan(0.6);
  });

  it('mixes UTM sources, media and campaigns in the channel shares', () => {
    const key = (utm: unknown) => {
      const u = utm as { source?: string; medium?: string } | undefined;
      return u ? `${u.source}/${u.medium}` : 'direct';
    };
    const counts = new Map<string, number>();
    const campaigns = new Map<string, number>();
    for (const lead of history.leads) {
      const utm = lead.submission.utm as { campaign?: string } | undefined;
      counts.set(key(utm), (counts.get(key(utm)) ?? 0) + 1);
      if (utm?.campaign) campaigns.set(utm.campaign, (campaigns.get(utm.campaign) ?? 0) + 1);
    }
    expect(counts.size).toBe(CHANNELS.length);
    for (const channel of CHANNELS) {
      const name = channel.source ? `${channel.source}/${channel.medium}` : 'direct';
      expect(Math.abs((counts.get(name) ?? 0) / LEADS - channel.share), name).toBeLessThan(TOLERANCE);
    }
    // google/cpc and linkedin share spring-demo: half of each.
    const expectedCampaigns: Record<string, number> = {
      'brand-search': 0.15,
      'spring-demo': 0.15 + 0.1,
      'cfo-webinar': 0.1,
      'monthly-digest': 0.15,
    };
    expect([...campaigns.keys()].sort()).toEqual(Object.keys(expectedCampaigns).sort());
    for (const [campaign, share] of Object.entries(expectedCampaigns))
      expect(Math.abs((campaigns.get(campaign) ?? 0) / LEADS - share), campaign).toBeLessThan(TOLERANCE);
  });
});
