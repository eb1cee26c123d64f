/**
 * The scheduled mail on a clock: EventBridge Scheduler schedules in the unit's time zone (the
 * weekly digest, the daily pace check, the hourly run of the reps' daily digest) invoking
 * scorecard-mail with their task and the instant they fired for, through a role that may invoke
 * that function and nothing else.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import emea from '../../config/business-units/emea.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { SCHEDULE_METADATA_KEY } from '../../infra/constructs/report-schedules.ts';
import { synthDemoStack } from './demo-stack.ts';
import { buildStack, functionId, resourcesOf, unitConfig } from './helpers.ts';

let template: Template;
let config: BusinessUnitConfig;

beforeAll(async () => {
  ({ template, config } = await synthDemoStack());
});

const schedulesOf = (t: Template): Array<Record<string, unknown> & { row: unknown }> =>
  Object.values(resourcesOf(t, 'AWS::Scheduler::Schedule')).map((s) => ({
    row: s.Metadata?.[SCHEDULE_METADATA_KEY],
    ...s.Properties,
  }));

describe('report schedules', () => {
  it("are the weekly digest, the daily pace check and the hourly rep digest, in the unit's time zone", () => {
    const fnArn = { 'Fn::GetAtt': [functionId(template, 'scorecard-mail'), 'Arn'] };
    expect(schedulesOf(template)).toEqual([
      expect.objectContaining({
        row: 'WeeklyDigest',
        // agreement.digest: Mondays 08:00 in Europe/Berlin.
        ScheduleExpression: 'cron(0 8 ? * MON *)',
        ScheduleExpressionTimezone: 'Europe/Berlin',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: expect.objectContaining({
          Arn: fnArn,
          Input: JSON.stringify({ task: 'weekly-digest', scheduledTime: '<aws.scheduler.scheduled-time>' }),
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
        }),
      }),
      expect.objectContaining({
        row: 'PaceAlerts',
        ScheduleExpression: 'cron(0 8 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Berlin',
        Target: expect.objectContaining({
          Arn: fnArn,
          Input: JSON.stringify({ task: 'pace-alerts', scheduledTime: '<aws.scheduler.scheduled-time>' }),
        }),
      }),
      expect.objectContaining({
        row: 'RepDigest',
        // email.repDigest: 08:00 in each rep's zone, which may be any: every hour on the minute.
        ScheduleExpression: 'cron(0 * * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Berlin',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: expect.objectContaining({
          Arn: fnArn,
          Input: JSON.stringify({ task: 'rep-digest', scheduledTime: '<aws.scheduler.scheduled-time>' }),
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
        }),
      }),
    ]);
    expect(config.agreement.digest).toEqual({ weekday: 'mon', localTime: '08:00' });
    expect(config.email.repDigest).toEqual({ enabled: true, localTime: '08:00' });
  });

  it('follow the unit: its digest day, time and time zone', () => {
    const other = buildStack(
      unitConfig(emea, (raw) => {
        raw.timezone = 'America/New_York';
        raw.calendar = { ...raw.calendar, timezone: 'America/New_York' };
        raw.agreement = { ...raw.agreement, digest: { weekday: 'fri', localTime: '16:45' } } as never;
        raw.email = { ...raw.email, repDigest: { localTime: '07:30' } } as never;
      }),
    ).template;
    expect(schedulesOf(other).map((s) => [s.ScheduleExpression, s.ScheduleExpressionTimezone])).toEqual([
      ['cron(45 16 ? * FRI *)', 'America/New_York'],
      ['cron(45 16 * * ? *)', 'America/New_York'],
      ['cron(30 * * * ? *)', 'America/New_York'],
    ]);
    const withoutRepDigest = buildStack(
      unitConfig(emea, (raw) => {
        raw.email = { ...raw.email, repDigest: { enabled: false } } as never;
      }),
    ).template;
    expect(schedulesOf(withoutRepDigest).map((s) => s.row)).toEqual(['WeeklyDigest', 'PaceAlerts']);
  });

  it("assume one role, only for the account's schedules, that may invoke scorecard-mail and nothing else", () => {
    const roles = new Set(
      schedulesOf(template).map(
        (s) => (s.Target as { RoleArn: { 'Fn::GetAtt': [string] } }).RoleArn['Fn::GetAtt'][0],
      ),
    );
    expect(roles.size).toBe(1);
    const [roleId] = [...roles] as [string];
    const role = resourcesOf(template, 'AWS::IAM::Role')[roleId];
    expect(role?.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          // Only schedules of this account's default group (the three above) may pass it.
          Condition: {
            StringEquals: {
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              'aws:SourceArn': {
                'Fn::Join': [
                  '',
                  ['arn:aws:scheduler:eu-central-1:', { Ref: 'AWS::AccountId' }, ':schedule-group/default'],
                ],
              },
            },
          },
        },
      ],
    });
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: unknown[] }).Statement);
    const fn = functionId(template, 'scorecard-mail');
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: [
          { 'Fn::GetAtt': [fn, 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [fn, 'Arn'] }, ':*']] },
        ],
      },
    ]);
  });
});
