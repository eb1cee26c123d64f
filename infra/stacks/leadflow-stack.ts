/** One business unit's complete Leadflow deployment. */
import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { LeadflowApi } from '../constructs/api.ts';
import { LeadflowAuth } from '../constructs/auth.ts';
import { LeadflowData } from '../constructs/data.ts';
import { LeadflowEvents } from '../constructs/events.ts';
import { LeadflowHandlers } from '../constructs/handlers.ts';
import { LeadflowMonitoring } from '../constructs/monitoring.ts';
import { LeadflowWorkflow } from '../constructs/workflow.ts';
import { acknowledgeNag } from '../nag.ts';

export interface LeadflowStackProps extends StackProps {
  config: BusinessUnitConfig;
}

export class LeadflowStack extends Stack {
  readonly config: BusinessUnitConfig;
  readonly data: LeadflowData;
  readonly events: LeadflowEvents;
  readonly handlers: LeadflowHandlers;
  readonly auth: LeadflowAuth;
  readonly api: LeadflowApi;
  readonly workflow: LeadflowWorkflow;
  readonly monitoring: LeadflowMonitoring;

  constructor(scope: Construct, id: string, props: LeadflowStackProps) {
    const { config, ...stackProps } = props;
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
    });
    this.workflow = new LeadflowWorkflow(this, 'Workflow', {
      config,
      lifecycleStep: this.handlers.lifecycleStep,
    });
    this.handlers.bindWorkflow(this.workflow.stateMachine);
    this.events.routeTo({
      'start-lifecycle': this.handlers.startLifecycle,
      'complete-wait': this.handlers.completeWait,
    });
    this.monitoring = new LeadflowMonitoring(this, 'Monitoring', {
      config,
      stateMachine: this.workflow.stateMachine,
      deadLetterQueue: this.events.deadLetterQueue,
    });

    acknowledgeNag(
      this.handlers,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x on purpose: bundles target node22 and local dev and tests run Node 22 (package.json ' +
        'engines); move runtime, esbuild target and engines to the next LTS together.',
    );

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    if (this.auth.userPool && this.auth.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.auth.userPoolClient.userPoolClientId });
    }
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
  }
}
