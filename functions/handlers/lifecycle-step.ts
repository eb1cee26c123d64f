/**
 * Step Functions task handler: every lifecycle state invokes this function with its state
 * name. Parses the payload against the contract (the previous decision must be one that can
 * lead into the state), runs the state's step, and returns the decision to branch on.
 */
import middy from '@middy/core';
import * as z from 'zod';
import {
  enteringSchema,
  isTaskState,
  isWaitState,
  spec,
  type TaskStateName,
} from '../../workflows/lifecycle-contract.ts';
import { DynamoAlertOutbox } from '../adapters/alert-outbox.ts';
import { EventPublisher } from '../adapters/event-publisher.ts';
import { LeadStore } from '../adapters/lead-store.ts';
import { Mailer } from '../adapters/mailer.ts';
import { RoutingStore } from '../adapters/routing-store.ts';
import { completeWait, startLifecycle } from '../adapters/workflow-callbacks.ts';
import { clock } from '../runtime/clock.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import { runStep } from '../use-cases/lifecycle/run-step.ts';
import { registerWait } from '../use-cases/lifecycle/wait-handshake.ts';
import type { LifecyclePorts } from '../use-cases/ports.ts';

const Request = z.object({
  state: z
    .string()
    .refine((s) => isTaskState(s) || isWaitState(s), 'must be a state of the lifecycle contract'),
  leadId: z.string().min(1),
  previous: z.unknown().optional(),
  token: z.string().min(1).optional(),
  execution: z.string().min(1).optional(),
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});

const tableName = requiredEnv(ENV.tableName);
const config = unitConfig();
const ports: LifecyclePorts = {
  config,
  clock,
  leads: new LeadStore(tableName),
  routing: new RoutingStore(tableName),
  events: new EventPublisher(requiredEnv(ENV.eventBusName), config.name),
  mailer: new Mailer(process.env[ENV.sesSender] ?? config.email.sender),
  alerts: new DynamoAlertOutbox(tableName),
  callbacks: { completeWait },
  executions: { start: (name, input) => startLifecycle(requiredEnv(ENV.stateMachineArn), name, input) },
};

function stepInput(state: TaskStateName, request: z.infer<typeof Request>) {
  const takes = (spec(state) as { takes: string }).takes;
  if (takes === 'previous') return { previous: enteringSchema(state).parse(request.previous) };
  if (takes === 'error') return { error: request.error ?? {} };
  return {};
}

export const handler = middy<unknown, unknown>().handler(async (event) => {
  const request = Request.parse(event);
  const { state, leadId } = request;
  if (isWaitState(state)) {
    if (!request.token) throw new Error(`Wait state ${state} was invoked without a task token`);
    const result = await registerWait(ports, { state, leadId, token: request.token });
    logger.info('Lifecycle wait', { leadId, state, completedAtOnce: result.completedAtOnce });
    return result;
  }
  const taskState = state as TaskStateName;
  const outcome: { decision: string } = await runStep(
    ports,
    taskState,
    leadId,
    stepInput(taskState, request) as never,
    { execution: request.execution },
  );
  logger.info('Lifecycle step', { leadId, state, decision: outcome.decision });
  return outcome;
});
