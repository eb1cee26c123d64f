/**
 * Failures reach a person: one encrypted SNS topic per unit with the unit's ops addresses
 * subscribed by email, and an alarm (with OK notification) on every way a lead can silently
 * drop out of its SLA process.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import type { LeadflowFunction } from './leadflow-function.ts';
import {
  API_5XX_RATE_THRESHOLD_PERCENT,
  api5xxRate,
  METRIC_PERIOD,
  SES_BOUNCE_RATE_THRESHOLD,
  SES_COMPLAINT_RATE_THRESHOLD,
  sesReputation,
} from './metrics.ts';

export interface LeadflowAlarmsProps {
  config: BusinessUnitConfig;
  stateMachine: IStateMachine;
  functions: readonly LeadflowFunction[];
  deadLetterQueues: ReadonlyArray<{ name: string; queue: IQueue }>;
  httpApi: IHttpApi;
}

export class LeadflowAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;
  private readonly prefix: string;
  private readonly unit: string;

  constructor(scope: Construct, id: string, props: LeadflowAlarmsProps) {
    super(scope, id);
    const { config } = props;
    const names = unitResourceNames(config.name);
    this.prefix = names.alarmPrefix;
    this.unit = config.name;
    this.topic = this.createTopic(config);
    this.action = new SnsAction(this.topic);

    const sum = { period: METRIC_PERIOD, statistic: 'Sum' };
    const sm = props.stateMachine;
    this.add(
      'ExecutionsFailed',
      'executions-failed',
      'a lead lifecycle execution failed',
      sm.metricFailed(sum),
    );
    this.add(
      'ExecutionsTimedOut',
      'executions-timed-out',
      'a lead lifecycle execution timed out',
      sm.metricTimedOut(sum),
    );
    this.add(
      'ExecutionsAborted',
      'executions-aborted',
      'a lead lifecycle execution was aborted',
      sm.metricAborted(sum),
    );

    for (const { name, queue } of props.deadLetterQueues) {
      this.add(
        `DeadLetters-${name}`,
        `dlq-${name}`,
        `messages are waiting in the ${name} dead-letter queue (inspect, fix, redrive)`,
        queue.metricApproximateNumberOfMessagesVisible({ period: METRIC_PERIOD, statistic: 'Maximum' }),
      );
    }

    for (const fn of props.functions) {
      const handler = fn.handlerName;
      this.add(
        `Errors-${handler}`,
        `${handler}-errors`,
        `${handler} invocations failed`,
        fn.metricErrors(sum),
      );
      this.add(
        `Throttles-${handler}`,
        `${handler}-throttles`,
        `${handler} invocations were throttled`,
        fn.metricThrottles(sum),
      );
    }

    this.add(
      'Api5xxRate',
      'api-5xx-rate',
      `more than ${API_5XX_RATE_THRESHOLD_PERCENT}% of HTTP API requests answered 5xx`,
      api5xxRate(props.httpApi),
      API_5XX_RATE_THRESHOLD_PERCENT,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
    );
    this.add(
      'SesBounceRate',
      'ses-bounce-rate',
      'the SES account bounce rate is above 5% (SES reviews the account at 5%, may pause sending at 10%)',
      sesReputation('BounceRate'),
      SES_BOUNCE_RATE_THRESHOLD,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
    );
    this.add(
      'SesComplaintRate',
      'ses-complaint-rate',
      'the SES account complaint rate is above 0.1% (SES reviews the account at 0.1%)',
      sesReputation('ComplaintRate'),
      SES_COMPLAINT_RATE_THRESHOLD,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
    );
  }

  /**
   * A customer managed key: CloudWatch can only publish to an encrypted topic if the key policy
   * lets it use the key, which the AWS managed aws/sns key does not. Both the key and the topic
   * trust CloudWatch only for this unit's alarms (by name prefix) in this account.
   */
  private createTopic(config: BusinessUnitConfig): Topic {
    const stack = Stack.of(this);
    const names = unitResourceNames(config.name);
    const key = new Key(this, 'TopicKey', {
      description: `Leadflow ${config.name}: encrypts alarm notifications`,
      enableKeyRotation: true,
      // Nothing at rest depends on it: the topic keeps no messages once delivered.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    const topic = new Topic(this, 'Topic', {
      topicName: names.alarmTopic,
      displayName: `Leadflow ${config.displayName} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: `${names.alarmPrefix}*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromOwnAlarms,
      }),
    );
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOwnAlarms,
      }),
    );
    // Each address gets a confirmation mail from SNS; alarms reach it once confirmed.
    for (const address of config.email.alertRecipients.ops) {
      topic.addSubscription(new EmailSubscription(address));
    }
    return topic;
  }

  private add(
    id: string,
    name: string,
    what: string,
    metric: IMetric,
    threshold = 1,
    comparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmName: `${this.prefix}${name}`,
      alarmDescription: `Leadflow ${this.unit}: ${what}`,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}
