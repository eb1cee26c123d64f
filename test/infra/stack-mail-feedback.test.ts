/**
 * Mail that bounces or is complained about stops being sent: the SES configuration set every
 * mail uses, with SES's suppression on for both, its bounce and complaint destination (an encrypted SNS topic SES alone may publish
 * to, for this set), the ses-feedback function subscribed to it, and the action link key read
 * from SSM only by the two functions that sign and verify links.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBusinessUnitConfig } from '../../config/load.ts';
import { synthDemoStack } from './demo-stack.ts';
import { actionsOf, buildStack, functionId, resourcesOf, statementsOf, type TestStack } from './helpers.ts';

let template: Template;

beforeAll(async () => {
  ({ template } = await synthDemoStack());
});

const feedbackTopic = () => {
  const found = Object.entries(resourcesOf(template, 'AWS::SNS::Topic')).filter(
    ([, t]) => t.Properties.TopicName === 'leadflow-demo-mail-feedback',
  );
  expect(found).toHaveLength(1);
  return found[0] as [string, { Properties: Record<string, unknown> }];
};

describe('SES configuration set', () => {
  it('is named for the unit and publishes bounces and complaints (only) to the feedback topic', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'leadflow-demo' });
    const [topicId] = feedbackTopic();
    const setId = Object.keys(resourcesOf(template, 'AWS::SES::ConfigurationSet'))[0];
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: setId },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        SnsDestination: { TopicARN: { Ref: topicId } },
      },
    });
  });

  it('has SES drop mail to addresses that bounced for good or complained (the mailer reads no list)', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'leadflow-demo',
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
  });

  it('is created before lifecycle-step, which sends with it', () => {
    const stepId = functionId(template, 'lifecycle-step');
    const setId = Object.keys(resourcesOf(template, 'AWS::SES::ConfigurationSet'))[0];
    const dependsOn = (template.toJSON().Resources[stepId].DependsOn ?? []) as string[];
    expect(dependsOn).toContain(setId);
  });
});

describe('mail feedback topic', () => {
  it('is KMS-encrypted and TLS-only, and only SES publishes to it, for this configuration set', () => {
    const [topicId, topic] = feedbackTopic();
    const keyId = (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const key = resourcesOf(template, 'AWS::KMS::Key')[keyId];
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    const forThisSet = {
      StringEquals: {
        'aws:SourceAccount': { Ref: 'AWS::AccountId' },
        'aws:SourceArn': Match.anyValue(),
      },
    };
    expect(JSON.stringify(key?.Properties.KeyPolicy)).toContain(':configuration-set/leadflow-demo');
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'ses.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: forThisSet,
          }),
        ]),
      }),
    });
    const policy = Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy')).find((p) =>
      JSON.stringify(p.Properties.Topics).includes(topicId),
    );
    if (!policy) throw new Error('no topic policy for the feedback topic');
    const statements = (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> })
      .Statement;
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'ses.amazonaws.com' },
          Action: 'sns:Publish',
        }),
      ]),
    );
    const setId = Object.keys(resourcesOf(template, 'AWS::SES::ConfigurationSet'))[0];
    expect(JSON.stringify(statements)).toContain(`":configuration-set/",{"Ref":"${setId}"}`);
  });

  it('delivers to the ses-feedback function, and to nothing else', () => {
    const [topicId] = feedbackTopic();
    const subscriptions = Object.values(resourcesOf(template, 'AWS::SNS::Subscription'))
      .map((s) => s.Properties)
      .filter((s) => JSON.stringify(s.TopicArn).includes(topicId));
    expect(subscriptions).toEqual([
      expect.objectContaining({
        Protocol: 'lambda',
        Endpoint: { 'Fn::GetAtt': [functionId(template, 'ses-feedback'), 'Arn'] },
      }),
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId(template, 'ses-feedback'), 'Arn'] },
      Principal: 'sns.amazonaws.com',
      SourceArn: { Ref: topicId },
    });
  });
});

describe('action link key (emea: in SSM)', () => {
  let emea: TestStack;
  beforeAll(async () => {
    emea = buildStack(await loadBusinessUnitConfig('emea'));
  });

  it('is read by lifecycle-step and scorecard-mail (sign) and lead-actions (verifies), exactly that parameter', () => {
    for (const handler of ['lifecycle-step', 'scorecard-mail', 'lead-actions'] as const) {
      const ssm = statementsOf(emea.template, handler).filter((s) => s.Action.includes('ssm:GetParameter'));
      expect(ssm, handler).toHaveLength(1);
      expect(JSON.stringify(ssm[0]?.Resource)).toContain(':parameter/leadflow/emea/action-link-key"');
    }
    for (const handler of ['complete-wait', 'get-lead', 'ses-feedback'] as const)
      expect(actionsOf(statementsOf(emea.template, handler)).filter((a) => /^(ssm|kms):/.test(a))).toEqual(
        [],
      );
  });

  it('is not granted to anyone in a unit without a key (demo)', () => {
    for (const handler of ['lifecycle-step', 'scorecard-mail', 'lead-actions'] as const)
      expect(actionsOf(statementsOf(template, handler)).filter((a) => /^(ssm|kms):/.test(a))).toEqual([]);
  });
});
