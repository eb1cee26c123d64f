/** The demo unit's stack: the alarm topic, every alarm, and the dashboard. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import demoRaw from '../../config/business-units/demo.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { HANDLER_NAMES } from '../../infra/constructs/leadflow-function.ts';
import { synthDemoStack } from './demo-stack.ts';
import { buildStack, functionId, joinedText, logicalIdOf, resourcesOf, unitConfig } from './helpers.ts';

let config: BusinessUnitConfig;
let template: Template;
let stateMachineId: string;

beforeAll(async () => {
  ({ config, template, stateMachineId } = await synthDemoStack());
});

const alarms = () => Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
/** The alarm topic (the stack has a second one, for SES bounce and complaint events). */
const alarmTopicId = (t: Template = template) => {
  const ids = Object.entries(resourcesOf(t, 'AWS::SNS::Topic'))
    .filter(([, r]) => String(r.Properties.TopicName).endsWith('-alarms'))
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};
const topicRef = () => ({ Ref: alarmTopicId() });
const alarmTopicPolicy = () =>
  Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy')).find((p) =>
    JSON.stringify(p.Properties.Topics).includes(alarmTopicId()),
  );

describe('alarm topic', () => {
  it('is one KMS-encrypted, TLS-only SNS topic with every ops address subscribed by email', () => {
    const topic = resourcesOf(template, 'AWS::SNS::Topic')[alarmTopicId()];
    if (!topic) throw new Error('no alarm topic');
    expect(topic.Properties.TopicName).toBe('leadflow-demo-alarms');
    const key = (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resourcesOf(template, 'AWS::KMS::Key')[key]?.Properties.EnableKeyRotation).toBe(true);
    const subscriptions = Object.values(resourcesOf(template, 'AWS::SNS::Subscription'))
      .map((s) => s.Properties)
      .filter((s) => s.Protocol === 'email');
    expect(subscriptions).toEqual(
      config.email.alertRecipients.ops.map((address) =>
        expect.objectContaining({ Protocol: 'email', Endpoint: address, TopicArn: topicRef() }),
      ),
    );
    expect(alarmTopicPolicy()?.Properties.PolicyDocument).toMatchObject({
      Statement: expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    });
  });

  it("lets CloudWatch publish and use the key, for this unit's alarms only", () => {
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': Match.anyValue() },
    };
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: fromOwnAlarms,
          }),
        ]),
      }),
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: fromOwnAlarms,
          }),
        ]),
      }),
    });
    const policy = JSON.stringify(alarmTopicPolicy());
    expect(policy).toContain(':alarm:leadflow-demo-*');
  });

  it('subscribes every ops address of a unit with several', () => {
    const ops = ['ops-a@demo.example.com', 'ops-b@demo.example.com'];
    const built = buildStack(
      unitConfig(demoRaw, (raw) => {
        raw.email.alertRecipients.ops = ops;
      }),
    );
    const endpoints = Object.values(resourcesOf(built.template, 'AWS::SNS::Subscription'))
      .filter((s) => s.Properties.Protocol === 'email')
      .map((s) => s.Properties.Endpoint);
    expect(endpoints.sort()).toEqual(ops);
  });
});

describe('alarms', () => {
  it('all notify the topic when they fire and when they clear, and are named for the unit', () => {
    expect(alarms().length).toBeGreaterThan(0);
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([topicRef()]);
      expect(alarm.OKActions).toEqual([topicRef()]);
      expect(alarm.AlarmName).toMatch(/^leadflow-demo-/);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  it('fire on failed, timed-out and aborted lifecycle executions', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metric,
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: stateMachineId } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('fire on a message in any dead-letter queue', () => {
    const queues = Object.keys(resourcesOf(template, 'AWS::SQS::Queue'));
    expect(queues.length).toBeGreaterThanOrEqual(3);
    for (const queue of queues) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
        Threshold: 1,
      });
    }
  });

  it('fire on errors and on throttles of every function', () => {
    for (const handler of HANDLER_NAMES) {
      for (const metric of ['Errors', 'Throttles']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(template, handler) } }],
          Threshold: 1,
        });
      }
    }
  });

  it('fire when more than 1% of API requests answer 5xx (5xx count over requests)', () => {
    const api = { Ref: logicalIdOf(template, 'AWS::ApiGatewayV2::Api') };
    const metric = (name: string, id: string) =>
      Match.objectLike({
        Id: id,
        ReturnData: false,
        MetricStat: Match.objectLike({
          Metric: {
            Namespace: 'AWS/ApiGateway',
            MetricName: name,
            Dimensions: [{ Name: 'ApiId', Value: api }],
          },
          Stat: 'Sum',
        }),
      });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests > 0, 100 * errors / requests, 0)' }),
        metric('5xx', 'errors'),
        metric('Count', 'requests'),
      ]),
    });
  });

  it('fire on the account SES bounce rate above 5% and complaint rate above 0.1%', () => {
    for (const [metric, threshold] of [
      ['Reputation.BounceRate', 0.05],
      ['Reputation.ComplaintRate', 0.001],
    ] as const) {
      const found = alarms().filter((a) => a.MetricName === metric);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        Namespace: 'AWS/SES',
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(found[0]?.Dimensions).toBeUndefined();
    }
  });
});

describe('dashboard', () => {
  it('is leadflow-<unit> with executions, functions, API, dead letters and SES reputation', () => {
    const dashboards = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.Properties.DashboardName).toBe('leadflow-demo');
    const body = joinedText(dashboards[0]?.Properties.DashboardBody);
    const shows = (namespace: string, metric: string, dimension?: string) =>
      expect(body).toContain(`"${namespace}","${metric}"${dimension ? `,"${dimension}"` : ''}`);
    for (const metric of [
      'ExecutionsStarted',
      'ExecutionsSucceeded',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
    ]) {
      shows('AWS/States', metric);
    }
    for (const handler of HANDLER_NAMES) {
      for (const metric of ['Errors', 'Throttles', 'Duration']) {
        expect(body).toContain(
          `"AWS/Lambda","${metric}","FunctionName","<${functionId(template, handler)}>"`,
        );
      }
    }
    for (const metric of ['Count', '4xx', '5xx', 'Latency']) shows('AWS/ApiGateway', metric, 'ApiId');
    for (const queue of Object.keys(resourcesOf(template, 'AWS::SQS::Queue'))) {
      expect(body).toContain(
        `"AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","<${queue}.QueueName>"`,
      );
    }
    shows('AWS/SES', 'Reputation.BounceRate');
    shows('AWS/SES', 'Reputation.ComplaintRate');
  });
});
