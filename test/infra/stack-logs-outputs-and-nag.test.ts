/** The demo unit's stack as a whole: log retention, its name and outputs, and cdk-nag. */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { HANDLER_NAMES } from '../../infra/constructs/leadflow-function.ts';
import { toRetentionDays } from '../../infra/constructs/log-group.ts';
import { synthDemoStack } from './demo-stack.ts';
import { nagFindings, resourcesOf, type TestStack } from './helpers.ts';

let config: BusinessUnitConfig;
let built: TestStack;
let template: Template;

beforeAll(async () => {
  ({ config, built, template } = await synthDemoStack());
});

describe('stack', () => {
  it('rounds a retention CloudWatch does not offer up to the next one it does', () => {
    expect([1, 30, 45, 100, 5000].map(toRetentionDays)).toEqual([1, 30, 60, 120, 3653]);
  });

  it('sets the unit retention on every log group', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup'));
    // 5 functions + API access logs + state machine + event archive delivery (Firehose)
    expect(groups).toHaveLength(HANDLER_NAMES.length + 3);
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(config.logRetentionDays);
  });

  it('is named after the unit and exports what deployers and the ops console need', () => {
    expect(built.stack.stackName).toBe('Leadflow-demo');
    for (const output of [
      'ApiUrl',
      'UserPoolId',
      'UserPoolClientId',
      'TableName',
      'EventBusName',
      'StateMachineArn',
      'AlarmTopicArn',
      'DashboardName',
    ]) {
      template.hasOutput(output, {});
    }
  });

  it('has no cdk-nag AwsSolutions findings left unacknowledged', () => {
    expect(nagFindings(built)).toEqual([]);
  });
});
