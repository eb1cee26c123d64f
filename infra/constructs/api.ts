/**
 * The public API.
 *
 * Why an HTTP API (API Gateway v2) and not a REST API: $1.00 vs $3.50 per million requests,
 * lower added latency, and a native JWT authorizer and CORS handling, which is all Leadflow
 * needs. HTTP APIs take no WAF: form spam is handled in-app (honeypot field, minimum fill time,
 * optional Cloudflare Turnstile), the stage and capture-route throttles below cap floods, and a
 * unit that sets `capture.edgeRateLimit` gets CloudFront + WAF in front of `POST /leads`
 * (edge.ts).
 */
import { type CfnResource, Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { acknowledgeNag } from '../nag.ts';
import { createLogGroup } from './log-group.ts';

export const CAPTURE_ROUTE_KEY = 'POST /leads';
export const CORS_ALLOW_HEADERS = ['content-type', 'authorization', 'idempotency-key'];

export interface LeadflowApiProps {
  config: BusinessUnitConfig;
  /** Guards every route except the public lead capture. */
  authorizer: IHttpRouteAuthorizer;
  captureLead: IFunction;
  getLead: IFunction;
  /** Stage-wide limit for every route. @default burst 50, rate 25 requests/second */
  throttle?: ThrottleSettings;
}

export class LeadflowApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogGroup: LogGroup;
  /** Base URL of the `$default` stage, ending in `/`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: LeadflowApiProps) {
    super(scope, id);
    const { config } = props;

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: unitResourceNames(config.name).httpApi,
      description: `Leadflow API for ${config.displayName}`,
      // API Gateway answers preflights itself (no authorizer runs on OPTIONS).
      corsPreflight: {
        allowOrigins: [...config.capture.allowedOrigins],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
        allowHeaders: CORS_ALLOW_HEADERS,
        maxAge: Duration.hours(1),
      },
      // Own stage below, to set throttling and access logging.
      createDefaultStage: false,
    });

    this.accessLogGroup = createLogGroup(this, 'AccessLogs', { config });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { burstLimit: 50, rateLimit: 25 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
    this.url = this.stage.url;

    const [captureRoute] = this.httpApi.addRoutes({
      path: '/leads',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('CaptureLeadIntegration', props.captureLead),
    });
    // The public route gets its own, lower limit (capture.throttle), so a form flood is cut off
    // before it uses up the stage-wide limit the authenticated routes share.
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = {
      [CAPTURE_ROUTE_KEY]: {
        ThrottlingRateLimit: config.capture.throttle.rateLimit,
        ThrottlingBurstLimit: config.capture.throttle.burstLimit,
      },
    };
    // Route settings name a route key: the route must exist before the stage that sets them.
    if (captureRoute) cfnStage.addResourceDependency(captureRoute.node.defaultChild as CfnResource);
    this.httpApi.addRoutes({
      path: '/leads/{id}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('GetLeadIntegration', props.getLead),
      authorizer: props.authorizer,
    });
    suppressPublicRoute(captureRoute);
  }
}

function suppressPublicRoute(route: HttpRoute | undefined): void {
  if (!route) return;
  acknowledgeNag(
    route,
    'AwsSolutions-APIG4',
    'POST /leads is the public web-form endpoint and must accept anonymous visitors; abuse is limited by its ' +
      'own route throttle, the body size limit, in-app spam checks (honeypot, minimum fill time, Turnstile) ' +
      'and, where configured, the per-IP WAF rate limit at the edge.',
  );
}
