/** The demo unit's stack: the metrics projection (record-metrics, its rule, grants, DLQ and alarms). */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_ROUTES, EVENT_SOURCE, PROJECTED_EVENT_TYPES } from '../../workflows/event-routes.ts';
import { synthDemoStack } from './demo-stack.ts';
import { functionId, logicalIdOf, permissionsOf, resourcesOf } from './helpers.ts';

let template: Template;
beforeAll(async () => {
  ({ template } = await synthDemoStack());
});

describe('metrics projection', () => {
  it('routes every projected lifecycle event to record-metrics, with retries and the target DLQ', () => {
    const route = EVENT_ROUTES.find((r) => r.target === 'record-metrics');
    expect(route?.detailTypes).toEqual([...PROJECTED_EVENT_TYPES]);
    template.hasResource('AWS::Events::Rule', {
      Metadata: { 'leadflow:route': route?.id },
      Properties: Match.objectLike({
        EventPattern: { source: [EVENT_SOURCE], 'detail-type': [...PROJECTED_EVENT_TYPES] },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [functionId(template, 'record-metrics'), 'Arn'] },
            RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
            DeadLetterConfig: Match.anyValue(),
          }),
        ],
      }),
    });
  });

  it('may only read and write items of the unit table (no Query, Scan, delete or batch) and its failure queue', () => {
    const table = logicalIdOf(template, 'AWS::DynamoDB::Table');
    const permissions = permissionsOf(template, 'record-metrics');
    const tableActions = permissions
      .filter((p) => JSON.stringify(p.resource).includes(table))
      .map((p) => p.action)
      .sort();
    expect(tableActions).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(
      permissions
        .map((p) => p.action)
        .filter((a) => a.startsWith('dynamodb:'))
        .sort(),
    ).toEqual(tableActions);
    expect(permissions.some((p) => p.action === 'events:PutEvents')).toBe(false);
  });

  it('sends invocations failing after Lambda retries to a queue of its own, alarmed like every DLQ', () => {
    const fn = functionId(template, 'record-metrics');
    const invokeConfigs = Object.values(resourcesOf(template, 'AWS::Lambda::EventInvokeConfig')).filter(
      (c) => (c.Properties.FunctionName as { Ref?: string }).Ref === fn,
    );
    expect(invokeConfigs).toHaveLength(1);
    const alarmNames = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) =>
      String(a.Properties.AlarmName),
    );
    expect(alarmNames).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/record-metrics-errors$/),
        expect.stringMatching(/record-metrics-throttles$/),
        expect.stringMatching(/dlq-record-metrics-async$/),
      ]),
    );
  });
});
