/**
 * The read side of the two-sided agreement: the scorecard of a period, the planning calculator
 * with the unit's measured history, and the agreement in plain words. Read from the metrics
 * projection (MetricsStore): the leads indexed on the period's days, never a scan of leads.
 */
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { addDays, assertDate, localDate, monthBounds } from '../domain/agreement/dates.ts';
import { type FunnelPlan, measuredFromCounts, planForUnit } from '../domain/agreement/plan.ts';
import { type AgreementDocument, renderAgreement } from '../domain/agreement/render.ts';
import type { Clock } from '../domain/lead.ts';
import { funnelCounts, scorecard } from '../domain/scorecard/scorecard.ts';
import type { Period, Scorecard } from '../domain/scorecard/types.ts';
import type { MetricsStore } from './ports.ts';
import { scorecardInputFromMetrics } from './record-metrics.ts';

export interface ReportPorts {
  config: BusinessUnitConfig;
  metrics: MetricsStore;
  clock: Clock;
}

/** The longest period one request may ask for (one index read per day). */
export const MAX_PERIOD_DAYS = 366;
/** The planning calculator measures rates over the last twelve months. */
const PLANNING_HISTORY_DAYS = 365;

const DAY_MS = 86_400_000;

export class PeriodError extends Error {
  override name = 'PeriodError';
}

/**
 * The period as local dates, `from` to `to` both included. Without `from`, the current month;
 * without `to`, to the end of `from`'s month.
 */
export function reportPeriod(
  config: Pick<BusinessUnitConfig, 'timezone'>,
  now: Date,
  query: { from?: string; to?: string },
): Period {
  const valid = (date: string) => {
    try {
      return assertDate(date);
    } catch {
      throw new PeriodError(`'${date}' is not a date YYYY-MM-DD`);
    }
  };
  const from = valid(query.from ?? `${localDate(now, config.timezone).slice(0, 7)}-01`);
  const to = valid(query.to ?? monthBounds(from.slice(0, 7)).to);
  if (to < from) throw new PeriodError(`the period ends (${to}) before it starts (${from})`);
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days > MAX_PERIOD_DAYS)
    throw new PeriodError(`the period has ${days} days; at most ${MAX_PERIOD_DAYS} per request`);
  return { from, to };
}

export async function scorecardReport(ports: ReportPorts, period: Period): Promise<Scorecard> {
  const { counters, leadFacts } = await scorecardInputFromMetrics(ports.metrics, period);
  return scorecard({ counters, leadFacts, period, now: ports.clock.now(), config: ports.config });
}

/**
 * The funnel a revenue goal needs, with the rates and deal size of the last twelve months where
 * they rest on enough observations (`planning.minMeasuredSample`), else the entered ones.
 */
export async function planReport(
  ports: ReportPorts,
  input: { revenueGoal: number; period: string },
): Promise<FunnelPlan> {
  const yesterday = addDays(localDate(ports.clock.now(), ports.config.timezone), -1);
  const history = await scorecardReport(ports, {
    from: addDays(yesterday, -(PLANNING_HISTORY_DAYS - 1)),
    to: yesterday,
  });
  return planForUnit(ports.config, { ...input, measured: measuredFromCounts(funnelCounts(history)) });
}

export const agreementReport = (config: BusinessUnitConfig, now: Date): AgreementDocument =>
  renderAgreement(config, { now });
