/** The demo unit's stack: the HTTP API with its routes, authorizer and CORS, and the Cognito user pool. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { synthDemoStack } from './demo-stack.ts';
import { functionId, logicalIdOf, resourcesOf } from './helpers.ts';

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
