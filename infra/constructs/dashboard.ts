/** One CloudWatch dashboard per unit (`leadflow-<unit>`): the numbers behind every alarm. */
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type HorizontalAnnotation,
  type IMetric,
  Stats,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import type { LeadflowFunction } from './leadflow-function.ts';
import {
  api5xxRate,
  METRIC_PERIOD,
  SES_BOUNCE_RATE_THRESHOLD,
  SES_COMPLAINT_RATE_THRESHOLD,
  sesReputation,
} from './metrics.ts';

export interface LeadflowDashboardProps {
  config: BusinessUnitConfig;
  stateMachine: IStateMachine;
  functions: readonly LeadflowFunction[];
  deadLetterQueues: ReadonlyArray<{ name: string; queue: IQueue }>;
  httpApi: IHttpApi;
  alarms: readonly Alarm[];
}

const WIDTH = 8;
const HEIGHT = 6;

export class LeadflowDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: LeadflowDashboardProps) {
    super(scope, id);
    const sum = { period: METRIC_PERIOD, statistic: Stats.SUM };
    const graph = (
      title: string,
      left: IMetric[],
      extra: Partial<ConstructorParameters<typeof GraphWidget>[0]> = {},
    ) => new GraphWidget({ title, left, width: WIDTH, height: HEIGHT, ...extra });
    const perFunction = (metric: (fn: LeadflowFunction) => IMetric) => props.functions.map(metric);
    const sm = props.stateMachine;
    const api = props.httpApi;

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: unitResourceNames(props.config.name).dashboard,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 3 * WIDTH, height: 4 }),
    );
    this.dashboard.addWidgets(
      graph('Lifecycle executions', [
        sm.metricStarted({ ...sum, label: 'started' }),
        sm.metricSucceeded({ ...sum, label: 'succeeded' }),
        sm.metricFailed({ ...sum, label: 'failed' }),
        sm.metricTimedOut({ ...sum, label: 'timed out' }),
      ]),
      graph('Dead-letter queue depth', [
        ...props.deadLetterQueues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: METRIC_PERIOD,
            statistic: Stats.MAXIMUM,
            label: name,
          }),
        ),
      ]),
      graph(
        'SES reputation (account)',
        [
          sesReputation('BounceRate').with({ label: 'bounce rate' }),
          sesReputation('ComplaintRate').with({ label: 'complaint rate' }),
        ],
        {
          leftAnnotations: [
            { value: SES_BOUNCE_RATE_THRESHOLD, label: 'bounce alarm' } satisfies HorizontalAnnotation,
            { value: SES_COMPLAINT_RATE_THRESHOLD, label: 'complaint alarm' } satisfies HorizontalAnnotation,
          ],
        },
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Lambda errors',
        perFunction((fn) => fn.metricErrors({ ...sum, label: fn.handlerName })),
      ),
      graph(
        'Lambda throttles',
        perFunction((fn) => fn.metricThrottles({ ...sum, label: fn.handlerName })),
      ),
      graph(
        'Lambda duration p99 (ms)',
        perFunction((fn) =>
          fn.metricDuration({ period: METRIC_PERIOD, statistic: Stats.p(99), label: fn.handlerName }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph('API requests', [api.metricCount({ ...sum, label: 'requests' })]),
      graph(
        'API 4xx / 5xx',
        [api.metricClientError({ ...sum, label: '4xx' }), api.metricServerError({ ...sum, label: '5xx' })],
        { right: [api5xxRate(api)] },
      ),
      graph('API latency (ms)', [
        api.metricLatency({ period: METRIC_PERIOD, statistic: Stats.p(50), label: 'p50' }),
        api.metricLatency({ period: METRIC_PERIOD, statistic: Stats.p(99), label: 'p99' }),
      ]),
    );
  }
}
