/** The demo unit's stack: the table, the event bus with its rules and DLQ, and the lifecycle state machine. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, it } from 'vitest';
import { archivedSources } from '../../infra/constructs/events.ts';
import { EVENT_ROUTES } from '../../workflows/event-routes.ts';
import { synthDemoStack } from './demo-stack.ts';
import { functionId, logicalIdOf } from './helpers.ts';

let template: Template;
let stateMachineId: string;

beforeAll(async () => {
  ({ template, stateMachineId } = await synthDemoStack());
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
              NonKeyAttributes: ['leadId', 'stage', 'profile', 'reasons', 'quarantinedAt'],
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

  it('has one rule per EVENT_ROUTES row, targeting its handler with retries and the DLQ', () => {
    template.resourceCountIs('AWS::Events::Rule', EVENT_ROUTES.length);
    const dlq = logicalIdOf(template, 'AWS::SQS::Queue');
    for (const route of EVENT_ROUTES) {
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

  it('dead-letters into an encrypted queue that refuses non-TLS access', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
  });
});

describe('workflow', () => {
  it('is a STANDARD state machine logging ALL to its log group, with tracing', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      StateMachineName: 'leadflow-demo-lifecycle',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [
          { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
        ],
      },
    });
  });

  it('alarms on failed executions and on dead-lettered events', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: stateMachineId } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue'), 'QueueName'] },
        },
      ],
    });
  });
});
