/**
 * The lead lifecycle state machine. Its definition is `buildLeadLifecycle`
 * (workflows/lead-lifecycle.ts); this construct only hosts, logs and traces it.
 */
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { buildLeadLifecycle } from '../../workflows/lead-lifecycle.ts';
import { createLogGroup } from './log-group.ts';

export function stateMachineName(unit: string): string {
  return `leadflow-${unit}-lifecycle`;
}

export interface LeadflowWorkflowProps {
  config: BusinessUnitConfig;
  lifecycleStep: IFunction;
}

export class LeadflowWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: LeadflowWorkflowProps) {
    super(scope, id);
    const name = stateMachineName(props.config.name);
    // The /aws/vendedlogs/ prefix keeps Step Functions from growing the account-wide
    // CloudWatch Logs resource policy with one entry per log group.
    this.logGroup = createLogGroup(this, 'Logs', {
      config: props.config,
      logGroupName: `/aws/vendedlogs/states/${name}`,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: name,
      // Standard: executions wait days to months for sales activity and must run exactly once.
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(buildLeadLifecycle(this, { lifecycleStep: props.lifecycleStep })),
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    NagSuppressions.addResourceSuppressions(
      this.stateMachine.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'CDK-generated: log delivery (logs:*LogDelivery, *ResourcePolicy, DescribeLogGroups) and X-Ray ' +
            'trace APIs do not support resource-level permissions; lambda:InvokeFunction on <fn>:* allows ' +
            'invoking versions/aliases of the lifecycle function only.',
          appliesTo: ['Resource::*', { regex: '/^Resource::<.+\\.Arn>:\\*$/g' }],
        },
      ],
      true,
    );
  }

}
