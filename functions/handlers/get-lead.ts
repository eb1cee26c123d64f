/**
 * GET /leads/{id} — ops see every lead; a rep sees the leads they own (verified email or rep id,
 * see http/caller.ts). Anything else, a token without a role included, is a 404, so lead ids
 * cannot be probed.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { LeadStore } from '../adapters/lead-store.ts';
import { callerFrom, ownsLead } from '../http/caller.ts';
import { leadRepresentation } from '../http/lead-representation.ts';
import { HttpProblem } from '../http/problem.ts';
import { problemErrorHandler } from '../http/problem-error-handler.ts';
import { ENV, requiredEnv } from '../runtime/env.ts';
import { logger } from '../runtime/logger.ts';
import { unitConfig } from '../runtime/unit-config.ts';

const leads = new LeadStore(requiredEnv(ENV.tableName));

async function getLead(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<APIGatewayProxyStructuredResultV2> {
  const caller = callerFrom(event, unitConfig().auth.rolesClaim);
  const leadId = event.pathParameters?.id ?? '';
  if (!/^ld_[A-Za-z0-9_-]{1,64}$/.test(leadId)) {
    throw new HttpProblem(404, 'Lead not found', 'No lead with this id.');
  }
  // A caller with no role sees nothing, and learns as little as a rep asking for another's lead.
  const lead = caller.roles.size > 0 ? await leads.get(leadId) : undefined;
  const visible = lead && (caller.roles.has('ops') || ownsLead(caller, lead.owner));
  if (!lead || !visible)
    throw new HttpProblem(404, 'Lead not found', 'No lead with this id that you may see.');
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    // The lead item keeps its recent timeline; the whole of it is read only for a visible lead.
    body: JSON.stringify(leadRepresentation({ ...lead, timeline: await leads.timeline(lead.leadId) })),
  };
}

export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2>()
  .use(problemErrorHandler({ logger }))
  .handler(getLead);
