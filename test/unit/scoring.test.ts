import { describe, expect, it } from 'vitest';
import { ScoringConfig } from '../../config/schema.ts';
import type { LeadProfile, LeadScore } from '../../functions/domain/lead.ts';
import {
  decayFactor,
  engagementScores,
  engagementSpacingMs,
  scoreLead,
} from '../../functions/domain/scoring.ts';

const config = ScoringConfig.parse({
  fitRules: [
    {
      id: 'senior-title',
      description: 'Decision maker title',
      when: { field: 'jobTitle', op: 'matches', pattern: '\\b(head|vp)\\b' },
      points: 20,
    },
    {
      id: 'business-email',
      description: 'Business email domain',
      when: { field: 'email', op: 'businessEmail' },
      points: 10,
    },
    {
      id: 'student',
      description: 'Students rarely buy',
      when: { field: 'jobTitle', op: 'matches', pattern: 'student' },
      points: -30,
    },
  ],
  engagementPoints: { 'pricing-page-visited': 15, 'webinar-attended': 20, 'email-clicked': 5 },
  engagementHalfLifeDays: 30,
});

const now = new Date('2026-06-30T12:00:00Z');
const daysAgo = (days: number): string => new Date(now.getTime() - days * 86_400_000).toISOString();
const profile: LeadProfile = { email: 'jane@acme.example', jobTitle: 'Head of Marketing' };

const sumOf = (score: LeadScore, kind?: 'fit' | 'engagement'): number =>
  score.breakdown
    .filter((item) => kind === undefined || item.kind === kind)
    .reduce((sum, item) => sum + item.points, 0);

describe('scoreLead', () => {
  it('adds the points of every matching fit rule and explains each', () => {
    const score = scoreLead({ profile, engagements: [] }, config, now);
    expect(score.fit).toBe(30);
    expect(score.engagement).toBe(0);
    expect(score.total).toBe(30);
    expect(score.breakdown).toEqual([
      { kind: 'fit', id: 'senior-title', description: 'Decision maker title', points: 20 },
      { kind: 'fit', id: 'business-email', description: 'Business email domain', points: 10 },
    ]);
    expect(score.scoredAt).toBe('2026-06-30T12:00:00.000Z');
  });

  it('lets negative fit rules pull the score down', () => {
    const student = { email: 'sam@gmail.com', jobTitle: 'Student' };
    expect(scoreLead({ profile: student, engagements: [] }, config, now).total).toBe(-30);
  });

  it('halves engagement points at each half-life', () => {
    const at = (days: number) =>
      scoreLead(
        {
          profile: { email: 'x@gmail.com' },
          engagements: [{ type: 'pricing-page-visited', at: daysAgo(days) }],
        },
        config,
        now,
      );
    expect(at(0).engagement).toBe(15);
    expect(at(30).engagement).toBe(7.5);
    expect(at(60).engagement).toBe(3.8);
    expect(decayFactor(30 * 86_400_000, 30)).toBeCloseTo(0.5, 12);
    expect(decayFactor(90 * 86_400_000, 30)).toBeCloseTo(0.125, 12);
  });

  it('groups engagements per type and rounds each item to one decimal', () => {
    const score = scoreLead(
      {
        profile,
        engagements: [
          { type: 'email-clicked', at: daysAgo(1) },
          { type: 'email-clicked', at: daysAgo(10) },
          { type: 'webinar-attended', at: daysAgo(45) },
          { type: 'pricing-page-visited', at: daysAgo(7) },
        ],
      },
      config,
      now,
    );
    const item = (id: string) => score.breakdown.find((i) => i.kind === 'engagement' && i.id === id);
    expect(item('email-clicked')?.points).toBe(
      Math.round((5 * 0.5 ** (1 / 30) + 5 * 0.5 ** (10 / 30)) * 10) / 10,
    );
    expect(item('email-clicked')?.description).toBe('2× email-clicked at 5 pts each, halving every 30 days');
    expect(item('webinar-attended')?.points).toBe(7.1);
    for (const i of score.breakdown) expect(Math.round(i.points * 10)).toBeCloseTo(i.points * 10, 9);
  });

  it('has a breakdown that sums to the total', () => {
    const score = scoreLead(
      {
        profile,
        engagements: [
          { type: 'email-clicked', at: daysAgo(3) },
          { type: 'webinar-attended', at: daysAgo(13) },
          { type: 'pricing-page-visited', at: daysAgo(29) },
        ],
      },
      config,
      now,
    );
    expect(sumOf(score)).toBeCloseTo(score.total, 9);
    expect(sumOf(score, 'fit')).toBe(score.fit);
    expect(sumOf(score, 'engagement')).toBeCloseTo(score.engagement, 9);
    expect(score.total).toBeCloseTo(score.fit + score.engagement, 9);
  });

  it('scores unknown types, odd type names and unreadable timestamps as 0 without crashing', () => {
    const score = scoreLead(
      {
        profile: { email: 'x@gmail.com' },
        engagements: [
          { type: 'tweeted', at: daysAgo(1) },
          { type: 'constructor', at: daysAgo(1) },
          { type: 'email-clicked', at: 'yesterday' },
        ],
      },
      config,
      now,
    );
    expect(score.total).toBe(0);
    expect(score.breakdown).toEqual([]);
  });

  it('counts engagements stamped in the future at full value', () => {
    const score = scoreLead(
      { profile: { email: 'x@gmail.com' }, engagements: [{ type: 'webinar-attended', at: daysAgo(-2) }] },
      config,
      now,
    );
    expect(score.engagement).toBe(20);
  });
});

describe('engagement cap', () => {
  const cap = { perType: 3, periodDays: 30 };
  const now = new Date('2026-03-23T09:00:00.000Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

  it('scores an engagement while fewer than perType of its type fell in the period before it', () => {
    const two = [
      { type: 'email-clicked', at: daysAgo(1) },
      { type: 'email-clicked', at: daysAgo(29) },
      { type: 'webinar-attended', at: daysAgo(1) },
    ];
    expect(engagementScores(two, 'email-clicked', now, cap)).toBe(true);
    const three = [...two, { type: 'email-clicked', at: daysAgo(2) }];
    expect(engagementScores(three, 'email-clicked', now, cap)).toBe(false);
    // Another type, and one that fell out of the period, do not count.
    expect(engagementScores(three, 'webinar-attended', now, cap)).toBe(true);
    const aged = [...two, { type: 'email-clicked', at: daysAgo(30) }];
    expect(engagementScores(aged, 'email-clicked', now, cap)).toBe(true);
  });

  it('spaces re-submissions out by the period shared among the allowed ones', () => {
    expect(engagementSpacingMs(cap)).toBe(10 * 86_400_000);
    expect(engagementSpacingMs({ perType: 1, periodDays: 7 })).toBe(7 * 86_400_000);
  });
});
