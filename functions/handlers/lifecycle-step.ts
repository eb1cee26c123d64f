/**
 * Step Functions task handler: every lifecycle state invokes this function with its `step`.
 * Parses the payload, runs the step, returns the decision the state machine branches on.
 */
import middy from '@middy/core';
import * as z from 'zod';
import { LIFECYCLE_STEPS } from '../../workflows/lifecycle-contract.ts';
import { EventPublisher } from '../adapters/event-publisher.ts';
import { LeadStore } from '../adapters/lead-store.ts';
import { Mailer } from '../adapters/mailer.ts';
import { RoutingStore } from '../adapters/routing-store.ts';
import { completeWait, startLifecycle } from '../adapters/workflow-callbacks.ts';
import { clock } from '../runtime/clock.ts';
import { requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import { LifecycleSteps, type StepResult } from '../use-cases/lifecycle-steps.ts';

const StepPayload = z.object({
  step: z.enum(LIFECYCLE_STEPS),
  state: z.string(),
  leadId: z.string().min(1),
  previous: z.record(z.string(), z.unknown()).nullish(),
  wait: z.string().optional(),
  token: z.string().optional(),
  timeoutSeconds: z.number().optional(),
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});

const tableName = requiredEnv('TABLE_NAME');
const config = unitConfig();
const steps = new LifecycleSteps({
  config,
  clock,
  leads: new LeadStore(tableName),
  routing: new RoutingStore(tableName),
  events: new EventPublisher(requiredEnv('EVENT_BUS_NAME'), config.name),
  mailer: new Mailer(process.env.SES_SENDER ?? config.email.sender),
  callbacks: { completeWait },
  executions: { start: (name, input) => startLifecycle(requiredEnv('STATE_MACHINE_ARN'), name, input) },
});

export const handler = middy<unknown, StepResult>().handler(async (event) => {
  const input = StepPayload.parse(event);
  const result = await steps.run(input);
  logger.info('Lifecycle step', {
    leadId: input.leadId,
    step: input.step,
    state: input.state,
    decision: result.decision,
  });
  return result;
});
