/** The public JSON shape of a lead: everything a rep or ops needs, nothing internal (task tokens, keys). */
import type { Lead } from '../domain/lead.ts';

export function leadRepresentation(lead: Lead) {
  return {
    leadId: lead.leadId,
    businessUnit: lead.businessUnit,
    stage: lead.stage,
    profile: lead.profile,
    score: lead.score,
    owner: lead.owner,
    sla: lead.sla ?? {},
    followUpDueAt: lead.sla?.followUpDueAt,
    rejection: lead.rejection,
    outcome: lead.outcome,
    submissionCount: lead.submissionCount,
    createdAt: lead.createdAt,
    updatedAt: lead.updatedAt,
    timeline: lead.timeline,
  };
}
