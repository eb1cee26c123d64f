/** The demo unit's stack: one synth shared by every assertion in this file. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBusinessUnitConfig } from '../../config/load.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { archivedSources } from '../../infra/constructs/events.ts';
import {
  HANDLER_METADATA_KEY,
  HANDLER_NAMES,
  leadflowBundling,
  UNIT_CONFIG_DEFINE,
} from '../../infra/constructs/leadflow-function.ts';
import { toRetentionDays } from '../../infra/constructs/log-group.ts';
import { EVENT_ROUTES } from '../../workflows/event-routes.ts';
import {
  actionsOf,
  buildStack,
  functionId,
  functionProperties,
  logicalIdOf,
  nagFindings,
  resourcesOf,
  statementsOf,
  type TestStack,
} from './helpers.ts';

let config: BusinessUnitConfig;
let built: TestStack;
let template: Template;
let stateMachineId: string;

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

beforeAll(async () => {
  config = await loadBusinessUnitConfig('demo');
  built = buildStack(config);
  template = built.template;
  stateMachineId = logicalIdOf(template, 'AWS::StepFunctions::StateMachine');
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

describe('api', () => {
  const route = (key: string) =>
    Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).find(
      (r) => r.Properties.RouteKey === key,
    )?.Properties;
  const integrationFunction = (key: string) => {
    const target = JSON.stringify(route(key)?.Target);
    const integration = Object.entries(resourcesOf(template, 'AWS::ApiGatewayV2::Integration')).find(
      ([iid]) => target.includes(iid),
    )?.[1];
    if (!integration) throw new Error(`no integration for ${key}`);
    return (integration.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  };

  it('is an HTTP API with exactly the two lead routes on the right functions', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
    expect(integrationFunction('POST /leads')).toBe(functionId(template, 'capture-lead'));
    expect(integrationFunction('GET /leads/{id}')).toBe(functionId(template, 'get-lead'));
  });

  it('protects GET /leads/{id} with the JWT authorizer and leaves POST /leads public', () => {
    const authorizer = logicalIdOf(template, 'AWS::ApiGatewayV2::Authorizer');
    expect(route('GET /leads/{id}')).toMatchObject({
      AuthorizationType: 'JWT',
      AuthorizerId: { Ref: authorizer },
    });
    expect(route('POST /leads')?.AuthorizationType).toBe('NONE');
    expect(route('POST /leads')?.AuthorizerId).toBeUndefined();
  });

  it('validates Cognito tokens: issuer is the pool, audience the app client', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: logicalIdOf(template, 'AWS::Cognito::UserPoolClient') }],
        Issuer: {
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.',
              { Ref: 'AWS::Region' },
              '.amazonaws.com/',
              { Ref: logicalIdOf(template, 'AWS::Cognito::UserPool') },
            ],
          ],
        },
      },
    });
  });

  it('allows exactly the configured origins, methods and headers for CORS', () => {
    const api = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Api'))[0];
    expect(api?.Properties.CorsConfiguration).toMatchObject({
      AllowOrigins: config.capture.allowedOrigins,
      AllowMethods: ['GET', 'POST', 'OPTIONS'],
      AllowHeaders: ['content-type', 'authorization', 'idempotency-key'],
    });
  });

  it('throttles and access-logs the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 25 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiAccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    });
  });
});

describe('auth', () => {
  it('creates an invite-only user pool with strong passwords, optional TOTP MFA and threat protection', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
  });

  it('has the ops and rep groups and a secretless SRP client', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(['ops', 'rep']);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']),
      AllowedOAuthFlowsUserPoolClient: false,
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

describe('stack', () => {
  it('rounds a retention CloudWatch does not offer up to the next one it does', () => {
    expect([1, 30, 45, 100, 5000].map(toRetentionDays)).toEqual([1, 30, 60, 120, 3653]);
  });

  it('sets the unit retention on every log group', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup'));
    // 5 functions + API access logs + state machine
    expect(groups).toHaveLength(HANDLER_NAMES.length + 2);
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
    ]) {
      template.hasOutput(output, {});
    }
  });

  it('has no cdk-nag AwsSolutions findings left unacknowledged', () => {
    expect(nagFindings(built)).toEqual([]);
  });
});
