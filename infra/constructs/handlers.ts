/** The five Lambda functions and exactly the access each one needs. */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import {
  type BindTableOptions,
  type DynamoDbAction,
  type HandlerName,
  LeadflowFunction,
} from './leadflow-function.ts';
import { stateMachineArnFor } from './workflow.ts';

export interface TableAccess extends BindTableOptions {
  actions: readonly DynamoDbAction[];
}

/**
 * What each function calls on the unit table: the only DynamoDB permissions in the stack, on the
 * table ARN (no function queries gsi1, so no `index`). `null`: no table access, no TABLE_NAME.
 * A new call in a handler needs its action here first; the infra tests pin this table.
 */
export const TABLE_ACCESS: Readonly<Record<HandlerName, TableAccess | null>> = {
  // capture-lead (functions/handlers/capture-lead.ts, use-cases/capture-lead.ts):
  // PutItem    LeadStore.create (the new lead, conditional), LeadStore.quarantine (spam, 30-day
  //            TTL), the Powertools idempotency record (in progress, conditional);
  // UpdateItem LeadStore.recordResubmission (the existing lead), the per-client rate-limit
  //            counters (atomic ADD), Powertools completing its record;
  // GetItem    Powertools reading the stored record when a retried Idempotency-Key finds one;
  // DeleteItem Powertools deleting its record when the capture failed, so a retry runs again.
  'capture-lead': {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  },
  // get-lead (functions/handlers/get-lead.ts): GetItem LeadStore.get (the lead); Query the
  // lead's own timeline items (its partition, on the table, not the index). Read-only.
  'get-lead': { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
  // start-lifecycle (functions/handlers/start-lifecycle.ts) only calls StartExecution.
  'start-lifecycle': null,
  // lifecycle-step (functions/handlers/lifecycle-step.ts, use-cases/lifecycle/*):
  // GetItem   LeadStore.get (StepContext reads the lead once per step);
  // PutItem   the lead's archived timeline items (lead-store.ts archiveIfLong);
  // UpdateItem LeadStore.transition/registerWait/claimWait/takeResult (wait handshake), the alert
  //           outbox (record, markSent), RoutingStore.advanceCursor/reserve/release;
  // Query     the alerts still pending for the lead (Resume; its partition, on the table);
  // BatchGetItem RoutingStore.snapshot (team cursor and rep loads in one read, at hand-off).
  'lifecycle-step': {
    actions: [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:Query',
      'dynamodb:BatchGetItem',
    ],
  },
  // complete-wait (functions/handlers/complete-wait.ts, use-cases/record-activity.ts):
  // GetItem LeadStore.get and LeadStore.waits; PutItem archived timeline items; UpdateItem
  // LeadStore.applyActivity/claimWait/requeue (wait handshake).
  'complete-wait': {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  },
};

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
    const fn = (handler: HandlerName, description: string): LeadflowFunction => {
      const created = new LeadflowFunction(this, constructId(handler), { config, handler, description });
      const access = TABLE_ACCESS[handler];
      if (access) created.bindTable(table, access.actions, { index: access.index });
      return created;
    };

    this.captureLead = fn('capture-lead', 'Captures a web-form lead').publishTo(bus);
    const turnstileSecret = config.spam.turnstile?.secret;
    if (turnstileSecret?.source === 'ssm') this.captureLead.allowReadSecureParameter(turnstileSecret.name);

    this.getLead = fn('get-lead', 'Reads a lead for ops and reps');
    this.startLifecycle = fn('start-lifecycle', 'Starts the lead lifecycle execution');
    // The state machine invokes lifecycle-step, so its ARN is built from the name (a reference would be a cycle).
    const lifecycleArn = stateMachineArnFor(this, config.name);
    this.lifecycleStep = fn('lifecycle-step', 'Runs one lead lifecycle step')
      .publishTo(bus)
      .allowSendEmail(config.email.sender)
      // A wait state completes itself at once when the activity came first (wait handshake).
      .allowTaskSuccess(lifecycleArn)
      // continue-as-new: a lead that outlives Standard workflows' one-year limit continues in a
      // fresh execution of the same state machine.
      .allowStartExecution(lifecycleArn);
    this.completeWait = fn('complete-wait', 'Resumes a lifecycle waiting for sales activity').publishTo(bus);
  }

  /** Every function, for alarms and the dashboard. */
  get all(): LeadflowFunction[] {
    return [this.captureLead, this.getLead, this.startLifecycle, this.lifecycleStep, this.completeWait];
  }

  /** Grants that need the state machine, which itself needs `lifecycleStep` first. */
  bindWorkflow(stateMachine: IStateMachine): void {
    this.startLifecycle.allowStartExecution(stateMachine);
    this.completeWait.allowTaskSuccess(stateMachine);
  }
}
