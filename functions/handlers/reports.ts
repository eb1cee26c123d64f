/**
 * The agreement's read side on the HTTP API (functions/use-cases/reports.ts):
 *
 *   GET /agreement          the agreement in plain words: JSON, HTML or Markdown (ops, managers, reps)
 *   GET /reports/scorecard  ?from=&to= (local dates): JSON, HTML with charts, or CSV (ops, managers)
 *   GET /reports/plan       ?revenue=&period=: the funnel a revenue goal needs, JSON or text (ops, managers)
 *
 * The format comes from `?format=` or `Accept` (http/report-access.ts). Read-only.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { DynamoMetricsStore } from '../adapters/metrics-store.ts';
import { PlanError, planText } from '../domain/agreement/plan.ts';
import { scorecardCsv } from '../domain/scorecard/csv.ts';
import { scorecardHtml } from '../domain/scorecard/html.ts';
import { callerFrom } from '../http/caller.ts';
import { HttpProblem, validationProblem } from '../http/problem.ts';
import { problemErrorHandler } from '../http/problem-error-handler.ts';
import {
  forbidden,
  MEDIA_TYPES,
  mayReadAgreement,
  mayReadScorecard,
  negotiate,
  type ReportFormat,
} from '../http/report-access.ts';
import { clock } from '../runtime/clock.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import {
  agreementReport,
  PeriodError,
  planReport,
  type ReportPorts,
  reportPeriod,
  scorecardReport,
} from '../use-cases/reports.ts';

const config = unitConfig();
const ports: ReportPorts = { config, clock, metrics: new DynamoMetricsStore(requiredEnv(ENV.tableName)) };

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const ScorecardQuery = z.object({
  from: date.optional(),
  to: date.optional(),
  format: z.string().optional(),
});
const PlanQuery = z.object({
  revenue: z.coerce.number().positive('must be a positive amount'),
  period: z.string().regex(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, 'must be 2027, 2027-Q1 or 2027-03'),
  format: z.string().optional(),
});
const AgreementQuery = z.object({ format: z.string().optional() });

function parse<T extends z.ZodType>(schema: T, event: Event): z.infer<T> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw validationProblem(parsed.error);
  return parsed.data;
}

function respond(format: ReportFormat, body: string, headers: Record<string, string> = {}): Result {
  return {
    statusCode: 200,
    headers: {
      'content-type': `${MEDIA_TYPES[format]}; charset=utf-8`,
      'cache-control': 'no-store',
      vary: 'accept',
      // The HTML pages carry inline styles and SVG only: nothing may run or load.
      ...(format === 'html'
        ? { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" }
        : {}),
      ...headers,
    },
    body,
  };
}

async function scorecardRoute(event: Event): Promise<Result> {
  const query = parse(ScorecardQuery, event);
  const format = negotiate(['json', 'html', 'csv'], query.format, event.headers?.accept);
  let period: ReturnType<typeof reportPeriod>;
  try {
    period = reportPeriod(config, clock.now(), query);
  } catch (error) {
    if (error instanceof PeriodError) throw new HttpProblem(400, 'Invalid period', error.message);
    throw error;
  }
  const card = await scorecardReport(ports, period);
  if (format === 'csv')
    return respond('csv', scorecardCsv(card), {
      'content-disposition': `attachment; filename="scorecard-${config.name}-${period.from}-${period.to}.csv"`,
    });
  if (format === 'html') {
    // The charts are built only for the page.
    const { charts } = await import('../domain/scorecard/charts.ts');
    return respond('html', scorecardHtml(card, { charts: charts(card) }));
  }
  return respond('json', JSON.stringify(card));
}

async function planRoute(event: Event): Promise<Result> {
  const query = parse(PlanQuery, event);
  const format = negotiate(['json', 'text'], query.format, event.headers?.accept);
  try {
    const plan = await planReport(ports, { revenueGoal: query.revenue, period: query.period });
    return format === 'text' ? respond('text', `${planText(plan)}\n`) : respond('json', JSON.stringify(plan));
  } catch (error) {
    if (error instanceof PlanError) throw new HttpProblem(422, 'Cannot plan', error.problems.join('; '));
    throw error;
  }
}

function agreementRoute(event: Event): Result {
  const query = parse(AgreementQuery, event);
  const format = negotiate(['json', 'html', 'markdown'], query.format, event.headers?.accept);
  const { html, markdown, ...document } = agreementReport(config, clock.now());
  if (format === 'html') return respond('html', html);
  if (format === 'markdown') return respond('markdown', markdown);
  return respond('json', JSON.stringify(document));
}

async function reports(event: Event): Promise<Result> {
  const caller = callerFrom(event, config.auth.rolesClaim);
  switch (event.routeKey) {
    case 'GET /agreement':
      if (!mayReadAgreement(caller, config))
        throw forbidden('The agreement is for ops, sales managers and reps.');
      return agreementRoute(event);
    case 'GET /reports/scorecard':
      if (!mayReadScorecard(caller, config)) throw forbidden('The scorecard is for ops and sales managers.');
      return scorecardRoute(event);
    case 'GET /reports/plan':
      if (!mayReadScorecard(caller, config))
        throw forbidden('The planning calculator is for ops and sales managers.');
      return planRoute(event);
    default:
      throw new HttpProblem(404, 'Not found', 'No such report.');
  }
}

export const handler = middy<Event, Result>().use(problemErrorHandler({ logger })).handler(reports);
