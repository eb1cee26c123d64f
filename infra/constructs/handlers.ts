/** The Lambda functions and exactly the access each one needs. */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { unitResourceNames } from '../../config/resource-names.ts';
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
 * table ARN (and on gsi1 with `index`, for a function that queries it). `null`: no table access,
 * no TABLE_NAME.
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
  //           outbox (record, markSent), RoutingStore.takeTicket/reserve/release;
  // Query     the alerts still pending for the lead (Resume; its partition, on the table);
  // BatchGetItem RoutingStore.snapshot (the team's rep loads in one read, at hand-off).
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
  // lead-actions (functions/handlers/lead-actions.ts, use-cases/lead-actions.ts): GetItem the lead,
  // the link's claim (ACTION#<nonce>) and LeadStore.waits; PutItem the claim (conditional) and
  // archived timeline items; UpdateItem settling the claim and, as complete-wait,
  // LeadStore.applyActivity/claimWait/requeue (wait handshake).
  'lead-actions': {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  },
  // ses-feedback (functions/handlers/ses-feedback.ts): PutItem (conditional) recording an address
  // SES suppressed (SUPPRESSED#); it reads nothing.
  'ses-feedback': { actions: ['dynamodb:PutItem'] },
  // reports (functions/handlers/reports.ts, adapters/metrics-store.ts): Query the metrics day
  // index of each day of the period, BatchGetItem the facts it names. Read-only.
  reports: { actions: ['dynamodb:Query', 'dynamodb:BatchGetItem'] },
  // inbound-events (functions/handlers/inbound-events.ts, adapters/inbound-claims.ts): PutItem the
  // event id's claim (conditional); GetItem it when the claim is taken; UpdateItem marking it put;
  // DeleteItem releasing it when the bus did not take the event.
  'inbound-events': {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  },
  // rep-api (functions/handlers/rep-api.ts, use-cases/rep-work.ts): GetItem the lead, the roster
  // and the rep's load (REP#<id>); BatchGetItem the leads of the load; as complete-wait, UpdateItem
  // LeadStore.applyActivity/claimWait/requeue and PutItem archived timeline items.
  'rep-api': {
    actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  },
  // ops-api (functions/handlers/ops-api.ts): Query gsi1 (search by status, quarantined submissions
  // of a person) and a lead's partition (timeline, GDPR); BatchGetItem a search page's leads;
  // GetItem the lead and the roster; UpdateItem reassign/pause/resume (applyActivity, wait
  // handshake, rep loads); PutItem the roster (conditional), archived timeline items and the
  // anonymous record of an erasure; DeleteItem the erased person's items.
  'ops-api': {
    actions: [
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ],
    index: 'gsi1',
  },
  // record-metrics (functions/handlers/record-metrics.ts, adapters/metrics-store.ts): GetItem the
  // lead's facts (METRICS#FACTS#), PutItem its day index entries, UpdateItem the facts with the
  // event's counter increments (conditional on their revision). No Query: reading is the reports'.
  'record-metrics': { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  // scorecard-mail (functions/handlers/scorecard-mail.ts, use-cases/scorecard-mail.ts and
  // rep-digest.ts): as reports, Query the day index and BatchGetItem the facts; UpdateItem the
  // outbox (REPORTS#<unit>); for the rep digest, as GET /me/leads, GetItem the roster and each
  // rep's load (REP#<id>) and BatchGetItem the leads it names.
  'scorecard-mail': {
    actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
  },
  // board (functions/handlers/board.ts): as rep-api (queue, activity) and the ops-api calls it
  // shares: Query gsi1 (search), BatchGetItem a page's leads, GetItem the lead and the roster,
  // UpdateItem reassign/pause/resume and the wait handshake, PutItem archived timeline items.
  board: {
    actions: [
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ],
    index: 'gsi1',
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
  /** GET/POST /actions/{token}: one-click action links from rep mails, applied as activity. */
  readonly leadActions: LeadflowFunction;
  /** SES bounces and complaints (SNS) → the unit's suppression record, for ops. */
  readonly sesFeedback: LeadflowFunction;
  /** GET /agreement, /reports/scorecard, /reports/plan: the agreement and its scorecard, read-only. */
  readonly reports: LeadflowFunction;
  /** POST /events/engagement and /events/activity: signed inbound activity → the unit's bus. */
  readonly inboundEvents: LeadflowFunction;
  /** GET /me/leads and a rep's activity on a lead (touches, accept, reject, outcome). */
  readonly repApi: LeadflowFunction;
  /** Ops: search, timeline, reassign, SLA pause/resume, roster, GDPR export and erasure. */
  readonly opsApi: LeadflowFunction;
  /** Lifecycle events → the scorecard's counters and lead facts (the metrics projection). */
  readonly recordMetrics: LeadflowFunction;
  /** EventBridge Scheduler: the weekly scorecard digest, the daily pace alerts and rep digests, by SES. */
  readonly scorecardMail: LeadflowFunction;
  /** GET /board and its forms: the leads board, acting through the rep and ops use cases. */
  readonly board: LeadflowFunction;

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
    const names = unitResourceNames(config.name);
    this.lifecycleStep = fn('lifecycle-step', 'Runs one lead lifecycle step')
      .publishTo(bus)
      .allowSendEmail(config.email.sender, names.configurationSet)
      // A wait state completes itself at once when the activity came first (wait handshake).
      .allowTaskSuccess(lifecycleArn)
      // continue-as-new: a lead that outlives Standard workflows' one-year limit continues in a
      // fresh execution of the same state machine.
      .allowStartExecution(lifecycleArn);
    this.completeWait = fn('complete-wait', 'Resumes a lifecycle waiting for sales activity').publishTo(bus);
    this.leadActions = fn('lead-actions', 'Confirms and applies one-click action links').publishTo(bus);
    // The action link key: the lifecycle signs links into mails, lead-actions verifies them.
    const signingKey = config.actions.signingKey;
    if (signingKey?.source === 'ssm') {
      this.lifecycleStep.allowReadSecureParameter(signingKey.name);
      this.leadActions.allowReadSecureParameter(signingKey.name);
    }
    this.sesFeedback = fn('ses-feedback', 'Records addresses SES suppressed (bounced or complained)');
    this.reports = fn('reports', 'Renders the agreement, its scorecard and the funnel plan');
    this.inboundEvents = fn('inbound-events', 'Puts signed inbound activity on the bus').publishTo(bus);
    const inboundKey = config.events.inbound?.signingKey;
    if (inboundKey?.source === 'ssm') this.inboundEvents.allowReadSecureParameter(inboundKey.name);
    this.repApi = fn('rep-api', "A rep's queue and activity on their leads").publishTo(bus);
    this.opsApi = fn('ops-api', 'Ops search, reassignment, SLA pauses, roster and GDPR');
    this.recordMetrics = fn('record-metrics', 'Counts lifecycle events into the scorecard metrics');
    this.board = fn('board', 'The leads board: queues, countdowns and actions').publishTo(bus);
    this.scorecardMail = fn(
      'scorecard-mail',
      "Mails the weekly scorecard digest, the pace alerts and each rep's daily digest",
    ).allowSendEmail(config.email.sender, names.configurationSet);
    // The rep digest signs each lead's action links as the lifecycle's mails do.
    if (signingKey?.source === 'ssm') this.scorecardMail.allowReadSecureParameter(signingKey.name);
  }

  /** Every function, for alarms and the dashboard. */
  get all(): LeadflowFunction[] {
    return [
      this.captureLead,
      this.getLead,
      this.startLifecycle,
      this.lifecycleStep,
      this.completeWait,
      this.leadActions,
      this.sesFeedback,
      this.reports,
      this.inboundEvents,
      this.repApi,
      this.opsApi,
      this.recordMetrics,
      this.scorecardMail,
      this.board,
    ];
  }

  /** Grants that need the state machine, which itself needs `lifecycleStep` first. */
  bindWorkflow(stateMachine: IStateMachine): void {
    this.startLifecycle.allowStartExecution(stateMachine);
    this.completeWait.allowTaskSuccess(stateMachine);
    this.leadActions.allowTaskSuccess(stateMachine);
    this.repApi.allowTaskSuccess(stateMachine);
    this.opsApi.allowTaskSuccess(stateMachine).allowStopExecution(stateMachine);
    this.board.allowTaskSuccess(stateMachine);
  }
}
