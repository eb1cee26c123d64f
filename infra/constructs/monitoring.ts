/** Alarms for the two ways a lead silently drops out of its SLA process. */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BusinessUnitConfig } from '../../config/schema.ts';

export interface LeadflowMonitoringProps {
  config: BusinessUnitConfig;
  stateMachine: IStateMachine;
  deadLetterQueue: IQueue;
}

export class LeadflowMonitoring extends Construct {
  readonly executionsFailedAlarm: Alarm;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: LeadflowMonitoringProps) {
    super(scope, id);
    const unit = props.config.name;
    this.executionsFailedAlarm = new Alarm(this, 'ExecutionsFailed', {
      alarmDescription: `Leadflow ${unit}: a lead lifecycle execution failed, timed out or was aborted`,
      metric: props.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm = new Alarm(this, 'EventsDeadLetters', {
      alarmDescription: `Leadflow ${unit}: events a target could not process are waiting in the dead-letter queue`,
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
