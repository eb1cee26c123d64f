/** The demo unit's stack: the functions and the exact permissions of their roles. */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { TABLE_ACCESS } from '../../infra/constructs/handlers.ts';
import {
  HANDLER_METADATA_KEY,
  HANDLER_NAMES,
  type HandlerName,
  LeadflowFunction,
  leadflowBundling,
  UNIT_CONFIG_DEFINE,
} from '../../infra/constructs/leadflow-function.ts';
import { createLeadflowApp } from '../../infra/leadflow-app.ts';
import { synthDemoStack } from './demo-stack.ts';
import {
  functionId,
  functionProperties,
  logicalIdOf,
  type Permission,
  permissionsOf,
  resourcesOf,
  sortedPermissions,
  statementsOf,
} from './helpers.ts';

let config: BusinessUnitConfig;
let template: Template;
let stateMachineId: string;

beforeAll(async () => {
  ({ config, template, stateMachineId } = await synthDemoStack());
});

describe('functions', () => {
  it('are exactly the handlers, on nodejs22.x / arm64 with the house defaults', () => {
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
          },
        },
      });
    }
  });

  it('get TABLE_NAME exactly where they use the table: every function but start-lifecycle', () => {
    const table = { Ref: logicalIdOf(template, 'AWS::DynamoDB::Table') };
    for (const handler of HANDLER_NAMES) {
      const variables = (functionProperties(template, handler).Environment as { Variables: object })
        .Variables;
      if (handler === 'start-lifecycle') expect(variables).not.toHaveProperty('TABLE_NAME');
      else expect(variables).toHaveProperty('TABLE_NAME', table);
    }
  });

  it('bundle as minified ESM for node22 with a require shim and the validated config baked in', () => {
    const bundling = leadflowBundling(config);
    expect(bundling).toMatchObject({
      format: 'esm',
      target: 'node22',
      minify: true,
      sourceMap: true,
      // The map is parsed at every cold start (--enable-source-maps): mappings only.
      sourcesContent: false,
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
    expect(env('lead-actions').EVENT_BUS_NAME).toEqual(bus);
    expect(env('lead-actions').SES_SENDER).toBeUndefined();
    expect(env('ses-feedback').EVENT_BUS_NAME).toBeUndefined();
    expect(env('board').EVENT_BUS_NAME).toEqual(bus);
  });

  it('give the board the authorizer’s issuer, audience and keys to verify its session token', () => {
    const env = (functionProperties(template, 'board').Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(env.AUTH_ISSUER).toBeDefined();
    expect(env.AUTH_AUDIENCE).toBeDefined();
    expect(JSON.stringify(env.AUTH_JWKS_URL)).toContain('/.well-known/jwks.json');
    expect(env.AUTH_JWKS).toBeUndefined();
  });

  it.each(['lifecycle-step', 'scorecard-mail'] as const)(
    'give %s the SES configuration set and the base URL of the action links (the API)',
    (handler) => {
      const env = (
        functionProperties(template, handler).Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(env.SES_CONFIGURATION_SET).toBe('leadflow-demo');
      expect(env.ACTIONS_BASE_URL).toEqual({
        'Fn::Join': [
          '',
          [
            'https://',
            { Ref: logicalIdOf(template, 'AWS::ApiGatewayV2::Api') },
            '.execute-api.eu-central-1.',
            { Ref: 'AWS::URLSuffix' },
            '/',
          ],
        ],
      });
    },
  );
});

describe('least privilege', () => {
  const on = (resource: unknown, ...actions: string[]): Permission[] =>
    actions.map((action) => ({ action, resource }));
  const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
  const inUnitRegion = (service: string, resource: string) => ({
    'Fn::Join': ['', [`arn:aws:${service}:eu-central-1:`, { Ref: 'AWS::AccountId' }, `:${resource}`]],
  });
  /** The function's own log group (from its LoggingConfig). */
  const logGroupOf = (handler: HandlerName) =>
    (functionProperties(template, handler).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
  /** The queue its asynchronous invocations fail to (from its EventInvokeConfig). */
  const asyncFailuresOf = (handler: HandlerName) => {
    const configs = Object.values(resourcesOf(template, 'AWS::Lambda::EventInvokeConfig')).filter(
      (c) => (c.Properties.FunctionName as { Ref?: string }).Ref === functionId(template, handler),
    );
    expect(configs).toHaveLength(1);
    const destination = configs[0]?.Properties.DestinationConfig as
      | { OnFailure: { Destination: unknown } }
      | undefined;
    return destination?.OnFailure.Destination;
  };

  /** The executions of the state machine (StopExecution's resource), as CDK's grantExecution spells it. */
  const executionsOf = (stateMachineId: string): unknown => ({
    'Fn::Join': [
      '',
      [
        'arn:aws:states:eu-central-1:',
        { Ref: 'AWS::AccountId' },
        ':execution:',
        { 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: stateMachineId }] }] },
        ':*',
      ],
    ],
  });

  /** What each role may do, in full: any extra or missing action or resource fails. */
  const expected = (handler: HandlerName): Permission[] => {
    const table = arn(logicalIdOf(template, 'AWS::DynamoDB::Table'));
    const bus = arn(logicalIdOf(template, 'AWS::Events::EventBus'));
    const logs = on(arn(logGroupOf(handler)), 'logs:CreateLogStream', 'logs:PutLogEvents');
    const lifecycleByName = inUnitRegion('states', 'stateMachine:leadflow-demo-lifecycle');
    const byHandler: Record<HandlerName, Permission[]> = {
      'capture-lead': [
        ...on(table, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'),
        ...on(bus, 'events:PutEvents'),
      ],
      'get-lead': on(table, 'dynamodb:GetItem', 'dynamodb:Query'),
      'start-lifecycle': [
        ...on({ Ref: stateMachineId }, 'states:StartExecution'),
        ...on(asyncFailuresOf('start-lifecycle'), 'sqs:SendMessage'),
      ],
      'lifecycle-step': [
        ...on(
          table,
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
          'dynamodb:BatchGetItem',
        ),
        ...on(bus, 'events:PutEvents'),
        ...on(inUnitRegion('ses', `identity/${config.email.sender}`), 'ses:SendEmail'),
        ...on(inUnitRegion('ses', 'identity/demo.example.com'), 'ses:SendEmail'),
        ...on(inUnitRegion('ses', 'configuration-set/leadflow-demo'), 'ses:SendEmail'),
        ...on(lifecycleByName, 'states:SendTaskSuccess', 'states:StartExecution'),
      ],
      'complete-wait': [
        ...on(table, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'),
        ...on(bus, 'events:PutEvents'),
        ...on({ Ref: stateMachineId }, 'states:SendTaskSuccess'),
        ...on(asyncFailuresOf('complete-wait'), 'sqs:SendMessage'),
      ],
      // Behind the API (synchronous): no async failure queue. No SSM: the demo unit has no signing key.
      'lead-actions': [
        ...on(table, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'),
        ...on(bus, 'events:PutEvents'),
        ...on({ Ref: stateMachineId }, 'states:SendTaskSuccess'),
      ],
      // Invoked by SNS: it only writes the suppression list.
      'ses-feedback': on(table, 'dynamodb:PutItem'),
      // A rule target: its facts (with their counter increments) and day index; nothing else.
      'record-metrics': [
        ...on(table, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'),
        ...on(asyncFailuresOf('record-metrics'), 'sqs:SendMessage'),
      ],
      // Behind the API: claims one item per event id, puts activity on the bus. No SSM: the demo
      // unit's inbound key is the local runtime's (an env variable).
      'inbound-events': [
        ...on(table, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'),
        ...on(bus, 'events:PutEvents'),
      ],
      // Behind the authorizer: a rep's queue (load item, leads) and activity as complete-wait does.
      'rep-api': [
        ...on(table, 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'),
        ...on(bus, 'events:PutEvents'),
        ...on({ Ref: stateMachineId }, 'states:SendTaskSuccess'),
      ],
      // Ops: search (gsi1), reassign/pause/resume (wait handshake), roster, GDPR (delete, stop).
      // bindTable grants its actions on the table and the index alike (one statement).
      'ops-api': [table, { 'Fn::Join': ['', [table, '/index/gsi1']] }]
        .flatMap((resource) =>
          on(
            resource,
            'dynamodb:GetItem',
            'dynamodb:Query',
            'dynamodb:BatchGetItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
          ),
        )
        .concat([
          ...on({ Ref: stateMachineId }, 'states:SendTaskSuccess'),
          ...on(executionsOf(stateMachineId), 'states:StopExecution'),
        ]),
      // The board: the rep API's calls and the ops API's search, reassign and pause (no GDPR).
      board: [table, { 'Fn::Join': ['', [table, '/index/gsi1']] }]
        .flatMap((resource) =>
          on(
            resource,
            'dynamodb:GetItem',
            'dynamodb:Query',
            'dynamodb:BatchGetItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
          ),
        )
        .concat([...on(bus, 'events:PutEvents'), ...on({ Ref: stateMachineId }, 'states:SendTaskSuccess')]),
      // Read-only: the metrics day index names the leads, their facts are read in batches.
      reports: on(table, 'dynamodb:Query', 'dynamodb:BatchGetItem'),
      // Scheduled: reads as reports does, keeps its outbox (UpdateItem), mails as the sender only;
      // the rep digest reads the roster and rep loads (GetItem) and their leads (BatchGetItem).
      // No SSM: the demo unit has no signing key.
      'scorecard-mail': [
        ...on(table, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'),
        ...on(inUnitRegion('ses', `identity/${config.email.sender}`), 'ses:SendEmail'),
        ...on(inUnitRegion('ses', 'identity/demo.example.com'), 'ses:SendEmail'),
        ...on(inUnitRegion('ses', 'configuration-set/leadflow-demo'), 'ses:SendEmail'),
      ],
    };
    return sortedPermissions([...logs, ...byHandler[handler]]);
  };

  for (const handler of HANDLER_NAMES) {
    it(`${handler} may do exactly what its code calls, on exactly those resources`, () => {
      expect(permissionsOf(template, handler)).toEqual(expected(handler));
      expect(statementsOf(template, handler).every((s) => s.Effect === 'Allow')).toBe(true);
    });
  }

  it('TABLE_ACCESS states the DynamoDB actions per function, on the table (and gsi1 where it is queried)', () => {
    expect(TABLE_ACCESS).toEqual({
      'capture-lead': {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      },
      'get-lead': { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
      'start-lifecycle': null,
      'lifecycle-step': {
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
          'dynamodb:BatchGetItem',
        ],
      },
      'complete-wait': {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      },
      'lead-actions': { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
      'ses-feedback': { actions: ['dynamodb:PutItem'] },
      reports: { actions: ['dynamodb:Query', 'dynamodb:BatchGetItem'] },
      'inbound-events': {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      },
      'rep-api': {
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      },
      'ops-api': {
        actions: [
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:BatchGetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
        ],
        index: 'gsi1',
      },
      'record-metrics': { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
      'scorecard-mail': {
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
      },
      board: {
        actions: [
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:BatchGetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ],
        index: 'gsi1',
      },
    });
  });

  it('lifecycle-step may send email only as the configured sender', () => {
    const ses = statementsOf(template, 'lifecycle-step').filter((s) =>
      s.Action.some((a) => a.startsWith('ses:')),
    );
    expect(ses).toHaveLength(1);
    expect(ses[0]?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': config.email.sender } });
  });
});

describe('bindTable', () => {
  const build = () => {
    const app = createLeadflowApp({ skipBundling: true, cloudFormationValidation: false });
    const stack = new Stack(app, 'BindTable');
    const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    const fn = new LeadflowFunction(stack, 'Fn', { config, handler: 'get-lead' });
    return { stack, table, fn };
  };

  it('adds the one index a function queries, and nothing else', () => {
    const { stack, table, fn } = build();
    fn.bindTable(table, ['dynamodb:Query'], { index: 'gsi1' });
    const tableArn = { 'Fn::GetAtt': [stack.getLogicalId(table.node.defaultChild as never), 'Arn'] };
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'dynamodb:Query',
            Resource: [tableArn, { 'Fn::Join': ['', [tableArn, '/index/gsi1']] }],
          },
        ]),
      },
    });
  });

  it('refuses an index without Query, and an empty action list', () => {
    const { table, fn } = build();
    expect(() => fn.bindTable(table, ['dynamodb:GetItem'], { index: 'gsi1' })).toThrow(
      /only for dynamodb:Query/,
    );
    expect(() => fn.bindTable(table, [])).toThrow(/at least one action/);
  });
});
