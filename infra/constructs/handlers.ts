/** The five Lambda functions and exactly the access each one needs. */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { type HandlerName, LeadflowFunction } from './leadflow-function.ts';
import { stateMachineArnFor } from './workflow.ts';

export interface LeadflowHandlersProps {
  config: BusinessUnitConfig;
  table: ITable;
  bus: IEventBus;
}

const constructId = (name: HandlerName): string =>
  name.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());

export class LeadflowHandlers extends Construct {
  /** POST /leads: validate, spam-check, store, publish LeadCaptured. */
  readonly captureLead: LeadflowFunction;
  /** GET /leads/{id}: read-only view for ops and reps. */
  readonly getLead: LeadflowFunction;
  /** LeadCaptured → one lifecycle execution per lead. */
  readonly startLifecycle: LeadflowFunction;
  /** Every domain step of the state machine; sends SLA emails, completes already-satisfied waits. */
  readonly lifecycleStep: LeadflowFunction;
  /** Sales activity events → record on the lead, publish, SendTaskSuccess for the waiting step. */
  readonly completeWait: LeadflowFunction;

  constructor(scope: Construct, id: string, props: LeadflowHandlersProps) {
    super(scope, id);
    const { config, table, bus } = props;
    const fn = (handler: HandlerName, description: string): LeadflowFunction =>
      new LeadflowFunction(this, constructId(handler), { config, handler, description });

    this.captureLead = fn('capture-lead', 'Captures a web-form lead')
      .bindTable(table, 'readWrite')
      .publishTo(bus);
    const turnstileSecret = config.spam.turnstile?.secret;
    if (turnstileSecret?.source === 'ssm') this.captureLead.allowReadSecureParameter(turnstileSecret.name);

    this.getLead = fn('get-lead', 'Reads a lead for ops and reps').bindTable(table, 'read');
    this.startLifecycle = fn('start-lifecycle', 'Starts the lead lifecycle execution').bindTable(
      table,
      'readWrite',
    );
    // The state machine invokes lifecycle-step, so its ARN is built from the name (a reference would be a cycle).
    const lifecycleArn = stateMachineArnFor(this, config.name);
    this.lifecycleStep = fn('lifecycle-step', 'Runs one lead lifecycle step')
      .bindTable(table, 'readWrite')
      .publishTo(bus)
      .allowSendEmail(config.email.sender)
      // A wait state completes itself at once when the activity came first (wait handshake).
      .allowTaskResponse(lifecycleArn)
      // continue-as-new: a lead that outlives Standard workflows' one-year limit continues in a
      // fresh execution of the same state machine.
      .allowStartExecution(lifecycleArn);
    this.completeWait = fn('complete-wait', 'Resumes a lifecycle waiting for sales activity')
      .bindTable(table, 'readWrite')
      .publishTo(bus);
  }

  /** Grants that need the state machine, which itself needs `lifecycleStep` first. */
  bindWorkflow(stateMachine: IStateMachine): void {
    this.startLifecycle.allowStartExecution(stateMachine);
    this.completeWait.allowTaskResponse(stateMachine);
  }
}
