/**
 * The planning calculator: from a revenue goal, work the funnel backwards to the deals, accepted
 * SQLs, SQLs, MQLs and leads a period needs, in total and per month.
 *
 *   deals    = ⌈revenueGoal / averageDealSize⌉
 *   accepted = ⌈deals / acceptedToWon⌉
 *   sqls     = ⌈accepted / sqlToAccepted⌉
 *   mqls     = ⌈sqls / mqlToSql⌉
 *   leads    = ⌈mqls / leadToMql⌉
 *   per month: ⌈total / months in the period⌉ for each figure
 *
 * Each step rounds up (half a deal is still a deal to find). Every rate and the deal size is
 * measured from history when the measurement rests on at least `minSample` observations (and is
 * above 0), else the entered value is used; each figure says which, with its sample size.
 */
import type { BusinessUnitConfig } from '../../../config/schema.ts';
import { monthBounds } from './dates.ts';

export const PLAN_RATES = ['leadToMql', 'mqlToSql', 'sqlToAccepted', 'acceptedToWon'] as const;
export type PlanRateName = (typeof PLAN_RATES)[number];

export interface Measurement {
  value: number;
  /** Observations behind the value (the rate's denominator, or the number of won deals). */
  sample: number;
}

export interface MeasuredFunnel {
  averageDealSize?: Measurement;
  rates?: Partial<Record<PlanRateName, Measurement>>;
}

export interface PlanInput {
  revenueGoal: number;
  /** '2027' (a year), '2027-Q1' (a quarter) or '2027-03' (a month). */
  period: string;
  averageDealSize?: number;
  rates?: Partial<Record<PlanRateName, number>>;
  measured?: MeasuredFunnel;
  /** Observations a measurement needs to replace the entered value (default 30). */
  minSample?: number;
  currency?: string;
}

export interface PlanFigure {
  value: number;
  source: 'measured' | 'entered';
  /** For a measured figure: the observations it rests on. */
  sample?: number;
}

export interface FunnelCounts {
  deals: number;
  acceptedSqls: number;
  sqls: number;
  mqls: number;
  leads: number;
}

export interface FunnelPlan {
  period: { id: string; from: string; to: string; months: string[] };
  revenueGoal: number;
  currency: string;
  averageDealSize: PlanFigure;
  rates: Record<PlanRateName, PlanFigure>;
  total: FunnelCounts;
  perMonth: FunnelCounts;
}

export class PlanError extends Error {
  override name = 'PlanError';
  constructor(readonly problems: string[]) {
    super(`Cannot plan the funnel:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The months of a plan period, and its first and last date. */
export function parsePlanPeriod(period: string): FunnelPlan['period'] {
  const year = /^(\d{4})$/.exec(period);
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  let months: string[];
  if (year) months = Array.from({ length: 12 }, (_, i) => `${year[1]}-${pad(i + 1)}`);
  else if (quarter) {
    const first = (Number(quarter[2]) - 1) * 3 + 1;
    months = [0, 1, 2].map((i) => `${quarter[1]}-${pad(first + i)}`);
  } else if (month) months = [period];
  else
    throw new PlanError([`period: '${period}' is not a year (2027), quarter (2027-Q1) or month (2027-03)`]);
  const from = monthBounds(months[0] as string).from;
  const to = monthBounds(months.at(-1) as string).to;
  return { id: period, from, to, months };
}

/** ⌈x⌉ that ignores floating-point dust: 21 / 0.7 is 30, not 31. */
export const ceilCount = (x: number): number => Math.ceil(Math.round(x * 1e9) / 1e9);

function choose(
  name: string,
  entered: number | undefined,
  measured: Measurement | undefined,
  minSample: number,
  problems: string[],
): PlanFigure {
  if (measured && measured.sample >= minSample && measured.value > 0)
    return { value: measured.value, source: 'measured', sample: measured.sample };
  if (entered !== undefined) return { value: entered, source: 'entered' };
  const history = measured
    ? `history has ${measured.sample} of the ${minSample} observations needed${measured.value > 0 ? '' : ' and measures 0'}`
    : 'no history was given';
  problems.push(`${name}: not entered, and ${history}`);
  return { value: Number.NaN, source: 'entered' };
}

export function planFunnel(input: PlanInput): FunnelPlan {
  const problems: string[] = [];
  let period: FunnelPlan['period'] | undefined;
  try {
    period = parsePlanPeriod(input.period);
  } catch (error) {
    problems.push(...(error as PlanError).problems);
  }
  if (!(Number.isFinite(input.revenueGoal) && input.revenueGoal > 0))
    problems.push(`revenueGoal: must be a positive amount, got ${input.revenueGoal}`);
  if (input.averageDealSize !== undefined && !(input.averageDealSize > 0))
    problems.push(`averageDealSize: must be a positive amount, got ${input.averageDealSize}`);
  for (const name of PLAN_RATES) {
    const rate = input.rates?.[name];
    if (rate !== undefined && !(rate > 0 && rate <= 1))
      problems.push(`rates.${name}: must be above 0 and at most 1, got ${rate}`);
  }
  const minSample = input.minSample ?? 30;
  const measured = input.measured ?? {};
  const dealSize = choose(
    'averageDealSize',
    input.averageDealSize,
    measured.averageDealSize,
    minSample,
    problems,
  );
  const rates = Object.fromEntries(
    PLAN_RATES.map((name) => [
      name,
      choose(`rates.${name}`, input.rates?.[name], measured.rates?.[name], minSample, problems),
    ]),
  ) as Record<PlanRateName, PlanFigure>;
  if (problems.length > 0 || !period) throw new PlanError(problems);

  const deals = ceilCount(input.revenueGoal / dealSize.value);
  const acceptedSqls = ceilCount(deals / rates.acceptedToWon.value);
  const sqls = ceilCount(acceptedSqls / rates.sqlToAccepted.value);
  const mqls = ceilCount(sqls / rates.mqlToSql.value);
  const leads = ceilCount(mqls / rates.leadToMql.value);
  const total = { deals, acceptedSqls, sqls, mqls, leads };
  const months = period.months.length;
  const perMonth = Object.fromEntries(
    Object.entries(total).map(([k, v]) => [k, ceilCount(v / months)]),
  ) as unknown as FunnelCounts;
  return {
    period,
    revenueGoal: input.revenueGoal,
    currency: input.currency ?? 'EUR',
    averageDealSize: dealSize,
    rates,
    total,
    perMonth,
  };
}

/** The plan for a unit: its entered planning values, replaced by history where it is deep enough. */
export function planForUnit(
  config: Pick<BusinessUnitConfig, 'agreement'>,
  input: { revenueGoal: number; period: string; measured?: MeasuredFunnel },
): FunnelPlan {
  const planning = config.agreement.planning;
  return planFunnel({
    revenueGoal: input.revenueGoal,
    period: input.period,
    averageDealSize: planning.averageDealSize,
    rates: planning.rates,
    minSample: planning.minMeasuredSample,
    currency: planning.currency,
    ...(input.measured ? { measured: input.measured } : {}),
  });
}

/** Measurements from funnel counts over a history window (e.g. the scorecard of the last 12 months). */
export function measuredFromCounts(counts: {
  leads: number;
  mqls: number;
  sqls: number;
  accepted: number;
  won: number;
  wonAmount?: number;
  wonWithAmount?: number;
}): MeasuredFunnel {
  const rate = (n: number, d: number): Measurement | undefined =>
    d > 0 ? { value: Math.min(1, n / d), sample: d } : undefined;
  const measured: MeasuredFunnel = { rates: {} };
  const rates = measured.rates as Partial<Record<PlanRateName, Measurement>>;
  const pairs: Array<[PlanRateName, number, number]> = [
    ['leadToMql', counts.mqls, counts.leads],
    ['mqlToSql', counts.sqls, counts.mqls],
    ['sqlToAccepted', counts.accepted, counts.sqls],
    ['acceptedToWon', counts.won, counts.accepted],
  ];
  for (const [name, n, d] of pairs) {
    const m = rate(n, d);
    if (m) rates[name] = m;
  }
  if (counts.wonAmount !== undefined && counts.wonWithAmount)
    measured.averageDealSize = {
      value: counts.wonAmount / counts.wonWithAmount,
      sample: counts.wonWithAmount,
    };
  return measured;
}

/** The plan in plain words, for the command line. */
export function planText(plan: FunnelPlan): string {
  const money = (n: number) => `${plan.currency} ${Math.round(n).toLocaleString('en-US')}`;
  const source = (f: PlanFigure) =>
    f.source === 'measured' ? `measured over ${f.sample} observations` : 'entered';
  const share = (f: PlanFigure) => `${Math.round(f.value * 1000) / 10}% (${source(f)})`;
  const rows: Array<[string, keyof FunnelCounts]> = [
    ['Deals won', 'deals'],
    ['Accepted SQLs', 'acceptedSqls'],
    ['SQLs', 'sqls'],
    ['MQLs', 'mqls'],
    ['Leads', 'leads'],
  ];
  return [
    `Plan for ${plan.period.id} (${plan.period.from} to ${plan.period.to}, ${plan.period.months.length} months): ${money(plan.revenueGoal)}`,
    `Average deal size ${money(plan.averageDealSize.value)} (${source(plan.averageDealSize)})`,
    `Lead to MQL ${share(plan.rates.leadToMql)}; MQL to SQL ${share(plan.rates.mqlToSql)}; SQL accepted ${share(plan.rates.sqlToAccepted)}; accepted to won ${share(plan.rates.acceptedToWon)}`,
    '',
    `${'Needed'.padEnd(14)} ${'in total'.padStart(9)} ${'per month'.padStart(10)}`,
    ...rows.map(
      ([label, key]) =>
        `${label.padEnd(14)} ${String(plan.total[key]).padStart(9)} ${String(plan.perMonth[key]).padStart(10)}`,
    ),
  ].join('\n');
}
