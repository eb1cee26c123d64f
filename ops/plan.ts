/**
 * `npm run plan -- --unit <unit> --revenue <amount> --period <2027|2027-Q1|2027-03> [options]`
 *
 * Works the funnel backwards from a revenue goal: the deals, accepted SQLs, SQLs, MQLs and leads
 * a period needs, in total and per month. Rates and the deal size come from the unit's
 * `agreement.planning`, each replaceable on the command line; with `--url` and `--token` the
 * unit's API plans instead (GET /reports/plan), with the rates it measured over the last twelve
 * months where they rest on enough observations.
 *
 *   --deal-size <amount>  --lead-to-mql <rate>  --mql-to-sql <rate>
 *   --sql-to-accepted <rate>  --accepted-to-won <rate>   (rates in (0, 1])
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadBusinessUnitConfig } from '../config/load.ts';
import {
  PLAN_RATES,
  PlanError,
  type PlanRateName,
  planFunnel,
  planText,
} from '../functions/domain/agreement/plan.ts';

export const USAGE =
  'Usage: npm run plan -- --unit <unit> --revenue <amount> --period <2027|2027-Q1|2027-03>\n' +
  '         [--deal-size <amount>] [--lead-to-mql|--mql-to-sql|--sql-to-accepted|--accepted-to-won <rate>]\n' +
  '         [--url <API base URL> --token <bearer token>]';

const RATE_FLAGS: Record<PlanRateName, string> = {
  leadToMql: 'lead-to-mql',
  mqlToSql: 'mql-to-sql',
  sqlToAccepted: 'sql-to-accepted',
  acceptedToWon: 'accepted-to-won',
};

const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));

export async function runPlan(
  argv: string[],
  print: (text: string) => void = (text) => process.stdout.write(`${text}\n`),
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        unit: { type: 'string' },
        revenue: { type: 'string' },
        period: { type: 'string' },
        'deal-size': { type: 'string' },
        ...Object.fromEntries(Object.values(RATE_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
        url: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    print(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    print(USAGE);
    return 0;
  }
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const [unit, revenue, period] = [text('unit'), text('revenue'), text('period')];
  if (!unit || !revenue || !period) {
    print(`Needs --unit, --revenue and --period.\n${USAGE}`);
    return 2;
  }
  const url = text('url');
  if (url) return planThroughApi(url, text('token'), revenue, period, print);
  try {
    const planning = (await loadBusinessUnitConfig(unit)).agreement.planning;
    const rates = { ...planning.rates };
    for (const name of PLAN_RATES) {
      const given = number(text(RATE_FLAGS[name]));
      if (given !== undefined) rates[name] = given;
    }
    const plan = planFunnel({
      revenueGoal: Number(revenue),
      period,
      averageDealSize: number(text('deal-size')) ?? planning.averageDealSize,
      rates,
      currency: planning.currency,
    });
    print(planText(plan));
    return 0;
  } catch (error) {
    print(
      error instanceof PlanError
        ? error.message
        : `Cannot plan for unit ${unit}: ${(error as Error).message}`,
    );
    return 1;
  }
}

async function planThroughApi(
  base: string,
  token: string | undefined,
  revenue: string,
  period: string,
  print: (text: string) => void,
): Promise<number> {
  if (!token) {
    print(`--url needs --token (an ops or sales manager's bearer token).\n${USAGE}`);
    return 2;
  }
  const query = new URLSearchParams({ revenue, period, format: 'text' });
  const response = await fetch(new URL(`reports/plan?${query}`, base.endsWith('/') ? base : `${base}/`), {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await response.text()).trimEnd();
  print(response.ok ? body : `The API answered ${response.status}: ${body}`);
  return response.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runPlan(process.argv.slice(2));
}
