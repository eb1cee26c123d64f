/**
 * Step Functions task handler: every lifecycle state invokes this function with its state
 * name. The payload is parsed against the contract and run by the lifecycle task use case
 * (use-cases/lifecycle/task-request.ts, which the simulator runs too); the handler wires the
 * AWS adapters and logs.
 */
import middy from '@middy/core';
import { SignedActionLinks } from '../adapters/action-links.ts';
import { DynamoAlertOutbox } from '../adapters/alert-outbox.ts';
import { EventPublisher } from '../adapters/event-publisher.ts';
import { LeadStore } from '../adapters/lead-store.ts';
import { Mailer } from '../adapters/mailer.ts';
import { DynamoRosterStore } from '../adapters/roster-store.ts';
import { RoutingStore } from '../adapters/routing-store.ts';
import { actionSigningKey } from '../adapters/signing-key.ts';
import { completeWait, startLifecycle } from '../adapters/workflow-callbacks.ts';
import { clock } from '../runtime/clock.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import { runLifecycleTask } from '../use-cases/lifecycle/task-request.ts';
import type { LifecyclePorts } from '../use-cases/ports.ts';

const tableName = requiredEnv(ENV.tableName);
const config = unitConfig();
const ports: LifecyclePorts = {
  config,
  clock,
  leads: new LeadStore(tableName),
  routing: new RoutingStore(tableName),
  events: new EventPublisher(requiredEnv(ENV.eventBusName), config.name),
  // No suppression read per mail: the configuration set's SES suppression drops those (mailer.ts).
  mailer: new Mailer(process.env[ENV.sesSender] ?? config.email.sender, {
    configurationSet: process.env[ENV.sesConfigurationSet],
  }),
  alerts: new DynamoAlertOutbox(tableName),
  callbacks: { completeWait },
  executions: { start: (name, input) => startLifecycle(requiredEnv(ENV.stateMachineArn), name, input) },
  // The roster ops keep as data (PUT /roster), read at each hand-off.
  roster: new DynamoRosterStore(tableName),
  actionLinks: new SignedActionLinks(config, process.env[ENV.actionsBaseUrl], () => actionSigningKey(config)),
};

export const handler = middy<unknown, unknown>().handler(async (event) => {
  const task = await runLifecycleTask(ports, event);
  if (task.kind === 'wait')
    logger.info('Lifecycle wait', {
      leadId: task.leadId,
      state: task.state,
      completedAtOnce: task.output.completedAtOnce,
    });
  else
    logger.info('Lifecycle step', { leadId: task.leadId, state: task.state, decision: task.output.decision });
  return task.output;
});
