/**
 * The sales side of the scorecard: the two targets judged on the period's hand-off cohort, the
 * time it took, what the ladder had to do (from the counters), and the same per rep and team.
 */
import type { BusinessUnitConfig } from '../../../config/schema.ts';
import { localDate } from '../agreement/dates.ts';
import { type CohortHandoff, decisionJudgement, firstTouchJudgement, judge } from './cohort.ts';
import { type MetricSums, metric } from './counters.ts';
import type { LeadFacts } from './facts.ts';
import { mean, ratio, times } from './stats.ts';
import type { OwnerRow, Period, Scorecard } from './types.ts';

const ACTIVITY = [
  'handoffs',
  'assigned',
  'reminders',
  'breaches',
  'escalations',
  'reassignments',
  'touches',
  'firstTouches',
  'accepted',
  'rejected',
  'won',
  'lost',
] as const;

interface SalesInput {
  config: BusinessUnitConfig;
  cohort: CohortHandoff[];
  leadFacts: readonly LeadFacts[];
  period: Period;
  now: number;
  unit: MetricSums;
  reps: MetricSums;
  teams: MetricSums;
}

function ownerRows(
  kind: 'rep' | 'team',
  input: SalesInput,
  counters: MetricSums,
  names: Map<string, { name: string; teamId: string | null }>,
): OwnerRow[] {
  const ids = new Set<string>(counters.keys());
  const ofFirstOwner = (c: CohortHandoff) => (kind === 'rep' ? c.handoff.repId : c.handoff.teamId);
  const ofToucher = (c: CohortHandoff) =>
    kind === 'rep' ? c.handoff.firstTouch?.repId : c.handoff.firstTouch?.teamId;
  for (const c of input.cohort) {
    const first = ofFirstOwner(c);
    const toucher = ofToucher(c);
    if (first) ids.add(first);
    if (toucher) ids.add(toucher);
  }
  return [...ids].sort().map((id) => {
    const m = counters.get(id);
    const judged = input.cohort.filter(
      (c) => ofFirstOwner(c) === id && firstTouchJudgement(c.handoff, input.now) !== undefined,
    );
    const within = judged.filter((c) => c.handoff.firstTouch?.withinSla === true).length;
    const minutes = input.cohort
      .filter((c) => ofToucher(c) === id)
      .map((c) => c.handoff.firstTouch?.businessMinutes as number);
    return {
      id,
      name: names.get(id)?.name ?? null,
      teamId: names.get(id)?.teamId ?? null,
      assigned: metric(m, 'assigned'),
      firstTouches: metric(m, 'firstTouches'),
      judged: judged.length,
      withinSla: within,
      withinSlaRate: ratio(within, judged.length),
      firstTouchMinutes: times(minutes),
      reminders: metric(m, 'reminders'),
      breaches: metric(m, 'breaches'),
      escalations: metric(m, 'escalations'),
      reassignedAway: metric(m, 'reassignments'),
      accepted: metric(m, 'accepted'),
      rejected: metric(m, 'rejected'),
      won: metric(m, 'won'),
      lost: metric(m, 'lost'),
    };
  });
}

export function salesSection(input: SalesInput): Scorecard['sales'] {
  const { cohort, now, config } = input;
  const firstTouch = judge(
    cohort,
    (h) => firstTouchJudgement(h, now),
    (v) => v.sales.firstTouchWithinSlaRate,
  );
  const decision = judge(
    cohort,
    (h) => decisionJudgement(h, now),
    (v) => v.sales.decisionWithinWindowRate,
  );
  const touched = cohort.flatMap((c) => (c.handoff.firstTouch ? [c.handoff.firstTouch.businessMinutes] : []));
  const decided = cohort.flatMap((c) => (c.handoff.decision ? [c.handoff.decision.businessMinutes] : []));
  const inPeriod = (at: string) => {
    const day = localDate(at, config.timezone);
    return day >= input.period.from && day <= input.period.to;
  };
  const outcomes = input.leadFacts.flatMap((l) =>
    l.handoffs.flatMap((h) =>
      h.outcome?.businessMinutes !== undefined && inPeriod(h.outcome.at) ? [h.outcome.businessMinutes] : [],
    ),
  );
  const attempts = cohort.flatMap((c) => (c.handoff.touchAttempts > 0 ? [c.handoff.touchAttempts] : []));
  const unit = input.unit.get(config.name);
  const repNames = new Map(
    config.routing.teams.flatMap((t) =>
      t.members.map((m) => [m.id, { name: m.name, teamId: t.id }] as const),
    ),
  );
  const teamNames = new Map(config.routing.teams.map((t) => [t.id, { name: t.name, teamId: null }] as const));
  return {
    firstTouch: { ...firstTouch, minutes: times(touched) },
    decision: { ...decision, minutes: times(decided) },
    outcome: { won: metric(unit, 'won'), lost: metric(unit, 'lost'), minutes: times(outcomes) },
    activity: Object.fromEntries(
      ACTIVITY.map((name) => [name, metric(unit, name)]),
    ) as Scorecard['sales']['activity'],
    touchAttemptsPerLead: mean(attempts),
    byRep: ownerRows('rep', input, input.reps, repNames),
    byTeam: ownerRows('team', input, input.teams, teamNames),
  };
}
