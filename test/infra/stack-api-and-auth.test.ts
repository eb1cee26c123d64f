/** The demo unit's stack: the HTTP API with its routes, authorizer and CORS, and the Cognito user pool. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import demoRaw from '../../config/business-units/demo.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import {
  ACTION_ROUTE_KEYS,
  BOARD_ROUTE_KEYS,
  INBOUND_EVENT_ROUTE_KEYS,
  OPS_ROUTE_KEYS,
  REP_ROUTE_KEYS,
  REPORT_ROUTE_PATHS,
} from '../../infra/constructs/api.ts';
import { synthDemoStack } from './demo-stack.ts';
import { buildStack, functionId, logicalIdOf, nagFindings, resourcesOf, unitConfig } from './helpers.ts';

let config: BusinessUnitConfig;
let template: Template;

beforeAll(async () => {
  ({ config, template } = await synthDemoStack());
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

  it('is an HTTP API with exactly the declared routes, each on the right function', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    const declared = [
      'POST /leads',
      'GET /leads/{id}',
      ...ACTION_ROUTE_KEYS,
      ...REPORT_ROUTE_PATHS.map((path) => `GET ${path}`),
      ...INBOUND_EVENT_ROUTE_KEYS,
      ...REP_ROUTE_KEYS,
      ...OPS_ROUTE_KEYS,
      ...BOARD_ROUTE_KEYS,
    ];
    const routeKeys = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).map((r) =>
      String(r.Properties.RouteKey),
    );
    expect(routeKeys.sort()).toEqual([...declared].sort());
    for (const key of INBOUND_EVENT_ROUTE_KEYS)
      expect(integrationFunction(key)).toBe(functionId(template, 'inbound-events'));
    for (const key of BOARD_ROUTE_KEYS) {
      expect(integrationFunction(key), key).toBe(functionId(template, 'board'));
      // The board checks the same JWT itself (from its session cookie): no gateway authorizer.
      expect(route(key)?.AuthorizationType, key).toBe('NONE');
    }
    expect(integrationFunction('POST /leads')).toBe(functionId(template, 'capture-lead'));
    expect(integrationFunction('GET /leads/{id}')).toBe(functionId(template, 'get-lead'));
    expect(integrationFunction('GET /actions/{token}')).toBe(functionId(template, 'lead-actions'));
    expect(integrationFunction('POST /actions/{token}')).toBe(functionId(template, 'lead-actions'));
    for (const key of ['GET /agreement', 'GET /reports/scorecard', 'GET /reports/plan'])
      expect(integrationFunction(key)).toBe(functionId(template, 'reports'));
  });

  it('serves the rep and ops APIs behind the JWT authorizer, each on its own function', () => {
    for (const [keys, handler] of [
      [REP_ROUTE_KEYS, 'rep-api'],
      [OPS_ROUTE_KEYS, 'ops-api'],
    ] as const)
      for (const key of keys) {
        expect(integrationFunction(key), key).toBe(functionId(template, handler));
        expect(route(key)?.AuthorizationType, key).toBe('JWT');
      }
  });

  it('leaves the action routes without an authorizer (the signed token is the authorization), throttled on their own', () => {
    const routes = Object.entries(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).filter(([, r]) =>
      String(r.Properties.RouteKey).endsWith(' /actions/{token}'),
    );
    expect(routes).toHaveLength(2);
    for (const [, r] of routes) {
      expect(r.Properties.AuthorizationType).toBe('NONE');
      expect(r.Properties.AuthorizerId).toBeUndefined();
    }
    template.hasResource('AWS::ApiGatewayV2::Stage', {
      Properties: Match.objectLike({
        RouteSettings: {
          'GET /actions/{token}': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
          'POST /actions/{token}': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
        },
      }),
      DependsOn: Match.arrayWith(routes.map(([id]) => id)),
    });
  });

  it('routes the signed inbound event endpoints to inbound-events, without an authorizer, throttled on their own', () => {
    for (const key of ['POST /events/engagement', 'POST /events/activity']) {
      expect(integrationFunction(key)).toBe(functionId(template, 'inbound-events'));
      expect(route(key)?.AuthorizationType).toBe('NONE');
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: Match.objectLike({
        'POST /events/engagement': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
        'POST /events/activity': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      }),
    });
  });

  it('protects GET /leads/{id} and the reports with the JWT authorizer and leaves POST /leads public', () => {
    const authorizer = logicalIdOf(template, 'AWS::ApiGatewayV2::Authorizer');
    for (const key of ['GET /leads/{id}', 'GET /agreement', 'GET /reports/scorecard', 'GET /reports/plan'])
      expect(route(key)).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizer } });
    expect(route('POST /leads')?.AuthorizationType).toBe('NONE');
    expect(route('POST /leads')?.AuthorizerId).toBeUndefined();
  });

  it('validates Cognito tokens: issuer is the pool, audience the app client', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: logicalIdOf(template, 'AWS::Cognito::UserPoolClient') }],
        // The pool lives in the unit's region (aws.region: eu-central-1 for demo).
        Issuer: {
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.eu-central-1.amazonaws.com/',
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

  it('throttles POST /leads on its own, below the stage, from capture.throttle (default 10/s, burst 20)', () => {
    expect(config.capture.throttle).toEqual({ rateLimit: 10, burstLimit: 20 });
    const captureRoute = Object.entries(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).find(
      ([, r]) => r.Properties.RouteKey === 'POST /leads',
    )?.[0];
    template.hasResource('AWS::ApiGatewayV2::Stage', {
      Properties: Match.objectLike({
        RouteSettings: { 'POST /leads': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 } },
      }),
      // Route settings name the route: CloudFormation must create it first.
      DependsOn: Match.arrayWith([captureRoute]),
    });
  });

  it('takes the capture route limit from the unit config', () => {
    const built = buildStack(
      unitConfig(demoRaw, (raw) => {
        raw.capture.throttle = { rateLimit: 3, burstLimit: 7 };
      }),
    );
    built.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 25 },
      RouteSettings: { 'POST /leads': { ThrottlingRateLimit: 3, ThrottlingBurstLimit: 7 } },
    });
  });
});

describe('auth', () => {
  it('creates an invite-only user pool with strong passwords, required TOTP MFA and threat protection', () => {
    expect(config.auth.mfa).toBe('required');
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
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

  it("requires MFA by default: a unit file without auth gets auth.mfa 'required'", () => {
    const parsed = unitConfig(demoRaw, (raw) => {
      delete (raw as { auth?: unknown }).auth;
    });
    expect(parsed.auth).toEqual({ rolesClaim: 'cognito:groups', mfa: 'required' });
    expect(unitConfig(demoRaw, (raw) => Object.assign(raw, { auth: {} })).auth.mfa).toBe('required');
  });

  it("offers TOTP (never SMS) with auth.mfa 'optional', and turns MFA off with 'off'", () => {
    const optional = buildStack(
      unitConfig(demoRaw, (raw) => Object.assign(raw, { auth: { mfa: 'optional' } })),
    );
    optional.template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      SmsConfiguration: Match.absent(),
    });
    expect(nagFindings(optional)).toEqual([]);
    const off = buildStack(unitConfig(demoRaw, (raw) => Object.assign(raw, { auth: { mfa: 'off' } })));
    off.template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'OFF',
      EnabledMfas: Match.absent(),
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
