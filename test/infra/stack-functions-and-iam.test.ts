/** The demo unit's stack: the five functions and the least privilege of their roles. */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import {
  HANDLER_METADATA_KEY,
  HANDLER_NAMES,
  leadflowBundling,
  UNIT_CONFIG_DEFINE,
} from '../../infra/constructs/leadflow-function.ts';
import { synthDemoStack } from './demo-stack.ts';
import { actionsOf, functionProperties, logicalIdOf, resourcesOf, statementsOf } from './helpers.ts';

let config: BusinessUnitConfig;
let template: Template;
let stateMachineId: string;

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

beforeAll(async () => {
  ({ config, template, stateMachineId } = await synthDemoStack());
});

describe('functions', () => {
  it('are exactly the five handlers, on nodejs22.x / arm64 with the house defaults', () => {
    const fns = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
    expect(fns.map((f) => f.Metadata?.[HANDLER_METADATA_KEY]).sort()).toEqual([...HANDLER_NAMES].sort());
    for (const fn of fns) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: 10,
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        Environment: {
          Variables: {
            BUSINESS_UNIT: 'demo',
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_SERVICE_NAME: 'leadflow',
            TABLE_NAME: { Ref: logicalIdOf(template, 'AWS::DynamoDB::Table') },
          },
        },
      });
    }
  });

  it('bundle as minified ESM for node22 with a require shim and the validated config baked in', () => {
    const bundling = leadflowBundling(config);
    expect(bundling).toMatchObject({
      format: 'esm',
      target: 'node22',
      minify: true,
      sourceMap: true,
      mainFields: ['module', 'main'],
    });
    expect(bundling.banner).toContain('createRequire(import.meta.url)');
    const define = bundling.define?.[UNIT_CONFIG_DEFINE];
    // The define is a JS string literal whose value is the config JSON.
    expect(JSON.parse(JSON.parse(define ?? '""') as string)).toEqual(config);
  });

  it('use their own roles, with no AWS managed policy (logs:* on *)', () => {
    const lambdaRoles = Object.values(resourcesOf(template, 'AWS::IAM::Role')).filter((r) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('lambda.amazonaws.com'),
    );
    expect(lambdaRoles).toHaveLength(HANDLER_NAMES.length);
    for (const role of lambdaRoles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('get the event bus and SES sender only where they publish or send', () => {
    const env = (h: (typeof HANDLER_NAMES)[number]) =>
      (functionProperties(template, h).Environment as { Variables: Record<string, unknown> }).Variables;
    const bus = { Ref: logicalIdOf(template, 'AWS::Events::EventBus') };
    expect(env('capture-lead').EVENT_BUS_NAME).toEqual(bus);
    expect(env('lifecycle-step')).toMatchObject({ EVENT_BUS_NAME: bus, SES_SENDER: config.email.sender });
    expect(env('start-lifecycle').STATE_MACHINE_ARN).toEqual({ Ref: stateMachineId });
    expect(env('complete-wait').EVENT_BUS_NAME).toEqual(bus);
    expect(env('get-lead').EVENT_BUS_NAME).toBeUndefined();
    expect(env('start-lifecycle').EVENT_BUS_NAME).toBeUndefined();
    expect(env('get-lead').SES_SENDER).toBeUndefined();
  });
});

describe('least privilege', () => {
  it('get-lead can only read the table', () => {
    const actions = actionsOf(statementsOf(template, 'get-lead'));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    for (const write of WRITE_ACTIONS) expect(actions).not.toContain(write);
    expect(actions.filter((a) => !a.startsWith('dynamodb:') && !a.startsWith('logs:'))).toEqual([]);
  });

  it('complete-wait can answer task tokens only on the lifecycle state machine, and not start executions', () => {
    const statements = statementsOf(template, 'complete-wait');
    const taskResponse = statements.filter((s) => s.Action.some((a) => a.startsWith('states:')));
    expect(taskResponse.flatMap((s) => s.Action).sort()).toEqual([
      'states:SendTaskFailure',
      'states:SendTaskHeartbeat',
      'states:SendTaskSuccess',
    ]);
    for (const s of taskResponse) expect(s.Resource).toEqual([{ Ref: stateMachineId }]);
  });

  it('start-lifecycle can start executions of the lifecycle state machine only', () => {
    const start = statementsOf(template, 'start-lifecycle').filter((s) =>
      s.Action.includes('states:StartExecution'),
    );
    expect(start).toHaveLength(1);
    expect(start[0]?.Resource).toEqual([{ Ref: stateMachineId }]);
  });

  it('lifecycle-step may send email only as the configured sender', () => {
    const ses = statementsOf(template, 'lifecycle-step').filter((s) =>
      s.Action.some((a) => a.startsWith('ses:')),
    );
    expect(ses).toHaveLength(1);
    expect(ses[0]?.Action.sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    expect(ses[0]?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': config.email.sender } });
    expect(JSON.stringify(ses[0]?.Resource)).toContain(`:identity/${config.email.sender}`);
  });

  it('lifecycle-step may answer task tokens of, and continue-as-new in, its own state machine only (by name: a Ref would be a cycle)', () => {
    const states = statementsOf(template, 'lifecycle-step').filter((s) =>
      s.Action.some((a) => a.startsWith('states:')),
    );
    expect(states.flatMap((s) => s.Action).sort()).toEqual([
      'states:SendTaskFailure',
      'states:SendTaskHeartbeat',
      'states:SendTaskSuccess',
      'states:StartExecution',
    ]);
    for (const statement of states) {
      expect(JSON.stringify(statement.Resource)).toMatch(/:stateMachine:leadflow-demo-lifecycle"\]\]}\]?$/);
    }
  });

  it('only the publishing functions may put events, and only on the unit bus', () => {
    const bus = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Events::EventBus'), 'Arn'] };
    const publishers = ['capture-lead', 'lifecycle-step', 'complete-wait'];
    for (const handler of HANDLER_NAMES) {
      const put = statementsOf(template, handler).filter((s) => s.Action.includes('events:PutEvents'));
      if (publishers.includes(handler)) expect(put.map((s) => s.Resource)).toEqual([[bus]]);
      else expect(put).toEqual([]);
    }
  });

  it('demo (no Turnstile via SSM) grants no SSM or KMS access', () => {
    expect(actionsOf(statementsOf(template, 'capture-lead')).filter((a) => /^(ssm|kms):/.test(a))).toEqual(
      [],
    );
  });
});
