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
/** The action link routes: public, the signed token is the authorization (functions/handlers/lead-actions.ts). */
export const ACTION_ROUTE_KEYS = ['GET /actions/{token}', 'POST /actions/{token}'] as const;
/** Per action route: a person clicks a link now and then; a flood of guessed tokens is cut off early. */
export const ACTION_ROUTE_THROTTLE = { rateLimit: 5, burstLimit: 10 } as const;
/** Read-only report routes (functions/handlers/reports.ts), for ops, sales managers and (the agreement) reps. */
export const REPORT_ROUTE_PATHS = ['/agreement', '/reports/scorecard', '/reports/plan'] as const;
/** Signed inbound activity (functions/handlers/inbound-events.ts): public, the HMAC signature is the authorization. */
export const INBOUND_EVENT_ROUTE_KEYS = ['POST /events/engagement', 'POST /events/activity'] as const;
/** Per inbound route: tools post batches (up to 50 events each), not one request per event. */
export const INBOUND_EVENT_ROUTE_THROTTLE = { rateLimit: 10, burstLimit: 20 } as const;
export const CORS_ALLOW_HEADERS = ['content-type', 'authorization', 'idempotency-key'];
/** The rep API (functions/handlers/rep-api.ts), behind the authorizer. */
export const REP_ROUTE_KEYS = [
  'GET /me/leads',
  'POST /leads/{id}/touches',
  'POST /leads/{id}/accept',
  'POST /leads/{id}/reject',
  'POST /leads/{id}/outcome',
] as const;
/** The ops API (functions/handlers/ops-api.ts), behind the authorizer. */
export const OPS_ROUTE_KEYS = [
  'GET /leads',
  'GET /leads/{id}/timeline',
  'POST /leads/{id}/reassign',
  'POST /leads/{id}/sla/pause',
  'POST /leads/{id}/sla/resume',
  'GET /roster',
  'PUT /roster',
  'GET /people/{email}/export',
  'DELETE /people/{email}',
] as const;

/**
 * The leads board (functions/handlers/board.ts): a browser page, so no Authorization header
 * reaches it; the function verifies the same JWT (from its HttpOnly session cookie) against the
 * authorizer's issuer and audiences, and checks a CSRF token on every POST.
 */
export const BOARD_ROUTE_KEYS = [
  'GET /board',
  'POST /board/session',
  'POST /board/session/end',
  'POST /board/leads/{id}/{action}',
] as const;

export interface LeadflowApiProps {
  config: BusinessUnitConfig;
  /** Guards every route except the public lead capture. */
  authorizer: IHttpRouteAuthorizer;
  captureLead: IFunction;
  getLead: IFunction;
  /** GET/POST /actions/{token}. */
  leadActions: IFunction;
  /** GET /agreement, /reports/scorecard, /reports/plan. */
  reports: IFunction;
  /** POST /events/engagement and /events/activity. */
  inboundEvents: IFunction;
  /** REP_ROUTE_KEYS. */
  repApi: IFunction;
  /** OPS_ROUTE_KEYS. */
  opsApi: IFunction;
  /** BOARD_ROUTE_KEYS. Optional so a stack without the board still builds. */
  board?: IFunction;
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
    const actionRoutes = this.httpApi.addRoutes({
      path: '/actions/{token}',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('LeadActionsIntegration', props.leadActions),
    });
    cfnStage.routeSettings = {
      [CAPTURE_ROUTE_KEY]: {
        ThrottlingRateLimit: config.capture.throttle.rateLimit,
        ThrottlingBurstLimit: config.capture.throttle.burstLimit,
      },
      ...Object.fromEntries(
        ACTION_ROUTE_KEYS.map((key) => [
          key,
          {
            ThrottlingRateLimit: ACTION_ROUTE_THROTTLE.rateLimit,
            ThrottlingBurstLimit: ACTION_ROUTE_THROTTLE.burstLimit,
          },
        ]),
      ),
    };
    // Route settings name a route key: the route must exist before the stage that sets them.
    for (const route of [captureRoute, ...actionRoutes])
      if (route) cfnStage.addResourceDependency(route.node.defaultChild as CfnResource);
    this.httpApi.addRoutes({
      path: '/leads/{id}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('GetLeadIntegration', props.getLead),
      authorizer: props.authorizer,
    });
    // The agreement and its reports: one read-only function behind the authorizer.
    const reports = new HttpLambdaIntegration('ReportsIntegration', props.reports);
    for (const path of REPORT_ROUTE_PATHS)
      this.httpApi.addRoutes({
        path,
        methods: [HttpMethod.GET],
        integration: reports,
        authorizer: props.authorizer,
      });
    this.addInboundEventRoutes(props.inboundEvents, cfnStage);
    for (const [keys, fn, id] of [
      [REP_ROUTE_KEYS, props.repApi, 'RepApiIntegration'],
      [OPS_ROUTE_KEYS, props.opsApi, 'OpsApiIntegration'],
    ] as const) {
      const integration = new HttpLambdaIntegration(id, fn);
      for (const key of keys) {
        const [method, path] = key.split(' ') as [keyof typeof HttpMethod, string];
        this.httpApi.addRoutes({
          path,
          methods: [HttpMethod[method]],
          integration,
          authorizer: props.authorizer,
        });
      }
    }
    if (props.board) this.addBoardRoutes(props.board);
    suppressPublicRoute(captureRoute);
    for (const route of actionRoutes)
      acknowledgeNag(
        route,
        'AwsSolutions-APIG4',
        'The action link routes are opened from rep mails without a session: the link carries a signed ' +
          '(HMAC-SHA256), expiring, single-use token bound to the lead, the rep and the hand-off, which the ' +
          'function verifies before reading anything; GET changes nothing, and both routes have their own throttle.',
      );
  }

  /** The board's routes: the function authenticates (see BOARD_ROUTE_KEYS). */
  private addBoardRoutes(board: IFunction): void {
    const integration = new HttpLambdaIntegration('BoardIntegration', board);
    for (const key of BOARD_ROUTE_KEYS) {
      const [method, path] = key.split(' ') as [keyof typeof HttpMethod, string];
      for (const route of this.httpApi.addRoutes({ path, methods: [HttpMethod[method]], integration }))
        acknowledgeNag(
          route,
          'AwsSolutions-APIG4',
          'The leads board is a browser page, which sends no Authorization header: the function verifies ' +
            "the same JWT (kept in an HttpOnly, Secure, SameSite=Strict cookie) against the authorizer's " +
            'issuer, audiences and keys, answers 401 without it, and requires a CSRF token and a same-site ' +
            'Origin on every POST.',
        );
    }
  }

  /** Server-to-server routes without a session: each request is signed, so no authorizer and no CORS use. */
  private addInboundEventRoutes(inboundEvents: IFunction, cfnStage: CfnStage): void {
    const integration = new HttpLambdaIntegration('InboundEventsIntegration', inboundEvents);
    const routes = INBOUND_EVENT_ROUTE_KEYS.flatMap((key) =>
      this.httpApi.addRoutes({ path: key.split(' ')[1]!, methods: [HttpMethod.POST], integration }),
    );
    cfnStage.routeSettings = {
      ...(cfnStage.routeSettings as Record<string, unknown>),
      ...Object.fromEntries(
        INBOUND_EVENT_ROUTE_KEYS.map((key) => [
          key,
          {
            ThrottlingRateLimit: INBOUND_EVENT_ROUTE_THROTTLE.rateLimit,
            ThrottlingBurstLimit: INBOUND_EVENT_ROUTE_THROTTLE.burstLimit,
          },
        ]),
      ),
    };
    for (const route of routes) {
      cfnStage.addResourceDependency(route.node.defaultChild as CfnResource);
      acknowledgeNag(
        route,
        'AwsSolutions-APIG4',
        'Inbound event routes are called server to server by marketing tools and CRMs without a user: every ' +
          'request is HMAC-SHA256 signed over its timestamp and body with the unit key and refused outside a ' +
          '5-minute window; each event id is put on the bus once, and both routes have their own throttle.',
      );
    }
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
