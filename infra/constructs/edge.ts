/**
 * Abuse resistance at the edge (`capture.edgeRateLimit`): CloudFront in front of `POST /leads`
 * with an AWS WAF web ACL that blocks a source IP above the unit's rate.
 *
 * Where things live: a web ACL for CloudFront (scope CLOUDFRONT) can only be created in
 * us-east-1, so `CaptureWebAcl` sits in a small stack of its own there (`Leadflow-<unit>-edge`,
 * infra/stacks/edge-stack.ts). The distribution (a global resource) stays in the unit's stack
 * and references the web ACL across regions (CDK `crossRegionReferences`: the ARN is handed over
 * through an SSM parameter in the unit's region). No lead data is stored at the edge: no
 * caching, no CloudFront access logs, no WAF request samples.
 *
 * HTTP APIs have no resource policy, so the API's own URL stays reachable; it keeps the stage
 * and route throttles. Web forms should post to the `CaptureUrl` output.
 */
import { Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { acknowledgeNag } from '../nag.ts';

/** The only path the distribution forwards (the capture route, `POST /leads`, and its preflight). */
export const CAPTURE_PATH = '/leads';
/** CloudFront-scoped web ACLs exist only in us-east-1. */
export const EDGE_REGION = 'us-east-1';

export interface CaptureWebAclProps {
  config: BusinessUnitConfig;
  requestsPer5Minutes: number;
}

export class CaptureWebAcl extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: CaptureWebAclProps) {
    super(scope, id);
    const name = unitResourceNames(props.config.name).webAcl;
    // Metrics only: sampled requests would keep visitors' IPs and headers in us-east-1.
    const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: false,
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name,
      description: `Leadflow ${props.config.name}: POST ${CAPTURE_PATH} rate limit per source IP`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(name),
      rules: [
        {
          // The distribution fronts the capture route only: GET /leads/{id} is not exposed here.
          name: 'CaptureRouteOnly',
          priority: 0,
          action: { block: {} },
          statement: {
            notStatement: {
              statement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'EXACTLY',
                  searchString: CAPTURE_PATH,
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          visibilityConfig: visibility(`${name}-route`),
        },
        {
          name: 'RateLimitPerIp',
          priority: 1,
          action: { block: { customResponse: { responseCode: 429 } } },
          statement: {
            rateBasedStatement: {
              limit: props.requestsPer5Minutes,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
            },
          },
          visibilityConfig: visibility(`${name}-rate`),
        },
      ],
    });
  }
}

export interface CaptureDistributionProps {
  config: BusinessUnitConfig;
  httpApi: IHttpApi;
  /** ARN of the CLOUDFRONT-scoped web ACL (from the unit's edge stack). */
  webAclArn: string;
}

export class CaptureDistribution extends Construct {
  readonly distribution: Distribution;
  /** Where web forms post: `https://<distribution>/leads`. */
  readonly captureUrl: string;

  constructor(scope: Construct, id: string, props: CaptureDistributionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const apiDomain = `${props.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Leadflow ${props.config.name}: POST ${CAPTURE_PATH} behind AWS WAF`,
      webAclId: props.webAclArn,
      defaultBehavior: {
        origin: new HttpOrigin(apiDomain, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [OriginSslPolicy.TLS_V1_2],
        }),
        // POST for the form, OPTIONS for the CORS preflight API Gateway answers.
        allowedMethods: AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        // API Gateway routes by its own Host name: forward everything else the browser sent.
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
    });
    this.captureUrl = `https://${this.distribution.distributionDomainName}${CAPTURE_PATH}`;

    acknowledgeNag(
      this.distribution,
      'AwsSolutions-CFR1',
      'Lead forms are public and worldwide by design; abuse is limited per source IP by the WAF rate rule.',
    );
    acknowledgeNag(
      this.distribution,
      'AwsSolutions-CFR3',
      'No CloudFront access logs: every forwarded request is already in the API access log (in the unit region), ' +
        'blocked ones are counted in WAF metrics, and a log bucket would be one more store of visitor IPs.',
    );
    acknowledgeNag(
      this.distribution,
      'AwsSolutions-CFR4',
      'Served on the default *.cloudfront.net certificate, whose viewer TLS policy cannot be raised; a unit ' +
        'with its own domain and ACM certificate should add them with a TLSv1.2_2021 minimum.',
    );
  }
}
