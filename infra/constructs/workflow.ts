/**
 * The lead lifecycle state machine. Its definition is `buildLeadLifecycle`
 * (workflows/lead-lifecycle.ts); this construct only hosts, logs and traces it.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { buildLeadLifecycle } from '../../workflows/lead-lifecycle.ts';
import { acknowledgeNag, acknowledgeWildcardResources } from '../nag.ts';
import { createLogGroup } from './log-group.ts';

/**
 * The lifecycle state machine's ARN built from its fixed name, not a reference to it: a function
 * the state machine invokes (lifecycle-step) can then be granted rights on it without a
 * CloudFormation dependency cycle (state machine -> function -> role policy -> state machine).
 */
export function stateMachineArnFor(scope: Construct, unit: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: unitResourceNames(unit).stateMachine,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
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
    const name = unitResourceNames(props.config.name).stateMachine;
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
      definitionBody: DefinitionBody.fromChainable(
        buildLeadLifecycle(this, { lifecycleStep: props.lifecycleStep }),
      ),
      // ERROR only, without execution data: inputs and outputs carry task tokens (anyone holding
      // one can complete a wait) and sales' free-text reasons, which must not reach CloudWatch.
      // Every step stays in the execution history; failures are logged here and alarmed.
      logs: { destination: this.logGroup, level: LogLevel.ERROR, includeExecutionData: false },
      tracingEnabled: true,
    });
    acknowledgeNag(
      this.stateMachine,
      'AwsSolutions-SF1',
      'Logs ERROR events only, without execution data: ALL would copy task tokens and sales free-text ' +
        'reasons into CloudWatch Logs. Step Functions keeps the full execution history; failed, timed-out ' +
        'and aborted executions are alarmed.',
    );
    acknowledgeWildcardResources(
      this.stateMachine.role,
      ['*'],
      'CDK-generated for logging and tracing: CloudWatch Logs delivery (logs:*LogDelivery, *ResourcePolicy, ' +
        'DescribeLogGroups) and X-Ray (PutTraceSegments, ...) do not support resource-level permissions.',
    );
    acknowledgeWildcardResources(
      this.stateMachine.role,
      [`${props.lifecycleStep.functionArn}:*`],
      'CDK LambdaInvoke grant: <function>:* covers versions and aliases of the lifecycle-step function only.',
    );
  }
}
