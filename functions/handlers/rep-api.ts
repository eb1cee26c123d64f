/**
 * The rep API: GET /me/leads (my open leads, soonest deadline first) and a rep's activity on a
 * lead they own: POST /leads/{id}/touches, /accept, /reject, /outcome. Each is the same activity
 * as the bus event of that name (use-cases/rep-work.ts), so it completes the wait it ends and
 * lands on the timeline; an `Idempotency-Key` header (or the body's `eventId`) makes a retry
 * apply nothing twice. Ops may act on any lead. A lead that is not the caller's, and any call
 * without a role, is a 404, as for a lead that does not exist.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { EventPublisher } from '../adapters/event-publisher.ts';
import { DynamoLeadSearch } from '../adapters/lead-search.ts';
import { LeadStore } from '../adapters/lead-store.ts';
import { DynamoRosterStore } from '../adapters/roster-store.ts';
import { completeWait } from '../adapters/workflow-callbacks.ts';
import type { Lead } from '../domain/lead.ts';
import { nextDeadline } from '../domain/lead-queue.ts';
import type { ActivityEventName } from '../events/catalog.ts';
import { clientActivityId, json, leadIdOf, leadNotFound, parseJsonBody } from '../http/api-request.ts';
import { type Caller, callerFrom, ownsLead } from '../http/caller.ts';
import { HttpProblem } from '../http/problem.ts';
import { problemErrorHandler } from '../http/problem-error-handler.ts';
import { clock } from '../runtime/clock.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import { OTHER_REASON } from '../use-cases/lead-actions.ts';
import { myOpenLeads, type RepCaller, type RepWorkPorts, recordRepActivity } from '../use-cases/rep-work.ts';

const config = unitConfig();
const tableName = requiredEnv(ENV.tableName);
const ports: RepWorkPorts = {
  config,
  clock,
  leads: new LeadStore(tableName),
  events: new EventPublisher(requiredEnv(ENV.eventBusName), config.name),
  callbacks: { completeWait },
  queue: new DynamoLeadSearch(tableName),
  roster: new DynamoRosterStore(tableName),
};

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;

const eventId = z.string().optional();
const occurredAt = z.iso.datetime({ offset: true });

const TouchBody = z.strictObject({
  channel: z.enum(['call', 'email', 'meeting']),
  occurredAt,
  topics: z.array(z.string().trim().min(1).max(100)).max(10).optional(),
  eventId,
});
const AcceptBody = z.strictObject({ occurredAt: occurredAt.optional(), eventId });
const rejectBody = () =>
  z
    .strictObject({
      reason: z.enum([OTHER_REASON, ...config.sla.rejectionReasons]),
      note: z.string().trim().max(500).optional(),
      eventId,
    })
    .refine((b) => b.reason !== OTHER_REASON || !!b.note, {
      path: ['note'],
      message: `a note is required with the reason '${OTHER_REASON}'`,
    });
const OutcomeBody = z.strictObject({
  result: z.enum(['won', 'lost']),
  amount: z.number().nonnegative().finite().optional(),
  reason: z.string().trim().max(500).optional(),
  eventId,
});

function repCaller(caller: Caller): RepCaller {
  return {
    subject: caller.subject,
    ...(caller.verifiedEmail ? { verifiedEmail: caller.verifiedEmail } : {}),
    owns: (owner) => caller.roles.has('ops') || ownsLead(caller, owner),
  };
}

function queueEntry(lead: Lead) {
  return {
    leadId: lead.leadId,
    stage: lead.stage,
    name: [lead.profile.firstName, lead.profile.lastName].filter(Boolean).join(' ') || undefined,
    email: lead.profile.email,
    company: lead.profile.company,
    intent: lead.profile.intent,
    score: lead.score?.total,
    deadline: nextDeadline(lead),
    assignedAt: lead.sla?.assignedAt,
    createdAt: lead.createdAt,
  };
}

async function activity<N extends ActivityEventName>(
  event: Event,
  caller: Caller,
  type: N,
  detail: Record<string, unknown> & { eventId?: string | undefined },
) {
  const leadId = leadIdOf(event);
  const { eventId: bodyEventId, ...rest } = detail;
  const activityId = clientActivityId(event, caller.subject, bodyEventId);
  const repEmail = caller.verifiedEmail ? { repEmail: caller.verifiedEmail } : {};
  const outcome = await recordRepActivity(
    ports,
    repCaller(caller),
    type,
    { leadId, ...repEmail, ...rest } as never,
    activityId,
  );
  if (outcome.status === 'not-found') throw leadNotFound();
  if (outcome.status === 'ignored')
    throw new HttpProblem(409, 'Not possible now', `Nothing was changed: ${outcome.reason}.`);
  logger.info('Rep activity', { leadId, type, outcome: outcome.status });
  return json(outcome.status === 'duplicate' ? 200 : 202, {
    leadId,
    status: outcome.status,
    completions: outcome.completions,
  });
}

const ROUTES: Record<string, (event: Event, caller: Caller) => Promise<APIGatewayProxyStructuredResultV2>> = {
  'GET /me/leads': async (_event, caller) => {
    if (!caller.roles.has('rep')) throw new HttpProblem(404, 'Not found', 'Only reps have a queue.');
    const leads = await myOpenLeads(ports, repCaller(caller));
    return json(200, { leads: leads.map(queueEntry) });
  },
  'POST /leads/{id}/touches': (event, caller) =>
    activity(event, caller, 'TouchLogged', parseJsonBody(event, TouchBody)),
  'POST /leads/{id}/accept': (event, caller) =>
    activity(event, caller, 'LeadAccepted', parseJsonBody(event, AcceptBody, { optional: true })),
  'POST /leads/{id}/reject': (event, caller) => {
    const { reason, note, eventId: id } = parseJsonBody(event, rejectBody());
    const text = reason === OTHER_REASON ? (note as string) : note ? `${reason}: ${note}` : reason;
    return activity(event, caller, 'LeadRejected', { reason: text, eventId: id });
  },
  'POST /leads/{id}/outcome': (event, caller) =>
    activity(event, caller, 'OutcomeRecorded', parseJsonBody(event, OutcomeBody)),
};

async function repApi(event: Event): Promise<APIGatewayProxyStructuredResultV2> {
  const caller = callerFrom(event, config.auth.rolesClaim);
  const route = ROUTES[event.routeKey];
  if (!route) throw new HttpProblem(404, 'Not found');
  // No role: nothing to see, and nothing learned about which leads exist.
  if (caller.roles.size === 0) throw leadNotFound();
  return route(event, caller);
}

export const handler = middy<Event, APIGatewayProxyStructuredResultV2>()
  .use(problemErrorHandler({ logger }))
  .handler(repApi);
