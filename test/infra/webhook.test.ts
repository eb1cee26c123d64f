/**
 * The optional outbound webhook (`events.webhook`): an EventBridge connection with the CRM's auth
 * header from Secrets Manager, an API destination at the CRM's URL, and a rule sending exactly the
 * chosen Leadflow events there, with retries and the bus's dead-letter queue. Without the config,
 * none of it exists.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import demo from '../../config/business-units/demo.ts';
import { synthDemoStack } from './demo-stack.ts';
import { buildStack, logicalIdOf, nagFindings, resourcesOf, type TestStack, unitConfig } from './helpers.ts';

const config = unitConfig(demo, (raw) => {
  raw.events = {
    webhook: {
      url: 'https://crm.example.com/hooks/leadflow',
      detailTypes: ['LeadAssigned', 'LeadConverted'],
      auth: { header: 'x-api-key', secretName: 'leadflow/demo/crm-webhook' },
    },
  };
});

let built: TestStack;
let template: Template;
beforeAll(() => {
  built = buildStack(config);
  template = built.template;
});

describe('with events.webhook', () => {
  it('keeps the auth header in an EventBridge connection, read from Secrets Manager', () => {
    template.hasResourceProperties('AWS::Events::Connection', {
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: {
          ApiKeyName: 'x-api-key',
          ApiKeyValue: Match.stringLikeRegexp('resolve:secretsmanager:leadflow/demo/crm-webhook'),
        },
      },
    });
  });

  it('posts to the CRM URL through an API destination on that connection, rate limited', () => {
    template.hasResourceProperties('AWS::Events::ApiDestination', {
      ConnectionArn: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Events::Connection'), 'Arn'] },
      InvocationEndpoint: 'https://crm.example.com/hooks/leadflow',
      HttpMethod: 'POST',
      InvocationRateLimitPerSecond: 10,
    });
  });

  it('sends exactly the chosen Leadflow events, with retries and the dead-letter queue', () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties.Targets).includes(logicalIdOf(template, 'AWS::Events::ApiDestination')),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties.EventPattern).toEqual({
      source: ['leadflow'],
      'detail-type': ['LeadAssigned', 'LeadConverted'],
    });
    const [target] = rules[0]!.Properties.Targets as Array<Record<string, unknown>>;
    expect(target).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
      DeadLetterConfig: { Arn: expect.anything() },
    });
  });

  it('adds no cdk-nag finding of its own (the rest of the stack: stack-logs-outputs-and-nag)', () => {
    expect(nagFindings(built).filter((f) => f.includes('/Webhook/'))).toEqual([]);
  });

  it('refuses a webhook that is not https or names no event', () => {
    expect(() =>
      unitConfig(demo, (raw) => {
        raw.events = {
          webhook: {
            url: 'http://crm.example.com',
            detailTypes: ['LeadAssigned'],
            auth: { secretName: 's' },
          },
        };
      }),
    ).toThrow(/url/);
    expect(() =>
      unitConfig(demo, (raw) => {
        raw.events = {
          webhook: { url: 'https://crm.example.com', detailTypes: [], auth: { secretName: 's' } },
        };
      }),
    ).toThrow(/detailTypes/);
  });
});

describe('without events.webhook', () => {
  it('has no connection, API destination or webhook rule', async () => {
    const { template: plain } = await synthDemoStack();
    expect(resourcesOf(plain, 'AWS::Events::Connection')).toEqual({});
    expect(resourcesOf(plain, 'AWS::Events::ApiDestination')).toEqual({});
  });
});
