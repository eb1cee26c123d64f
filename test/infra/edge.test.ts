/** capture.edgeRateLimit: CloudFront + a us-east-1 WAF web ACL in front of POST /leads. */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import demoRaw from '../../config/business-units/demo.ts';
import emeaRaw from '../../config/business-units/emea.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { addBusinessUnitStack, createLeadflowApp } from '../../infra/leadflow-app.ts';
import { applyNagChecks } from '../../infra/nag.ts';
import type { LeadflowStack } from '../../infra/stacks/leadflow-stack.ts';
import { synthesizeBusinessUnit } from '../../infra/synth.ts';
import { buildStack, logicalIdOf, nagFindings, resourcesOf, unitConfig } from './helpers.ts';

const app = () => createLeadflowApp({ skipBundling: true, cloudFormationValidation: false });

describe('a unit with capture.edgeRateLimit (emea, eu-west-1)', () => {
  let config: BusinessUnitConfig;
  let stack: LeadflowStack;
  let main: Template;
  let edge: Template;

  beforeAll(() => {
    config = unitConfig(emeaRaw, (raw) => {
      raw.capture.edgeRateLimit = { requestsPer5Minutes: 300 };
    });
    const a = app();
    stack = addBusinessUnitStack(a, config);
    if (!stack.edgeStack) throw new Error('no edge stack');
    main = Template.fromStack(stack);
    edge = Template.fromStack(stack.edgeStack);
  });

  it('puts the CLOUDFRONT web ACL in Leadflow-<unit>-edge in us-east-1, deployed before the unit stack', () => {
    expect(stack.edgeStack?.stackName).toBe('Leadflow-emea-edge');
    expect(stack.edgeStack?.region).toBe('us-east-1');
    expect(stack.region).toBe('eu-west-1');
    expect(stack.dependencies).toContain(stack.edgeStack);
    edge.resourceCountIs('AWS::WAFv2::WebACL', 1);
    edge.resourceCountIs('AWS::CloudFront::Distribution', 0);
    main.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('blocks a source IP above the configured requests per 5 minutes, with 429', () => {
    edge.hasResourceProperties('AWS::WAFv2::WebACL', {
      Name: 'leadflow-emea-capture',
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        Match.objectLike({
          Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
          Statement: {
            RateBasedStatement: { Limit: 300, AggregateKeyType: 'IP', EvaluationWindowSec: 300 },
          },
        }),
      ]),
    });
  });

  it('forwards only the capture path (GET /leads/{id} is not exposed at the edge)', () => {
    edge.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Priority: 0,
          Action: { Block: {} },
          Statement: {
            NotStatement: {
              Statement: {
                ByteMatchStatement: Match.objectLike({
                  FieldToMatch: { UriPath: {} },
                  PositionalConstraint: 'EXACTLY',
                  SearchString: '/leads',
                }),
              },
            },
          },
        }),
      ]),
    });
  });

  it('fronts the HTTP API with an uncached HTTPS-only distribution that uses the web ACL', () => {
    main.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        // The ARN arrives from us-east-1 through CDK's cross-region export reader.
        WebACLId: { 'Fn::GetAtt': [logicalIdOf(main, 'Custom::CrossRegionExportReader'), Match.anyValue()] },
        DefaultCacheBehavior: Match.objectLike({
          AllowedMethods: Match.arrayWith(['OPTIONS', 'POST']),
          ViewerProtocolPolicy: 'https-only',
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
          OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // AllViewerExceptHostHeader
        }),
        Origins: [
          Match.objectLike({
            DomainName: {
              'Fn::Join': [
                '',
                [
                  { Ref: logicalIdOf(main, 'AWS::ApiGatewayV2::Api') },
                  '.execute-api.eu-west-1.',
                  { Ref: 'AWS::URLSuffix' },
                ],
              ],
            },
            CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
          }),
        ],
      }),
    });
    main.hasOutput('CaptureUrl', {
      Value: {
        'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.anyValue(), 'DomainName'] }, '/leads']],
      },
    });
  });

  it('passes cdk-nag in both stacks, also as cdk synth runs it', () => {
    expect(nagFindings({ stack })).toEqual([]);
    expect(nagFindings({ stack: stack.edgeStack as Stack })).toEqual([]);
    const withChecks = app();
    const checked = addBusinessUnitStack(withChecks, config);
    applyNagChecks(withChecks);
    expect(() => withChecks.synth()).not.toThrow();
    expect(checked.edgeStack).toBeDefined();
  });
});

describe('without capture.edgeRateLimit', () => {
  it('has no distribution, no web ACL and no edge stack (demo)', () => {
    const built = buildStack(unitConfig(demoRaw, () => {}));
    expect(built.stack.edgeStack).toBeUndefined();
    built.template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    built.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(built.app.node.children.filter((c) => c instanceof Stack).map((c) => c.node.id)).toEqual([
      'Leadflow-demo',
    ]);
  });
});

describe('edge and the unit environment', () => {
  it('refuses capture.edgeRateLimit without aws.region, naming the field', () => {
    const config = unitConfig(demoRaw, (raw) => {
      delete raw.aws;
      raw.capture.edgeRateLimit = { requestsPer5Minutes: 100 };
    });
    expect(() => addBusinessUnitStack(app(), config)).toThrow(/capture\.edgeRateLimit: needs aws\.region/);
  });

  it('is left out of the local runtime view (no CloudFront there), which keeps the capture route', () => {
    const local = synthesizeBusinessUnit(
      unitConfig(demoRaw, (raw) => {
        raw.name = 'edge-local';
        raw.capture.edgeRateLimit = { requestsPer5Minutes: 100 };
      }),
    );
    const types = Object.values(local.template.Resources as Record<string, { Type: string }>).map(
      (r) => r.Type,
    );
    expect(types).not.toContain('AWS::CloudFront::Distribution');
    expect(local.httpRoutes.map((r) => r.routeKey)).toContain('POST /leads');
  });

  it('leaves the route throttle in place behind the edge', () => {
    const built = buildStack(
      unitConfig(emeaRaw, (raw) => {
        raw.capture.edgeRateLimit = { requestsPer5Minutes: 300 };
      }),
    );
    const stage = Object.values(resourcesOf(built.template, 'AWS::ApiGatewayV2::Stage'))[0];
    expect(stage?.Properties.RouteSettings).toHaveProperty('POST /leads');
  });
});
