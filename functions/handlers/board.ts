/**
 * The leads board (functions/http/board-page.ts): GET /board shows a rep their queue and ops the
 * unit's leads (filters and cursor paging as GET /leads); POST /board/leads/{id}/{action} does
 * one action through the very use cases the rep and ops APIs call (rep-work, ops-work,
 * sla-pause), then sends the browser back to the board (303). POST /board/session signs in
 * (the token, kept in an HttpOnly cookie), POST /board/session/end signs out.
 *
 * Auth as the API's (http/board-session.ts): 401 (the sign-in page) without a valid token, a rep
 * sees and acts on their own leads only (another's is a 404), ops on all; GET changes nothing.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { EventPublisher } from '../adapters/event-publisher.ts';
import { DynamoLeadSearch } from '../adapters/lead-search.ts';
import { LeadStore } from '../adapters/lead-store.ts';
import { DynamoRosterStore } from '../adapters/roster-store.ts';
import { RoutingStore } from '../adapters/routing-store.ts';
import { sessionTokenVerifier } from '../adapters/session-token.ts';
import { completeWait } from '../adapters/workflow-callbacks.ts';
import { TOUCH_CHANNELS } from '../domain/action-links.ts';
import { type Lead, leadStatus, STAGES } from '../domain/lead.ts';
import { leadIdOf } from '../http/api-request.ts';
import { BOARD_ACTIONS, type BoardAction } from '../http/board-forms.ts';
import { boardPage, messagePage, signInPage } from '../http/board-page.ts';
import {
  assertSameSite,
  type BoardSession,
  boardSession,
  clearedSessionCookie,
  crossOrigin,
  sessionCookieHeader,
} from '../http/board-session.ts';
import { type Caller, ownsLead } from '../http/caller.ts';
import { HttpProblem } from '../http/problem.ts';
import { problemErrorHandler } from '../http/problem-error-handler.ts';
import { decodeBody } from '../http/request-body.ts';
import { clock } from '../runtime/clock.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';
import { OTHER_REASON } from '../use-cases/lead-actions.ts';
import { currentRoster, type OpsPorts, reassignLead } from '../use-cases/ops-work.ts';
import { InvalidCursorError } from '../use-cases/ports.ts';
import { myOpenLeads, type RepCaller, type RepWorkPorts, recordRepActivity } from '../use-cases/rep-work.ts';
import { pauseSla, resumeSla } from '../use-cases/sla-pause.ts';

const config = unitConfig();
const tableName = requiredEnv(ENV.tableName);
const leads = new LeadStore(tableName);
const roster = new DynamoRosterStore(tableName);
const search = new DynamoLeadSearch(tableName);
const ports: RepWorkPorts & OpsPorts = {
  config,
  clock,
  leads,
  events: new EventPublisher(requiredEnv(ENV.eventBusName), config.name),
  callbacks: { completeWait },
  queue: search,
  roster,
  routing: new RoutingStore(tableName),
};

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

const PAGE_SIZE = 25;
/** The sign-in form (a JWT is a few KB) and the action forms are small. */
const MAX_FORM_BYTES = 16 * 1024;

const BoardQuery = z.object({
  stage: z.enum(STAGES).or(z.literal('')).optional(),
  owner: z.string().trim().max(200).optional(),
  team: z.string().trim().max(100).optional(),
  overdue: z.literal('true').optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().min(1).max(1024).optional(),
  done: z.enum(BOARD_ACTIONS).optional(),
});
type BoardQuery = z.infer<typeof BoardQuery>;

const ActionForm = z.object({
  csrf: z.string().optional(),
  formId: z.uuid().optional(),
  back: z.string().max(2048).default(''),
  channel: z.enum(TOUCH_CHANNELS).optional(),
  reason: z.string().trim().max(500).optional(),
  note: z.string().trim().max(300).optional(),
  repId: z.string().trim().max(100).optional(),
});

/** The filters of a board query as a query string (what the forms carry back after an action). */
function filterQuery(q: BoardQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of ['stage', 'owner', 'team', 'overdue', 'limit'] as const)
    if (q[key]) params.set(key, String(q[key]));
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

function parseBoardQuery(raw: Record<string, string | undefined>): BoardQuery {
  const q = BoardQuery.safeParse(raw);
  if (!q.success) throw new HttpProblem(400, 'Not a board view', 'A filter of this view is not valid.');
  return q.data;
}

function repCaller(caller: Caller): RepCaller {
  return {
    subject: caller.subject,
    ...(caller.verifiedEmail ? { verifiedEmail: caller.verifiedEmail } : {}),
    owns: (owner) => caller.roles.has('ops') || ownsLead(caller, owner),
  };
}

const isOps = (caller: Caller) => caller.roles.has('ops');

async function session(event: Event): Promise<BoardSession> {
  const found = await boardSession(event, sessionTokenVerifier(), config.auth.rolesClaim);
  // No role: nothing to see, as the API answers.
  if (found.caller.roles.size === 0)
    throw new HttpProblem(404, 'Not found', 'Nothing here that you may see.');
  return found;
}

async function opsLeads(q: BoardQuery, now: Date): Promise<{ leads: Lead[]; cursor?: string }> {
  const stage = q.stage || undefined;
  const status = stage ? leadStatus(stage) : 'open';
  if (q.overdue && status !== 'open')
    throw new HttpProblem(400, 'Not a board view', 'Only open leads can be overdue.');
  try {
    return await search.search(
      {
        status,
        ...(stage ? { stage } : {}),
        ...(q.owner ? { owner: q.owner } : {}),
        ...(q.team ? { team: q.team } : {}),
        ...(q.overdue ? { overdueAt: now } : {}),
      },
      { limit: q.limit ?? PAGE_SIZE, ...(q.cursor ? { cursor: q.cursor } : {}) },
    );
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw new HttpProblem(400, 'Not a board view', 'The page link is no longer valid.');
    throw error;
  }
}

async function showBoard(event: Event): Promise<Result> {
  const { caller, csrf } = await session(event);
  const q = parseBoardQuery(event.queryStringParameters ?? {});
  const now = clock.now();
  const teams = (await currentRoster(ports)).teams;
  const reps = teams.flatMap((t) => t.members.map((m) => ({ id: m.id, name: m.name, team: t.id })));
  const page = isOps(caller)
    ? await opsLeads(q, now)
    : { leads: await myOpenLeads(ports, repCaller(caller)) };
  return boardPage({
    config,
    now,
    viewer: {
      name: caller.verifiedEmail ?? caller.subject,
      ...(caller.verifiedEmail ? { email: caller.verifiedEmail } : {}),
    },
    leads: page.leads,
    forms: {
      csrf,
      back: filterQuery(q),
      isOps: isOps(caller),
      rejectionReasons: config.sla.rejectionReasons,
      reps,
    },
    ...(q.done ? { done: q.done } : {}),
    ...(isOps(caller)
      ? {
          ops: {
            ...(q.stage ? { stage: q.stage } : {}),
            ...(q.owner ? { owner: q.owner } : {}),
            ...(q.team ? { team: q.team } : {}),
            overdue: q.overdue === 'true',
            ...(page.cursor ? { next: filterQuery(q, { cursor: page.cursor }) } : {}),
            teams: teams.map((t) => t.id),
          },
        }
      : {}),
  });
}

const refused = (reason: string) =>
  new HttpProblem(409, 'Not possible now', `Nothing was changed: ${reason}.`);
const notFound = () => new HttpProblem(404, 'Lead not found', 'No lead with this id that you may see.');

/** Does one action through the use case the API calls for it; throws a problem when refused. */
async function act(
  action: BoardAction,
  leadId: string,
  caller: Caller,
  form: z.infer<typeof ActionForm>,
): Promise<void> {
  const by = caller.verifiedEmail ?? caller.subject;
  const activityId = form.formId ? `board:${caller.subject}:${form.formId}` : undefined;
  const base = { leadId, ...(caller.verifiedEmail ? { repEmail: caller.verifiedEmail } : {}) };
  const record = async (outcome: Awaited<ReturnType<typeof recordRepActivity>>) => {
    if (outcome.status === 'not-found') throw notFound();
    if (outcome.status === 'ignored') throw refused(outcome.reason);
  };
  const rep = repCaller(caller);
  const now = clock.now().toISOString();
  switch (action) {
    case 'touch':
      if (!form.channel)
        throw new HttpProblem(400, 'Please check the form', 'Pick how you contacted the lead.');
      return record(
        await recordRepActivity(
          ports,
          rep,
          'TouchLogged',
          { ...base, channel: form.channel, occurredAt: now },
          activityId,
        ),
      );
    case 'accept':
      return record(
        await recordRepActivity(ports, rep, 'LeadAccepted', { ...base, occurredAt: now }, activityId),
      );
    case 'reject': {
      const reason = [...config.sla.rejectionReasons, OTHER_REASON].find((r) => r === form.reason);
      if (!reason)
        throw new HttpProblem(400, 'Please check the form', 'Pick a reason for rejecting the lead.');
      if (reason === OTHER_REASON && !form.note)
        throw new HttpProblem(400, 'Please check the form', 'Say in a few words why you reject the lead.');
      const text =
        reason === OTHER_REASON ? (form.note as string) : form.note ? `${reason}: ${form.note}` : reason;
      return record(
        await recordRepActivity(ports, rep, 'LeadRejected', { ...base, reason: text }, activityId),
      );
    }
    case 'decline':
      return record(
        await recordRepActivity(
          ports,
          rep,
          'LeadDeclined',
          { ...base, ...(form.note ? { reason: form.note } : {}) },
          activityId,
        ),
      );
  }
  // Ops only from here; anyone else learns nothing about the lead.
  if (!isOps(caller)) throw notFound();
  if (action === 'reassign') {
    const result = await reassignLead(ports, leadId, {
      ...(form.repId ? { repId: form.repId } : {}),
      by,
      activityId: activityId ?? `reassign:${crypto.randomUUID()}`,
    });
    if (result.status === 'not-found') throw notFound();
    if (result.status === 'unknown-rep')
      throw new HttpProblem(400, 'Please check the form', 'No such rep on the roster.');
    if (result.status === 'refused') throw refused(result.reason);
    return;
  }
  const result =
    action === 'pause'
      ? await pauseSla(ports, leadId, { by, ...(form.reason ? { reason: form.reason } : {}) })
      : await resumeSla(ports, leadId, { by });
  if (result.status === 'not-found') throw notFound();
  if (result.status === 'refused') throw refused(result.reason);
}

async function boardAction(event: Event): Promise<Result> {
  const found = await session(event);
  const form = ActionForm.safeParse(decodeBody(event, MAX_FORM_BYTES).fields);
  if (!form.success) throw new HttpProblem(400, 'Please check the form', 'A field of the form is not valid.');
  assertSameSite(found, event, form.data.csrf);
  const action = BOARD_ACTIONS.find((a) => a === event.pathParameters?.action);
  if (!action) throw new HttpProblem(404, 'Not found', 'No such board action.');
  const leadId = leadIdOf(event);
  await act(action, leadId, found.caller, form.data);
  logger.info('Board action', { leadId, action });
  const back = parseBoardQuery(Object.fromEntries(new URLSearchParams(form.data.back)));
  return { statusCode: 303, headers: { location: `/board?${filterQuery(back, { done: action })}` } };
}

async function signIn(event: Event): Promise<Result> {
  // Login CSRF: another site must not sign the browser in as someone else.
  if (crossOrigin(event)) throw new HttpProblem(403, 'Forbidden', 'Sign in from the board itself.');
  const { fields } = decodeBody(event, MAX_FORM_BYTES);
  const token = String((fields as Record<string, unknown>).token ?? '').trim();
  const found = await session({ ...event, headers: { ...event.headers, authorization: `Bearer ${token}` } });
  return {
    statusCode: 303,
    headers: { location: '/board', 'cache-control': 'no-store' },
    cookies: [sessionCookieHeader(token, found.expiresAt, Date.now())],
  };
}

async function signOut(event: Event): Promise<Result> {
  if (crossOrigin(event)) throw new HttpProblem(403, 'Forbidden', 'Sign out from the board itself.');
  return { statusCode: 303, headers: { location: '/board' }, cookies: [clearedSessionCookie()] };
}

const ROUTES: Record<string, (event: Event) => Promise<Result>> = {
  'GET /board': showBoard,
  'POST /board/session': signIn,
  'POST /board/session/end': signOut,
  'POST /board/leads/{id}/{action}': boardAction,
};

async function board(event: Event): Promise<Result> {
  const route = ROUTES[event.routeKey];
  if (!route) throw new HttpProblem(404, 'Not found');
  return route(event);
}

export const handler = middy<Event, Result>()
  .use(
    problemErrorHandler({
      logger,
      // A person is reading: a page, and for a missing or expired sign-in, the sign-in form.
      render: (problem) =>
        problem.status === 401
          ? signInPage(config, problem.detail ?? 'Sign in.')
          : messagePage(config, problem.status, problem.title, problem.detail ?? ''),
    }),
  )
  .handler(board);
