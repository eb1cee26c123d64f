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

function team(strategy: 'round-robin' | 'weighted', weights: number[], capacity = 10): RoutingConfig {
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
        })),
      },
    ],
  });
}

const route = (routing: RoutingConfig, overrides: Partial<RoutingInput> = {}) =>
  routeLead(
    { profile: { email: 'a@acme.example' }, now: wednesday, openLeadsByRep: {}, rotation: {}, ...overrides },
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

describe('routeLead rotation', () => {
  it('ignores weights in a round-robin team', () => {
    const routing = team('round-robin', [3, 1]);
    expect(route(routing, { rotation: { team: 1 } })).toMatchObject({
      owner: { repId: 'rep-1' },
      nextCursor: 2,
    });
    expect(route(routing, { rotation: { team: 2 } })).toMatchObject({
      owner: { repId: 'rep-0' },
      nextCursor: 1,
    });
  });

  it('checks each rep once even when the weighted order names it again', () => {
    // Weights 2:1:1 give the order rep-0, rep-1, rep-2, rep-0; cursor 3 starts at the second rep-0.
    const routing = team('weighted', [2, 1, 1]);
    expect(weightedSequence([2, 1, 1])).toEqual([0, 1, 2, 0]);
    expect(route(routing, { rotation: { team: 3 }, excludeRepIds: ['rep-0'] })).toMatchObject({
      decision: 'assigned',
      owner: { repId: 'rep-1' },
      nextCursor: 2,
      skipped: [{ repId: 'rep-0', reason: 'excluded' }],
    });
    expect(
      route(routing, { rotation: { team: 3 }, openLeadsByRep: { 'rep-0': 10, 'rep-1': 10, 'rep-2': 10 } }),
    ).toMatchObject({
      decision: 'fallback',
      skipped: [
        { repId: 'rep-0', reason: 'at-capacity' },
        { repId: 'rep-1', reason: 'at-capacity' },
        { repId: 'rep-2', reason: 'at-capacity' },
      ],
    });
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
