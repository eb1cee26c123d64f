/** Metrics that alarms.ts and dashboard.ts share, so an alarm and its graph show the same number. */
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';

export const METRIC_PERIOD = Duration.minutes(5);

/** SES reputation thresholds (ratios): AWS reviews an account at 5% bounces or 0.1% complaints. */
export const SES_BOUNCE_RATE_THRESHOLD = 0.05;
export const SES_COMPLAINT_RATE_THRESHOLD = 0.001;
/** HTTP API 5xx responses as a percentage of requests. */
export const API_5XX_RATE_THRESHOLD_PERCENT = 1;

/**
 * The account's SES reputation in the stack's region (no dimensions: SES publishes these per
 * account, so every unit sending from the same account and region sees the same value).
 */
export function sesReputation(kind: 'BounceRate' | 'ComplaintRate'): Metric {
  return new Metric({
    namespace: 'AWS/SES',
    metricName: `Reputation.${kind}`,
    statistic: 'Average',
    period: Duration.hours(1),
  });
}

/** 5xx responses over requests, in percent (0 while there are no requests). */
export function api5xxRate(api: IHttpApi): MathExpression {
  return new MathExpression({
    expression: 'IF(requests > 0, 100 * errors / requests, 0)',
    usingMetrics: {
      errors: api.metricServerError({ period: METRIC_PERIOD, statistic: 'Sum' }),
      requests: api.metricCount({ period: METRIC_PERIOD, statistic: 'Sum' }),
    },
    label: 'API 5xx rate (%)',
    period: METRIC_PERIOD,
  });
}
