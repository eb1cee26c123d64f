/** The demo unit's stack: the table, the event bus with its rules and dead-letter queues, and the state machine. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { archivedSources } from '../../infra/constructs/events.ts';
import { EVENT_ROUTES, LAMBDA_ROUTES } from '../../workflows/event-routes.ts';
import { synthDemoStack } from './demo-stack.ts';
import { functionId, logicalIdOf, resourcesOf } from './helpers.ts';

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

let template: Template;

beforeAll(async () => {
  ({ template } = await synthDemoStack());
});

describe('data', () => {
  it('is one on-demand table with pk/sk, gsi1, PITR, KMS encryption, TTL and RETAIN', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: {
              ProjectionType: 'INCLUDE',
              NonKeyAttributes: ['leadId', 'profile', 'reasons', 'quarantinedAt'],
            },
          },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ]),
      }),
    });
  });
});

describe('events', () => {
  it('has one bus named after the unit, with an archive', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'leadflow-demo' });
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Events::EventBus'), 'Arn'] },
      EventPattern: { source: archivedSources() },
      RetentionDays: 30,
    });
  });

  /** The queue the rule targets dead-letter into (the one queue named TargetDlq). */
  const targetDlq = () => {
    const ids = Object.keys(resourcesOf(template, 'AWS::SQS::Queue')).filter((id) =>
      id.includes('TargetDlq'),
    );
    expect(ids).toHaveLength(1);
    return ids[0] as string;
  };

  it('has one rule per EVENT_ROUTES row, targeting its handler with retries and the DLQ', () => {
    template.resourceCountIs('AWS::Events::Rule', EVENT_ROUTES.length);
    const dlq = targetDlq();
    // The Firehose row (event archive) is checked in stack-event-archive.test.ts.
    for (const route of LAMBDA_ROUTES) {
      template.hasResource('AWS::Events::Rule', {
        Metadata: { 'leadflow:route': route.id },
        Properties: Match.objectLike({
          EventBusName: { Ref: logicalIdOf(template, 'AWS::Events::EventBus') },
          EventPattern: { source: route.sources, 'detail-type': route.detailTypes },
          Targets: [
            Match.objectLike({
              Arn: { 'Fn::GetAtt': [functionId(template, route.target), 'Arn'] },
              RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
            }),
          ],
        }),
      });
    }
  });

  it('sends what each event-invoked function still fails after Lambda retries to a queue of its own', () => {
    const asyncTargets = [...new Set(LAMBDA_ROUTES.map((r) => r.target))].sort();
    const configs = Object.values(resourcesOf(template, 'AWS::Lambda::EventInvokeConfig'));
    // Only EventBridge invokes asynchronously: API Gateway and Step Functions wait for the answer.
    expect(configs.map((c) => c.Properties.FunctionName).sort(byJson)).toEqual(
      asyncTargets.map((t) => ({ Ref: functionId(template, t) })).sort(byJson),
    );
    const queues = Object.keys(resourcesOf(template, 'AWS::SQS::Queue'));
    const destinations = configs.map((c) => {
      expect(c.Properties).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 6 * 3600 });
      const arn = (
        c.Properties.DestinationConfig as { OnFailure: { Destination: { 'Fn::GetAtt': string[] } } }
      ).OnFailure.Destination['Fn::GetAtt'];
      expect(queues).toContain(arn[0]);
      expect(arn[0]).not.toBe(targetDlq());
      return arn[0];
    });
    expect(new Set(destinations).size).toBe(asyncTargets.length);
  });

  it('keeps every dead-letter queue encrypted, TLS-only, for 14 days', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(1 + new Set(LAMBDA_ROUTES.map((r) => r.target)).size);
    for (const queue of Object.values(queues)) {
      expect(queue.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 86_400,
      });
    }
    const policies = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy'));
    for (const id of Object.keys(queues)) {
      const policy = policies.find((p) => JSON.stringify(p.Properties.Queues).includes(`"${id}"`));
      expect(policy?.Properties.PolicyDocument).toMatchObject({
        Statement: expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      });
    }
  });
});

describe('workflow', () => {
  it('is a STANDARD state machine with tracing, logging errors only and no execution data', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      StateMachineName: 'leadflow-demo-lifecycle',
      TracingConfiguration: { Enabled: true },
      // Inputs and outputs carry task tokens and sales' free-text reasons: never in CloudWatch.
      LoggingConfiguration: {
        Level: 'ERROR',
        IncludeExecutionData: false,
        Destinations: [
          { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
        ],
      },
    });
  });
});
