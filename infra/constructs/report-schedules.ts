/**
 * The scheduled mail (the scorecard's and the reps' daily digest): one EventBridge Scheduler schedule per row of
 * `reportSchedules(config)` (functions/domain/scorecard/report-schedules.ts), in the unit's time
 * zone, invoking the scorecard-mail function with the row's input. The local runtime reads these
 * schedules back from the synthesized template (infra/synth.ts) and runs them on its clock, so
 * the definition exists once.
 */
import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  type CfnSchedule,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { reportSchedules } from '../../functions/domain/scorecard/report-schedules.ts';
import { acknowledgeWildcardResources } from '../nag.ts';
import type { LeadflowFunction } from './leadflow-function.ts';

/** CloudFormation metadata key on each AWS::Scheduler::Schedule naming its `reportSchedules` row. */
export const SCHEDULE_METADATA_KEY = 'leadflow:schedule';

export interface ReportSchedulesProps {
  config: BusinessUnitConfig;
  scorecardMail: LeadflowFunction;
}

export class ReportSchedules extends Construct {
  readonly schedules: Schedule[];
  /** What every schedule invokes the function as: lambda:InvokeFunction on it, nothing else. */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ReportSchedulesProps) {
    super(scope, id);
    const { config, scorecardMail } = props;
    const stack = Stack.of(this);
    this.role = new Role(this, 'Role', {
      description: `Leadflow ${config.name}: EventBridge Scheduler invoking scorecard-mail`,
      // Only schedules of this account's default group may pass the role (no confused deputy).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
    });
    acknowledgeWildcardResources(
      this.role,
      [`${scorecardMail.functionArn}:*`],
      "CDK's grantInvoke also names the function's versions and aliases (<arn>:*): still this one function only.",
    );
    this.schedules = reportSchedules(config).map((row) => {
      const schedule = new Schedule(this, row.id, {
        description: row.description,
        schedule: ScheduleExpression.expression(row.expression, TimeZone.of(row.timezone)),
        target: new LambdaInvoke(scorecardMail, {
          role: this.role,
          input: ScheduleTargetInput.fromObject(row.input),
          // A mail an hour late still reports the period it was scheduled for (scheduledTime).
          maxEventAge: Duration.hours(1),
          retryAttempts: 3,
        }),
      });
      (schedule.node.defaultChild as CfnSchedule).addMetadata(SCHEDULE_METADATA_KEY, row.id);
      return schedule;
    });
  }
}
