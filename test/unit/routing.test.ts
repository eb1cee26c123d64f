import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import demo from '../../config/business-units/demo.ts';
import emea from '../../config/business-units/emea.ts';
import { BusinessUnitConfig, RoutingConfig } from '../../config/schema.ts';
import type { LeadProfile } from '../../functions/domain/lead.ts';
import { type RoutingInput, routeLead, weightedSequence } from '../../functions/domain/routing.ts';

const demoUnit = BusinessUnitConfig.parse(demo);
const emeaUnit = BusinessUnitConfig.parse(emea);
/** Wednesday 2026-06-10, 10:00 in Berlin, 09:00 in London. */
const wednesdayMorning = new Date('2026-06-10T08:00:00Z');
const german: LeadProfile = { email: 'a@acme.example', country: 'DE' };
const american: LeadProfile = { email: 'a@acme.example', country: 'US' };

const input = (overrides: Partial<RoutingInput> = {}): RoutingInput => ({
  profile: german,
  now: wednesdayMorning,
  openLeadsByRep: {},
  turn: 0,
  ...overrides,
});

const routeDemo = (overrides: Partial<RoutingInput> = {}) =>
  routeLead(input(overrides), demoUnit.routing, demoUnit.calendar);
const assignedRep = (decision: ReturnType<typeof routeLead>): string | undefined =>
  decision.decision === 'assigned' ? decision.owner.repId : undefined;

describe('routeLead: team choice', () => {
  it('uses the first matching rule and reports it', () => {
    const decision = routeDemo();
    expect(decision).toMatchObject({ decision: 'assigned', teamId: 'dach', ruleId: 'dach' });
    expect(decision.owner).toEqual({
      repId: 'anna',
      name: 'Anna Becker',
      email: 'anna@demo.example.com',
      teamId: 'dach',
      managerEmail: 'mara.manager@demo.example.com',
    });
  });

  it('falls back to the default team without a ruleId', () => {
    const decision = routeDemo({ profile: american });
    expect(decision.teamId).toBe('international');
    expect('ruleId' in decision).toBe(false);
  });

  it('rejects a rule that names an unknown team', () => {
    const broken = { ...demoUnit.routing, defaultTeam: 'nobody' };
    expect(() => routeLead(input({ profile: american }), broken, demoUnit.calendar)).toThrow(/team 'nobody'/);
  });
});

describe('routeLead: round robin', () => {
  it('gives turn t to member t mod n', () => {
    const picks = [0, 1, 2, 7, -1, 2.9].map((turn) => assignedRep(routeDemo({ turn })));
    expect(picks).toEqual(['anna', 'ben', 'anna', 'ben', 'ben', 'anna']);
  });

  it('skips excluded, at-capacity and inactive reps and says why', () => {
    for (const turn of [0, 1])
      expect(routeDemo({ turn, excludeRepIds: ['anna'] })).toMatchObject({
        owner: { repId: 'ben' },
        skipped: [{ repId: 'anna', reason: 'excluded' }],
      });
    expect(routeDemo({ openLeadsByRep: { anna: 20, ben: 19 } })).toMatchObject({
      owner: { repId: 'ben' },
      skipped: [{ repId: 'anna', reason: 'at-capacity' }],
    });
    const routing = structuredClone(demoUnit.routing);
    routing.teams[0]!.members[0]!.active = false;
    expect(routeLead(input(), routing, demoUnit.calendar)).toMatchObject({
      owner: { repId: 'ben' },
      skipped: [{ repId: 'anna', reason: 'inactive' }],
    });
  });

  it('sends the lead to the fallback queue when everyone is at capacity', () => {
    expect(routeDemo({ openLeadsByRep: { anna: 20, ben: 25 } })).toEqual({
      decision: 'fallback',
      teamId: 'dach',
      ruleId: 'dach',
      owner: {
        name: 'Sales queue',
        email: 'sales-queue@demo.example.com',
        teamId: 'dach',
        managerEmail: 'mara.manager@demo.example.com',
        fallback: true,
      },
      skipped: [
        { repId: 'anna', reason: 'at-capacity' },
        { repId: 'ben', reason: 'at-capacity' },
      ],
    });
  });
});

describe('routeLead: out of office and off hours', () => {
  const routing = RoutingConfig.parse({
    defaultTeam: 'team',
    fallback: { name: 'Queue', email: 'queue@example.com' },
    teams: [
      {
        id: 'team',
        name: 'Team',
        manager: { name: 'M', email: 'm@example.com' },
        members: [
          {
            id: 'tokyo',
            name: 'T',
            email: 't@example.com',
            calendar: { timezone: 'Asia/Tokyo', weekly: { mon: [['09:00', '18:00']] } },
            outOfOffice: [{ from: '2026-06-15', to: '2026-06-16' }],
          },
          {
            id: 'unit',
            name: 'U',
            email: 'u@example.com',
            outOfOffice: [{ from: '2026-06-15', to: '2026-06-16' }],
          },
        ],
      },
    ],
  });
  const unitCalendar = demoUnit.calendar;
  const at = (iso: string) => routeLead(input({ now: new Date(iso) }), routing, unitCalendar);

  it('applies out-of-office dates inclusively in the rep zone, else the unit zone', () => {
    // Sunday 14th 20:00Z: already Monday 15th in Tokyo, still Sunday in Berlin.
    expect(at('2026-06-14T20:00:00Z')).toMatchObject({
      owner: { repId: 'unit' },
      skipped: [{ repId: 'tokyo', reason: 'out-of-office' }],
    });
    // Tuesday 16th 21:30Z: 23:30 in Berlin, the last (inclusive) day away; already the 17th in Tokyo.
    const lateTuesday = routeLead(
      input({ now: new Date('2026-06-16T21:30:00Z'), turn: 1 }),
      routing,
      unitCalendar,
    );
    expect(lateTuesday).toMatchObject({
      owner: { repId: 'tokyo' },
      skipped: [{ repId: 'unit', reason: 'out-of-office' }],
    });
    const midnight = routeLead(
      input({ now: new Date('2026-06-16T22:00:00Z'), turn: 1 }),
      routing,
      unitCalendar,
    );
    expect(assignedRep(midnight)).toBe('unit');
    expect(at('2026-06-15T10:00:00Z')).toMatchObject({ decision: 'fallback' });
  });

  it('skips reps outside their own (or the unit) calendar when configured', () => {
    const emeaInput = (iso: string) => input({ now: new Date(iso) });
    const route = (iso: string) => routeLead(emeaInput(iso), emeaUnit.routing, emeaUnit.calendar);
    // 17:45 in Berlin (Lena is off), 16:45 in London (Max works unit hours).
    expect(route('2026-06-10T15:45:00Z')).toMatchObject({
      owner: { repId: 'max' },
      skipped: [{ repId: 'lena', reason: 'off-hours' }],
    });
    // 13:00 in London is the unit's lunch break; Lena (14:00 in Berlin) works.
    expect(
      routeLead({ ...emeaInput('2026-06-10T12:00:00Z'), turn: 1 }, emeaUnit.routing, emeaUnit.calendar),
    ).toMatchObject({
      owner: { repId: 'lena' },
      skipped: [{ repId: 'max', reason: 'off-hours' }],
    });
    expect(route('2026-06-10T21:00:00Z')).toMatchObject({ decision: 'fallback' });
  });
});

describe('routeLead: weighted', () => {
  it('follows the smooth weighted order (2:1 gives carla, dev, carla)', () => {
    expect(weightedSequence([2, 1])).toEqual([0, 1, 0]);
    expect(weightedSequence([1.5, 1])).toEqual([0, 1, 0, 1, 0]);
    const picks = [0, 1, 2, 3].map((turn) => assignedRep(routeDemo({ profile: american, turn })));
    expect(picks).toEqual(['carla', 'dev', 'carla', 'carla']);
  });

  it('gives every turn to the eligible rep when the other is at capacity', () => {
    for (const turn of [0, 1, 2])
      expect(routeDemo({ profile: american, turn, openLeadsByRep: { dev: 15 } })).toMatchObject({
        owner: { repId: 'carla' },
        skipped: [{ repId: 'dev', reason: 'at-capacity' }],
      });
  });
});

/** Runs k hand-offs on consecutive turns from `first`, as consecutive tickets give them. */
function simulate(
  routing: RoutingConfig,
  k: number,
  first: number,
  excludeRepIds: string[],
): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < k; i++) {
    const decision = routeLead(
      input({ profile: american, turn: first + i, excludeRepIds }),
      routing,
      demoUnit.calendar,
    );
    if (decision.decision !== 'assigned') throw new Error('expected an assignment');
    const rep = decision.owner.repId ?? '';
    counts.set(rep, (counts.get(rep) ?? 0) + 1);
  }
  return counts;
}

function team(strategy: 'round-robin' | 'weighted', weights: number[]): RoutingConfig {
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
          capacity: 1000,
        })),
      },
    ],
  });
}

describe('routing fairness (property)', () => {
  it('round robin gives every eligible rep floor or ceil of its share, ineligible reps nothing', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 7 })
          .chain((n) => fc.tuple(fc.constant(n), fc.subarray([...Array(n).keys()], { maxLength: n - 1 }))),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: -5, max: 1000 }),
        ([n, excludedIdx], k, first) => {
          const excluded = excludedIdx.map((i) => `rep-${i}`);
          const counts = simulate(team('round-robin', Array(n).fill(1)), k, first, excluded);
          const eligible = n - excluded.length;
          for (let i = 0; i < n; i++) {
            const got = counts.get(`rep-${i}`) ?? 0;
            if (excluded.includes(`rep-${i}`)) expect(got).toBe(0);
            else expect([Math.floor(k / eligible), Math.ceil(k / eligible)]).toContain(got);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('weighted gives eligible reps exact shares of the eligible weight per full cycle, within 2 in between', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 5 })
          .chain((weights) =>
            fc.tuple(
              fc.constant(weights),
              fc.subarray([...weights.keys()], { maxLength: weights.length - 1 }),
            ),
          ),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 1000 }),
        ([weights, excludedIdx], cycles, extra, first) => {
          const excluded = excludedIdx.map((i) => `rep-${i}`);
          const share = weights.map((w, i) => (excludedIdx.includes(i) ? 0 : w));
          const total = share.reduce((a, b) => a + b, 0);
          const k = cycles * total + extra;
          const counts = simulate(team('weighted', weights), k, first, excluded);
          share.forEach((w, i) => {
            const got = counts.get(`rep-${i}`) ?? 0;
            if (extra === 0) expect(got).toBe(cycles * w);
            expect(Math.abs(got - (k * w) / total)).toBeLessThan(2);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
