import { describe, expect, it } from 'vitest';
import demo from '../../config/business-units/demo.ts';
import { BusinessUnitConfig, RoutingConfig } from '../../config/schema.ts';
import {
  RoutingConfigError,
  type RoutingInput,
  repSkipReason,
  routeLead,
  selectTeam,
  weightedSequence,
} from '../../functions/domain/routing.ts';

const unitCalendar = BusinessUnitConfig.parse(demo).calendar;
/** Wednesday 2026-06-10, 10:00 in Berlin. */
const wednesday = new Date('2026-06-10T08:00:00Z');

function team(
  strategy: 'round-robin' | 'weighted',
  weights: number[],
  capacity = 10,
  away: Record<number, { from: string; to: string }> = {},
): RoutingConfig {
  return RoutingConfig.parse({
    defaultTeam: 'team',
    fallback: { name: 'Queue', email: 'queue@example.com' },
    teams: [
      {
        id: 'team',
        name: 'Team',
        strategy,
        manager: { name: 'M', email: 'm@example.com' },
        members: weights.map((weight, i) => ({
          id: `rep-${i}`,
          name: `Rep ${i}`,
          email: `rep${i}@example.com`,
          weight,
          capacity,
          outOfOffice: away[i] ? [away[i]] : [],
        })),
      },
    ],
  });
}

const route = (routing: RoutingConfig, overrides: Partial<RoutingInput> = {}) =>
  routeLead(
    { profile: { email: 'a@acme.example' }, now: wednesday, openLeadsByRep: {}, turn: 0, ...overrides },
    routing,
    unitCalendar,
  );
const counts = (sequence: number[]): number[] =>
  sequence.reduce<number[]>((acc, i) => {
    acc[i] = (acc[i] ?? 0) + 1;
    return acc;
  }, []);

describe('weightedSequence', () => {
  it('breaks ties in favour of the earlier member', () => {
    expect(weightedSequence([1, 1])).toEqual([0, 1]);
    expect(weightedSequence([1, 1, 1])).toEqual([0, 1, 2]);
    expect(weightedSequence([1, 2, 1])).toEqual([1, 0, 2, 1]);
  });

  it('never mixes up weight lists that print alike', () => {
    expect(counts(weightedSequence([1, 11]))).toEqual([1, 11]);
    expect(counts(weightedSequence([11, 1]))).toEqual([11, 1]);
    expect(weightedSequence([1, 1, 1])).toHaveLength(3);
  });

  it('scales a cycle longer than 10 000 turns down to about 10 000, keeping the ratio', () => {
    // 1 : 10.001 is 1000 : 10001 in integers, 11 001 turns: scaled to 909 : 9091.
    const sequence = weightedSequence([1, 10.001]);
    expect(sequence).toHaveLength(10_000);
    expect(counts(sequence)).toEqual([909, 9091]);
  });

  it('keeps at least one turn for a tiny weight when scaling', () => {
    expect(counts(weightedSequence([0.001, 100]))).toEqual([1, 10_000]);
  });

  it('keeps a cycle of exactly 10 000 turns as it is', () => {
    expect(counts(weightedSequence([1.001, 8.999]))).toEqual([1001, 8999]);
  });
});

/** Who gets each of `turns` consecutive turns from turn 0. */
const picks = (routing: RoutingConfig, turns: number, overrides: Partial<RoutingInput> = {}) =>
  Array.from({ length: turns }, (_, turn) => {
    const decision = route(routing, { ...overrides, turn });
    return decision.decision === 'assigned' ? decision.owner.repId : 'fallback';
  });
const tally = (reps: Array<string | undefined>) =>
  reps.reduce<Record<string, number>>((acc, rep) => {
    acc[rep ?? '?'] = (acc[rep ?? '?'] ?? 0) + 1;
    return acc;
  }, {});

describe('routeLead rotation', () => {
  it('ignores weights in a round-robin team', () => {
    const routing = team('round-robin', [3, 1]);
    expect(picks(routing, 4)).toEqual(['rep-0', 'rep-1', 'rep-0', 'rep-1']);
  });

  it('builds the weighted order from the eligible reps weights only', () => {
    // 2:1:1 gives rep-0, rep-1, rep-2, rep-0; without rep-0 it is rep-1 and rep-2 at 1:1.
    const routing = team('weighted', [2, 1, 1]);
    expect(weightedSequence([2, 1, 1])).toEqual([0, 1, 2, 0]);
    expect(picks(routing, 4, { excludeRepIds: ['rep-0'] })).toEqual(['rep-1', 'rep-2', 'rep-1', 'rep-2']);
    expect(route(routing, { turn: 3, excludeRepIds: ['rep-0'] })).toMatchObject({
      skipped: [{ repId: 'rep-0', reason: 'excluded' }],
    });
  });

  it('reports every ineligible rep, in member order, whoever the turn falls to', () => {
    const routing = team('round-robin', [1, 1, 1, 1]);
    const openLeadsByRep = { 'rep-0': 10, 'rep-2': 10 };
    const skipped = [
      { repId: 'rep-0', reason: 'at-capacity' },
      { repId: 'rep-2', reason: 'at-capacity' },
    ];
    expect(route(routing, { turn: 0, openLeadsByRep })).toMatchObject({ owner: { repId: 'rep-1' }, skipped });
    expect(route(routing, { turn: 1, openLeadsByRep })).toMatchObject({ owner: { repId: 'rep-3' }, skipped });
  });

  it('falls back, reporting every rep, when nobody is eligible', () => {
    const full = { 'rep-0': 10, 'rep-1': 10, 'rep-2': 10 };
    for (const strategy of ['round-robin', 'weighted'] as const)
      expect(route(team(strategy, [2, 1, 1]), { turn: 3, openLeadsByRep: full })).toMatchObject({
        decision: 'fallback',
        skipped: [
          { repId: 'rep-0', reason: 'at-capacity' },
          { repId: 'rep-1', reason: 'at-capacity' },
          { repId: 'rep-2', reason: 'at-capacity' },
        ],
      });
  });
});

describe('fairness among eligible reps', () => {
  // Wednesday 10 June falls within the away period.
  const away = { from: '2026-06-08', to: '2026-06-12' };

  it('shares an out-of-office rep turns evenly instead of doubling the next rep share', () => {
    const routing = team('round-robin', [1, 1, 1], 10, { 1: away });
    const reps = picks(routing, 12);
    // Handing rep-1's turns to the rep after it would give rep-2 8 of 12 and rep-0 only 4.
    expect(tally(reps)).toEqual({ 'rep-0': 6, 'rep-2': 6 });
    expect(reps.slice(0, 4)).toEqual(['rep-0', 'rep-2', 'rep-0', 'rep-2']);
    expect(route(routing, { turn: 1 })).toMatchObject({
      skipped: [{ repId: 'rep-1', reason: 'out-of-office' }],
    });
  });

  it('keeps 2:1 between the eligible reps of a weighted team when another is at capacity', () => {
    const routing = team('weighted', [2, 1, 1]);
    const reps = picks(routing, 12, { openLeadsByRep: { 'rep-2': 10 } });
    // Passing rep-2's turn to the next entry of the 2:1:1 order would give rep-0 9 and rep-1 3.
    expect(tally(reps)).toEqual({ 'rep-0': 8, 'rep-1': 4 });
    expect(reps.slice(0, 3)).toEqual(['rep-0', 'rep-1', 'rep-0']);
  });

  it('gives each eligible rep exactly its share over N consecutive turns', () => {
    const N = 600;
    const roundRobin = team('round-robin', [1, 1, 1, 1, 1], 10, { 3: away });
    expect(tally(picks(roundRobin, N, { openLeadsByRep: { 'rep-0': 10 } }))).toEqual({
      'rep-1': N / 3,
      'rep-2': N / 3,
      'rep-4': N / 3,
    });
    const weighted = team('weighted', [3, 2, 1, 4], 10, { 3: away });
    expect(tally(picks(weighted, N))).toEqual({ 'rep-0': N / 2, 'rep-1': N / 3, 'rep-2': N / 6 });
  });

  it('gives the turns of a rep back to it when it is eligible again', () => {
    const routing = team('round-robin', [1, 1, 1], 10, { 1: away });
    const back = new Date('2026-06-15T08:00:00Z');
    expect(tally(picks(routing, 9, { now: back }))).toEqual({ 'rep-0': 3, 'rep-1': 3, 'rep-2': 3 });
  });
});

describe('routing eligibility and configuration errors', () => {
  it('applies any of several out-of-office periods', () => {
    const [rep] = team('round-robin', [1]).teams[0]!.members;
    const away = {
      ...rep!,
      outOfOffice: [
        { from: '2026-01-05', to: '2026-01-09' },
        { from: '2026-06-09', to: '2026-06-10' },
      ],
    };
    const input = { now: wednesday, openLeadsByRep: {} };
    expect(repSkipReason(away, input, { skipOffHoursReps: false }, unitCalendar)).toBe('out-of-office');
    const back = { ...input, now: new Date('2026-06-11T08:00:00Z') };
    expect(repSkipReason(away, back, { skipOffHoursReps: false }, unitCalendar)).toBeUndefined();
  });

  it('raises a RoutingConfigError for a team that does not exist', () => {
    const broken = { ...team('round-robin', [1]), defaultTeam: 'ghosts' };
    let caught: unknown;
    try {
      selectTeam({ email: 'a@acme.example' }, broken);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RoutingConfigError);
    expect((caught as Error).name).toBe('RoutingConfigError');
    expect((caught as Error).message).toBe("routing names team 'ghosts', which is not configured");
  });
});
