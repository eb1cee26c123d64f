/**
 * The ops API (role `ops`; anyone else gets a 404): search leads with cursor paging, a lead's
 * whole timeline, reassign a lead, pause and resume its SLA clock, the team roster as data
 * (versioned, If-Match), and GDPR export and erasure of one person. Thin: parse (zod), call the
 * use case, map its result (problem+json for every refusal).
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import type { Team } from '../../config/schema.ts';
import { StepFunctionsExecutionStopper } from '../adapters/execution-stopper.ts';
import { DynamoLeadSearch } from '../adapters/lead-search.ts';
import { LeadStore } from '../adapters/lead-store.ts';
import { DynamoMetricsStore } from '../adapters/metrics-store.ts';
import { DynamoPersonalDataStore } from '../adapters/personal-data-store.ts';
import { DynamoRosterStore } from '../adapters/roster-store.ts';
import { RoutingStore } from '../adapters/routing-store.ts';
import { completeWait } from '../adapters/workflow-callbacks.ts';
import { type Lead, leadStatus, STAGES } from '../domain/lead.ts';
import { isOverdue, nextDeadline } from '../domain/lead-queue.ts';
import {
  clientActivityId,
  json,
  leadIdOf,
  leadNotFound,
  parseJsonBody,
  parseQuery,
} from '../http/api-request.ts';
import { type Caller, callerFrom } from '../http/caller.ts';
import { HttpProblem, validationProblem } from '../http/problem.ts';
import { problemErrorHandler } from '../http/problem-error-handler.ts';
import { clock } from '../runtime/clock.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import { currentRoster, type OpsPorts, reassignLead, replaceRoster } from '../use-cases/ops-work.ts';
import { erasePerson, exportPerson, type PersonalDataPorts } from '../use-cases/personal-data.ts';
import { InvalidCursorError } from '../use-cases/ports.ts';
import { pauseSla, resumeSla } from '../use-cases/sla-pause.ts';

const config = unitConfig();
const tableName = requiredEnv(ENV.tableName);
const leads = new LeadStore(tableName);
const search = new DynamoLeadSearch(tableName);
const ports: OpsPorts & PersonalDataPorts = {
  config,
  clock,
  leads,
  routing: new RoutingStore(tableName),
  callbacks: { completeWait },
  roster: new DynamoRosterStore(tableName),
  people: new DynamoPersonalDataStore(tableName),
  metrics: new DynamoMetricsStore(tableName),
  executions: new StepFunctionsExecutionStopper(requiredEnv(ENV.stateMachineArn)),
};

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Route = (event: Event, caller: Caller) => Promise<APIGatewayProxyStructuredResultV2>;

const SearchQuery = z
  .strictObject({
    status: z.enum(['open', 'closed', 'failed']).optional(),
    stage: z.enum(STAGES).optional(),
    owner: z.string().min(1).max(200).optional(),
    team: z.string().min(1).max(100).optional(),
    source: z.string().min(1).max(200).optional(),
    overdue: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(1024).optional(),
  })
  .superRefine((q, ctx) => {
    const status = q.stage ? leadStatus(q.stage) : (q.status ?? 'open');
    if (q.status && q.status !== status)
      ctx.addIssue({ code: 'custom', path: ['status'], message: `stage ${q.stage} is never ${q.status}` });
    if (q.overdue === 'true' && status !== 'open')
      ctx.addIssue({ code: 'custom', path: ['overdue'], message: 'only open leads can be overdue' });
  });

const ReassignBody = z.strictObject({
  repId: z.string().min(1).max(100).optional(),
  eventId: z.string().optional(),
});
const PauseBody = z.strictObject({
  reason: z.string().trim().min(1).max(500).optional(),
  eventId: z.string().optional(),
});
/**
 * The PUT /roster body, built on the first PUT: `Team` lives in the unit-config schema, and
 * importing that module builds every zod object of it, ~10 ms of each cold start here
 * (bench/cold-import.ts). The bundler keeps the module in the bundle but runs it only when
 * this import is first awaited; GET routes never pay for it.
 */
let rosterBody: Promise<z.ZodType<{ teams: Team[] }>> | undefined;
const rosterBodySchema = () =>
  (rosterBody ??= import('../../config/schema.ts').then(({ Team }) =>
    z.strictObject({ teams: z.array(Team).min(1) }),
  ));
const Email = z.email();

function searchEntry(lead: Lead, now: Date) {
  return {
    leadId: lead.leadId,
    stage: lead.stage,
    owner: lead.owner,
    source: lead.profile.utm?.source,
    intent: lead.profile.intent,
    score: lead.score?.total,
    deadline: nextDeadline(lead),
    overdue: isOverdue(lead, now),
    createdAt: lead.createdAt,
  };
}

function emailOf(event: Event): string {
  const email = Email.safeParse(event.pathParameters?.email?.trim());
  if (!email.success)
    throw validationProblem(new z.ZodError(email.error.issues.map((i) => ({ ...i, path: ['email'] }))));
  return email.data;
}

/** The roster version a PUT is conditioned on: `If-Match: "<version>"` (weak or strong), required. */
function expectedVersion(event: Event): number {
  const header = event.headers?.['if-match'];
  const match = header ? /^(?:W\/)?"(\d{1,15})"$/.exec(header.trim()) : null;
  if (!header)
    throw new HttpProblem(428, 'Precondition required', 'Send If-Match with the roster version (its ETag).');
  if (!match)
    throw new HttpProblem(412, 'Precondition failed', 'If-Match must be the roster ETag, e.g. "3".');
  return Number(match[1]);
}

const etag = (version: number) => `"${version}"`;

const ROUTES: Record<string, Route> = {
  'GET /leads': async (event) => {
    const q = parseQuery(event, SearchQuery);
    const now = clock.now();
    const status = q.stage ? leadStatus(q.stage) : (q.status ?? 'open');
    try {
      const page = await search.search(
        {
          status,
          ...(q.stage ? { stage: q.stage } : {}),
          ...(q.owner ? { owner: q.owner } : {}),
          ...(q.team ? { team: q.team } : {}),
          ...(q.source ? { source: q.source } : {}),
          ...(q.overdue === 'true' ? { overdueAt: now } : {}),
        },
        { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) },
      );
      return json(200, {
        leads: page.leads.map((l) => searchEntry(l, now)),
        ...(page.cursor ? { cursor: page.cursor } : {}),
      });
    } catch (error) {
      if (error instanceof InvalidCursorError)
        throw new HttpProblem(400, 'Validation failed', 'The cursor is invalid.', [
          { path: 'cursor', message: error.message },
        ]);
      throw error;
    }
  },
  'GET /leads/{id}/timeline': async (event) => {
    const leadId = leadIdOf(event);
    if (!(await leads.get(leadId))) throw leadNotFound();
    return json(200, { leadId, timeline: await leads.timeline(leadId) });
  },
  'POST /leads/{id}/reassign': async (event, caller) => {
    const leadId = leadIdOf(event);
    const body = parseJsonBody(event, ReassignBody, { optional: true });
    const activityId =
      clientActivityId(event, caller.subject, body.eventId) ?? `reassign:${crypto.randomUUID()}`;
    const result = await reassignLead(ports, leadId, {
      ...(body.repId ? { repId: body.repId } : {}),
      by: caller.verifiedEmail ?? caller.subject,
      activityId,
    });
    switch (result.status) {
      case 'not-found':
        throw leadNotFound();
      case 'unknown-rep':
        throw new HttpProblem(400, 'Validation failed', 'No such rep on the roster.', [
          { path: 'repId', message: 'not a rep of the roster' },
        ]);
      case 'refused':
        throw new HttpProblem(409, 'Not possible now', `Nothing was changed: ${result.reason}.`);
      default:
        return json(result.status === 'duplicate' ? 200 : 202, {
          leadId,
          status: result.status,
          stage: result.lead.stage,
          owner: result.lead.owner,
        });
    }
  },
  'POST /leads/{id}/sla/pause': async (event, caller) => {
    const leadId = leadIdOf(event);
    const body = parseJsonBody(event, PauseBody, { optional: true });
    const result = await pauseSla(ports, leadId, {
      by: caller.verifiedEmail ?? caller.subject,
      ...(body.reason ? { reason: body.reason } : {}),
    });
    if (result.status === 'not-found') throw leadNotFound();
    if (result.status === 'refused')
      throw new HttpProblem(409, 'Not possible now', `Nothing was changed: ${result.reason}.`);
    return json(200, {
      leadId,
      status: result.status,
      pausedAt: result.lead.sla?.pausedAt,
      deadline: nextDeadline(result.lead),
    });
  },
  'POST /leads/{id}/sla/resume': async (event, caller) => {
    const leadId = leadIdOf(event);
    const result = await resumeSla(ports, leadId, { by: caller.verifiedEmail ?? caller.subject });
    if (result.status === 'not-found') throw leadNotFound();
    if (result.status === 'refused')
      throw new HttpProblem(409, 'Not possible now', `Nothing was changed: ${result.reason}.`);
    return json(200, { leadId, status: result.status, deadline: nextDeadline(result.lead) });
  },
  'GET /roster': async () => {
    const roster = await currentRoster(ports);
    return json(200, roster, { etag: etag(roster.version) });
  },
  'PUT /roster': async (event, caller) => {
    const version = expectedVersion(event);
    const { teams } = parseJsonBody(event, await rosterBodySchema());
    const result = await replaceRoster(ports, teams, version, caller.verifiedEmail ?? caller.subject);
    if (result.status === 'invalid')
      throw new HttpProblem(
        400,
        'Validation failed',
        'The roster cannot route the unit’s leads.',
        result.problems,
      );
    if (result.status === 'version-mismatch')
      throw new HttpProblem(
        412,
        'Precondition failed',
        `The roster is at version ${result.current}; read it again.`,
        undefined,
        { etag: etag(result.current) },
      );
    logger.info('Roster replaced', { version: result.roster.version });
    return json(200, result.roster, { etag: etag(result.roster.version) });
  },
  'GET /people/{email}/export': async (event) => json(200, await exportPerson(ports, emailOf(event))),
  'DELETE /people/{email}': async (event) => {
    const result = await erasePerson(ports, emailOf(event));
    if (result.status === 'not-found')
      throw new HttpProblem(404, 'Not found', 'Nothing is stored about this person.');
    logger.info('Personal data erased', { anonymousId: result.anonymousId, items: result.itemsRemoved });
    return json(200, result);
  },
};

async function opsApi(event: Event): Promise<APIGatewayProxyStructuredResultV2> {
  const caller = callerFrom(event, config.auth.rolesClaim);
  const route = ROUTES[event.routeKey];
  // Not ops: as if nothing were here, so the API tells nobody what exists.
  if (!route || !caller.roles.has('ops'))
    throw new HttpProblem(404, 'Not found', 'Nothing here that you may see.');
  return route(event, caller);
}

export const handler = middy<Event, APIGatewayProxyStructuredResultV2>()
  .use(problemErrorHandler({ logger }))
  .handler(opsApi);
