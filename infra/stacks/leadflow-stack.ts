/** One business unit's complete Leadflow deployment. */
import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { LeadflowAlarms } from '../constructs/alarms.ts';
import { LeadflowApi } from '../constructs/api.ts';
import { LeadflowAuth } from '../constructs/auth.ts';
import { LeadflowDashboard } from '../constructs/dashboard.ts';
import { LeadflowData } from '../constructs/data.ts';
import { CaptureDistribution } from '../constructs/edge.ts';
import { LeadflowEventArchive } from '../constructs/event-archive.ts';
import { LeadflowEvents } from '../constructs/events.ts';
import { LeadflowHandlers } from '../constructs/handlers.ts';
import { ENV } from '../constructs/leadflow-function.ts';
import { MailFeedback } from '../constructs/mail-feedback.ts';
import { ReportSchedules } from '../constructs/report-schedules.ts';
import { OutboundWebhook } from '../constructs/webhook.ts';
import { LeadflowWorkflow } from '../constructs/workflow.ts';
import { acknowledgeNag } from '../nag.ts';
import type { LeadflowEdgeStack } from './edge-stack.ts';

export interface LeadflowStackProps extends StackProps {
  config: BusinessUnitConfig;
  /** The unit's us-east-1 stack with the CloudFront web ACL (`capture.edgeRateLimit`). */
  edge?: LeadflowEdgeStack;
}

export class LeadflowStack extends Stack {
  readonly config: BusinessUnitConfig;
  readonly data: LeadflowData;
  readonly events: LeadflowEvents;
  /** Lifecycle events in S3 (Firehose), a Glue table and Athena named queries for analysts. */
  readonly eventArchive: LeadflowEventArchive;
  readonly handlers: LeadflowHandlers;
  readonly auth: LeadflowAuth;
  readonly api: LeadflowApi;
  readonly workflow: LeadflowWorkflow;
  readonly mailFeedback: MailFeedback;
  /** The weekly scorecard digest and the daily pace alerts (EventBridge Scheduler). */
  readonly reportSchedules: ReportSchedules;
  readonly alarms: LeadflowAlarms;
  readonly dashboard: LeadflowDashboard;
  readonly edgeStack?: LeadflowEdgeStack;
  readonly captureEdge?: CaptureDistribution;
  /** Only when the unit configures `events.webhook`. */
  readonly webhook?: OutboundWebhook;

  constructor(scope: Construct, id: string, props: LeadflowStackProps) {
    const { config, edge, ...stackProps } = props;
    super(scope, id, {
      stackName: unitResourceNames(config.name).stack,
      description: `Leadflow lead lifecycle and SLA engine: ${config.displayName} (${config.name})`,
      ...stackProps,
    });
    this.config = config;
    Tags.of(this).add('leadflow:business-unit', config.name);

    this.data = new LeadflowData(this, 'Data');
    this.events = new LeadflowEvents(this, 'Events', { config });
    this.handlers = new LeadflowHandlers(this, 'Functions', {
      config,
      table: this.data.table,
      bus: this.events.bus,
    });
    this.auth = new LeadflowAuth(this, 'Auth', { config });
    this.api = new LeadflowApi(this, 'Api', {
      config,
      authorizer: this.auth.authorizer,
      captureLead: this.handlers.captureLead,
      getLead: this.handlers.getLead,
      leadActions: this.handlers.leadActions,
      reports: this.handlers.reports,
      inboundEvents: this.handlers.inboundEvents,
      repApi: this.handlers.repApi,
      opsApi: this.handlers.opsApi,
      board: this.handlers.board,
    });
    // The board verifies the authorizer's token itself (a browser page sends it as a cookie).
    this.handlers.board
      .addEnvironment(ENV.authIssuer, this.auth.issuer)
      .addEnvironment(ENV.authAudience, this.auth.audience.join(','))
      .addEnvironment(ENV.authJwksUrl, `${this.auth.issuer.replace(/\/$/, '')}/.well-known/jwks.json`);
    // Rep mails link to the API's /actions/{token} (or to the unit's own `actions.baseUrl`).
    const actionsBaseUrl = config.actions.baseUrl ?? this.api.url;
    this.handlers.lifecycleStep.addEnvironment(ENV.actionsBaseUrl, actionsBaseUrl);
    this.handlers.scorecardMail.addEnvironment(ENV.actionsBaseUrl, actionsBaseUrl);
    this.mailFeedback = new MailFeedback(this, 'MailFeedback', {
      config,
      sesFeedback: this.handlers.sesFeedback,
    });
    // Mail names the configuration set: it exists before the function that sends.
    this.handlers.lifecycleStep.node.addDependency(this.mailFeedback.configurationSet);
    this.handlers.scorecardMail.node.addDependency(this.mailFeedback.configurationSet);
    this.reportSchedules = new ReportSchedules(this, 'ReportSchedules', {
      config,
      scorecardMail: this.handlers.scorecardMail,
    });
    this.workflow = new LeadflowWorkflow(this, 'Workflow', {
      config,
      lifecycleStep: this.handlers.lifecycleStep,
    });
    this.handlers.bindWorkflow(this.workflow.stateMachine);
    this.events.routeTo({
      'start-lifecycle': this.handlers.startLifecycle,
      'complete-wait': this.handlers.completeWait,
      'record-metrics': this.handlers.recordMetrics,
    });
    this.eventArchive = new LeadflowEventArchive(this, 'EventArchive', { config });
    this.events.streamTo({ 'event-archive': this.eventArchive.deliveryStream });
    if (config.events.webhook)
      this.webhook = new OutboundWebhook(this, 'Webhook', {
        webhook: config.events.webhook,
        unit: config.name,
        bus: this.events.bus,
        deadLetterQueue: this.events.deadLetterQueue,
      });
    const observed = {
      config,
      stateMachine: this.workflow.stateMachine,
      functions: this.handlers.all,
      deadLetterQueues: this.events.deadLetterQueues,
      httpApi: this.api.httpApi,
    };
    this.alarms = new LeadflowAlarms(this, 'Alarms', observed);
    this.dashboard = new LeadflowDashboard(this, 'Dashboard', { ...observed, alarms: this.alarms.alarms });

    if (edge) {
      this.edgeStack = edge;
      this.captureEdge = new CaptureDistribution(this, 'Edge', {
        config,
        httpApi: this.api.httpApi,
        webAclArn: edge.webAcl.webAcl.attrArn,
      });
      this.addStackDependency(edge, 'the capture distribution uses the edge web ACL');
    }

    acknowledgeNag(
      this.handlers,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x on purpose: bundles target node22 and local dev and tests run Node 22 (package.json ' +
        'engines); move runtime, esbuild target and engines to the next LTS together.',
    );

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    if (this.captureEdge) {
      new CfnOutput(this, 'CaptureUrl', {
        value: this.captureEdge.captureUrl,
        description: 'Where web forms post leads: CloudFront + WAF in front of POST /leads',
      });
    }
    if (this.auth.userPool && this.auth.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.auth.userPoolClient.userPoolClientId });
    }
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: unitResourceNames(config.name).dashboard });
    // The redrive command (ops/redrive.ts) finds every dead-letter queue by these outputs.
    for (const { name, queue } of this.events.deadLetterQueues) {
      new CfnOutput(this, deadLetterQueueOutputId(name), {
        value: queue.queueUrl,
        description: name.endsWith('-async')
          ? `Dead-letter queue of ${name.replace(/-async$/, '')}: Lambda on-failure records, the event at requestPayload`
          : 'Dead-letter queue of the event rule targets: each message body is the undelivered event',
      });
    }
  }
}

/** `event-targets` → `EventTargetsDeadLetterQueueUrl`: the output naming one dead-letter queue. */
export function deadLetterQueueOutputId(name: string): string {
  return `${name.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase())}DeadLetterQueueUrl`;
}
