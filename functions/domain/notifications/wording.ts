/** What each kind of mail says: its subject, its headline and its opening sentence. */
import type { BusinessUnitConfig } from '../../../config/schema.ts';
import type { Lead } from '../lead.ts';
import { localTime, who } from './format.ts';
import type { NotificationFacts, NotificationKind } from './types.ts';

/**
 * The previous owner's "Not my lead", when that is why the lead was handed on: the lifecycle
 * records it on the timeline with the hand-off it ended.
 */
export function declinedBefore(lead: Pick<Lead, 'timeline' | 'sla'>): { by: string } | undefined {
  const previousHandoff = (lead.sla?.handoffs ?? 0) - 1;
  const entry = [...(lead.timeline ?? [])]
    .reverse()
    .find((e) => e.type === 'declined' && e.data?.handoff === previousHandoff);
  return entry ? { by: String(entry.data?.by ?? 'The previous owner') } : undefined;
}

export function subjectOf(lead: Lead, facts: NotificationFacts, tz: string): string {
  const name = who(lead);
  const due = localTime(lead.sla?.followUpDueAt, tz);
  switch (facts.kind) {
    case 'assigned':
      return `New lead for you: ${name} — first touch due ${due}`;
    case 'reminder':
      return `Reminder: follow up with ${name} before ${due}`;
    case 'breach':
      return `SLA breached: ${name} has not been contacted`;
    case 'escalation':
      return `Escalation level ${facts.level ?? 1}: ${name} still not contacted`;
    case 'reassigned-away':
      return declinedBefore(lead)
        ? `Lead reassigned: ${name} moved to another rep after "Not my lead"`
        : `Lead reassigned: ${name} moved to another rep after no follow-up`;
    case 'exhausted':
      return `Escalation exhausted: ${name} still not contacted after every level`;
    case 'give-up':
      return `Lead moved to the queue: ${name} was never contacted`;
    case 'decision-overdue':
      return `Accept or reject ${name}: decision overdue`;
    case 'outcome-overdue':
      return `Outcome overdue for ${name}: record won or lost`;
    case 'failure':
      return `Leadflow could not process lead ${lead.leadId}`;
  }
}

const HEADLINES: Record<NotificationKind, string> = {
  assigned: 'New lead for you',
  reminder: 'First touch due soon',
  breach: 'SLA breached',
  escalation: 'Escalation',
  'reassigned-away': 'Lead reassigned',
  exhausted: 'Escalation exhausted',
  'give-up': 'Lead moved to the queue',
  'decision-overdue': 'Decision overdue',
  'outcome-overdue': 'Outcome overdue',
  failure: 'Lifecycle failure',
};

export function headlineOf(facts: NotificationFacts): string {
  return facts.kind === 'escalation' ? `Escalation level ${facts.level ?? 1}` : HEADLINES[facts.kind];
}

export function introOf(lead: Lead, facts: NotificationFacts, config: BusinessUnitConfig): string {
  const sla = config.sla;
  switch (facts.kind) {
    case 'assigned':
      return 'A new sales-qualified lead was assigned to you. Please make the first touch before the deadline below.';
    case 'reminder':
      return `The first-touch deadline is close (${sla.reminderAtPercent}% of the SLA window has passed).`;
    case 'breach':
      return 'The first-touch deadline has passed without a logged touch. Please contact the lead now and log the touch.';
    case 'escalation':
      return 'This lead is still waiting for its first touch after the SLA breach.';
    case 'reassigned-away': {
      const to = lead.owner?.name ?? 'another rep';
      const previous = facts.previousOwnerEmail ? ` Previous owner: ${facts.previousOwnerEmail}.` : '';
      const declined = declinedBefore(lead);
      return declined
        ? `${declined.by} said this is not their lead, so it now belongs to ${to}.${previous}`
        : `No touch was logged in time, so the lead now belongs to ${to}.${previous}`;
    }
    case 'exhausted':
      return 'Every escalation level has fired and no reassignment is left. Please step in.';
    case 'give-up':
      return 'The lead was never contacted; it has been moved to the fallback queue.';
    case 'decision-overdue':
      return 'The lead was touched but not yet accepted or rejected (with a reason) within the agreed time.';
    case 'outcome-overdue':
      return 'The accepted lead has no recorded outcome (won or lost) within the agreed time.';
    case 'failure':
      return `A lifecycle step failed after retries: ${facts.error ?? 'unknown error'}. The lead is parked in stage "failed"; fix the cause and resume it.`;
  }
}
