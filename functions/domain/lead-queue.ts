/**
 * What is due next on a lead, and whether it matches an ops search. Pure: the caller supplies
 * the instant. A lead owes one thing at a time: the first touch while assigned, the decision
 * (accept or reject) once touched, the outcome once accepted. While its SLA clock is paused it
 * owes nothing (the deadline is shown, but it is not running).
 */
import type { Lead, LeadStatus, Stage } from './lead.ts';

export type DeadlineKind = 'first-touch' | 'decision' | 'outcome';

export interface NextDeadline {
  kind: DeadlineKind;
  dueAt: string;
  /** True while the lead's SLA clock is paused: the instant moves on when it resumes. */
  paused: boolean;
}

const DEADLINE_OF: Partial<
  Record<Stage, { kind: DeadlineKind; field: 'followUpDueAt' | 'acceptanceDueAt' | 'outcomeDueAt' }>
> = {
  assigned: { kind: 'first-touch', field: 'followUpDueAt' },
  touched: { kind: 'decision', field: 'acceptanceDueAt' },
  accepted: { kind: 'outcome', field: 'outcomeDueAt' },
};

export function nextDeadline(lead: Lead): NextDeadline | undefined {
  const deadline = DEADLINE_OF[lead.stage];
  const dueAt = deadline ? lead.sla?.[deadline.field] : undefined;
  if (!deadline || !dueAt) return undefined;
  return { kind: deadline.kind, dueAt, paused: lead.sla?.pausedAt !== undefined };
}

/** Past its running deadline at `now` (a paused clock is never overdue). */
export function isOverdue(lead: Lead, now: Date): boolean {
  const deadline = nextDeadline(lead);
  return deadline !== undefined && !deadline.paused && Date.parse(deadline.dueAt) < now.getTime();
}

/** Soonest deadline first; leads owing nothing last, oldest first among themselves. */
export function byDeadline(a: Lead, b: Lead): number {
  const da = nextDeadline(a)?.dueAt;
  const db = nextDeadline(b)?.dueAt;
  if (da !== db) return da === undefined ? 1 : db === undefined ? -1 : da < db ? -1 : 1;
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}

/** An ops search: one status partition of the index, narrowed by the other filters. */
export interface LeadFilter {
  status: LeadStatus;
  stage?: Stage;
  /** The owner's rep id or email (case-insensitive). */
  owner?: string;
  team?: string;
  /** `utm.source` as captured. */
  source?: string;
  /** Only leads past their running deadline at this instant. */
  overdueAt?: Date;
}

export function matchesFilter(lead: Lead, filter: LeadFilter): boolean {
  if (filter.stage && lead.stage !== filter.stage) return false;
  if (filter.owner) {
    const wanted = filter.owner.toLowerCase();
    if (lead.owner?.repId !== filter.owner && lead.owner?.email.toLowerCase() !== wanted) return false;
  }
  if (filter.team && lead.owner?.teamId !== filter.team) return false;
  if (filter.source && lead.profile.utm?.source !== filter.source) return false;
  if (filter.overdueAt && !isOverdue(lead, filter.overdueAt)) return false;
  return true;
}
