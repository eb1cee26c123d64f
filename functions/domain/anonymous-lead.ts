/**
 * What an erased lead leaves behind for reports: when it came, how far it got and how fast,
 * never who it was. No profile field that could tell a person (name, email, company, phone,
 * message, country, custom fields, free-text reasons), no lead id (it is derived from the email),
 * no timeline text: only the kind and time of each step.
 */
import type { Lead, TimelineEntry } from './lead.ts';

const KEPT_SLA_TIMES = [
  'assignedAt',
  'followUpDueAt',
  'firstTouchAt',
  'breachedAt',
  'acceptedAt',
  'touchAttempts',
  'reassignments',
  'handoffs',
] as const;

export function anonymousLead(lead: Lead, timeline: TimelineEntry[], anonymousId: string, now: Date) {
  const sla = lead.sla ?? {};
  return {
    anonymousId,
    businessUnit: lead.businessUnit,
    stage: lead.stage,
    createdAt: lead.createdAt,
    erasedAt: now.toISOString(),
    ...(lead.profile.intent ? { intent: lead.profile.intent } : {}),
    ...(lead.profile.utm?.source ? { utmSource: lead.profile.utm.source } : {}),
    ...(lead.profile.utm?.campaign ? { utmCampaign: lead.profile.utm.campaign } : {}),
    ...(lead.score ? { score: lead.score.total } : {}),
    ...(lead.owner?.repId ? { repId: lead.owner.repId } : {}),
    ...(lead.owner?.teamId ? { teamId: lead.owner.teamId } : {}),
    ...(lead.outcome ? { outcome: lead.outcome.result, outcomeAt: lead.outcome.at } : {}),
    sla: Object.fromEntries(KEPT_SLA_TIMES.flatMap((k) => (sla[k] === undefined ? [] : [[k, sla[k]]]))),
    steps: timeline.map((entry) => ({ at: entry.at, type: entry.type })),
  };
}
