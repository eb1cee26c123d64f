/**
 * The emails reps, managers and ops receive. Plain text, but complete: who the lead is, what
 * happened, how long it has waited against the SLA, and what to do next.
 */
import type { AlertAudience, BusinessUnitConfig } from '../../config/schema.ts';
import type { Lead } from './lead.ts';

export interface EmailMessage {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
}

export type NotificationKind =
  | 'assigned'
  | 'reminder'
  | 'breach'
  | 'escalation'
  | 'reassigned-away'
  | 'exhausted'
  | 'give-up'
  | 'decision-overdue'
  | 'outcome-overdue'
  | 'failure';

export interface NotificationFacts {
  kind: NotificationKind;
  audiences: AlertAudience[];
  now: Date;
  /** Business minutes since assignment, for breach and escalation mails. */
  businessMinutesWaited?: number;
  level?: number;
  previousOwnerEmail?: string;
  error?: string;
}

/**
 * Lead fields (names, company, message...) come from a public form. Each rendered line is made
 * one line: every run of control characters (C0, DEL, C1, and the Unicode line and paragraph
 * separators) becomes a single space, so a name like "Eva\r\nBcc: x@evil" can neither split a
 * subject into header lines nor add a body line that looks like a header.
 */
function oneLine(value: string): string {
  return value.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');
}

function who(lead: Lead): string {
  const p = lead.profile;
  const name = [p.firstName, p.lastName].filter(Boolean).join(' ') || p.email;
  return p.company ? `${name} (${p.company})` : name;
}

function formatMinutes(minutes: number): string {
  // Round first: rounding only the remainder would show 119.7 minutes as "1 h 60 min".
  const whole = Math.round(minutes);
  const h = Math.floor(whole / 60);
  const m = whole % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

function localTime(iso: string | undefined, timezone: string): string {
  if (!iso) return 'n/a';
  return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: timezone }).format(new Date(iso))} (${timezone})`;
}

export function recipients(lead: Lead, audiences: AlertAudience[], config: BusinessUnitConfig): string[] {
  const to = new Set<string>();
  for (const audience of audiences) {
    if (audience === 'rep' && lead.owner?.email) to.add(lead.owner.email);
    if (audience === 'manager') {
      if (lead.owner?.managerEmail) to.add(lead.owner.managerEmail);
      for (const email of config.email.alertRecipients.salesManagers) to.add(email);
    }
    if (audience === 'ops') for (const email of config.email.alertRecipients.ops) to.add(email);
  }
  return [...to];
}

export function composeNotification(
  lead: Lead,
  facts: NotificationFacts,
  config: BusinessUnitConfig,
): EmailMessage {
  const tz = config.timezone;
  const sla = config.sla;
  const lines = [
    `Lead: ${who(lead)}`,
    `Email: ${lead.profile.email}${lead.profile.phone ? ` | Phone: ${lead.profile.phone}` : ''}`,
    lead.profile.jobTitle ? `Title: ${lead.profile.jobTitle}` : undefined,
    lead.profile.intent ? `Asked for: ${lead.profile.intent}` : undefined,
    lead.profile.message ? `Message: ${lead.profile.message}` : undefined,
    lead.score
      ? `Score: ${lead.score.total} (fit ${lead.score.fit}, engagement ${lead.score.engagement})`
      : undefined,
    `Owner: ${lead.owner ? `${lead.owner.name} <${lead.owner.email}>` : 'unassigned'}`,
    `Assigned: ${localTime(lead.sla?.assignedAt, tz)}`,
    `First touch due: ${localTime(lead.sla?.followUpDueAt, tz)} (SLA: ${formatMinutes(sla.firstTouchMinutes)} of business time)`,
    facts.businessMinutesWaited !== undefined
      ? `Waited so far: ${formatMinutes(facts.businessMinutesWaited)} of business time`
      : undefined,
    `Lead id: ${lead.leadId} (business unit ${config.name})`,
  ].filter((l): l is string => Boolean(l));

  const subjects: Record<NotificationKind, string> = {
    assigned: `New lead for you: ${who(lead)} — first touch due ${localTime(lead.sla?.followUpDueAt, tz)}`,
    reminder: `Reminder: follow up with ${who(lead)} before ${localTime(lead.sla?.followUpDueAt, tz)}`,
    breach: `SLA breached: ${who(lead)} has not been contacted`,
    escalation: `Escalation level ${facts.level ?? 1}: ${who(lead)} still not contacted`,
    'reassigned-away': `Lead reassigned: ${who(lead)} moved to another rep after no follow-up`,
    exhausted: `Escalation exhausted: ${who(lead)} still not contacted after every level`,
    'give-up': `Lead moved to the queue: ${who(lead)} was never contacted`,
    'decision-overdue': `Accept or reject ${who(lead)}: decision overdue`,
    'outcome-overdue': `Outcome overdue for ${who(lead)}: record won or lost`,
    failure: `Leadflow could not process lead ${lead.leadId}`,
  };
  const intros: Record<NotificationKind, string> = {
    assigned:
      'A new sales-qualified lead was assigned to you. Please make the first touch before the deadline below.',
    reminder: `The first-touch deadline is close (${sla.reminderAtPercent}% of the SLA window has passed).`,
    breach:
      'The first-touch deadline has passed without a logged touch. Please contact the lead now and log the touch.',
    escalation: 'This lead is still waiting for its first touch after the SLA breach.',
    'reassigned-away': `No touch was logged in time, so the lead now belongs to ${lead.owner?.name ?? 'another rep'}.${facts.previousOwnerEmail ? ` Previous owner: ${facts.previousOwnerEmail}.` : ''}`,
    exhausted: 'Every escalation level has fired and no reassignment is left. Please step in.',
    'give-up': 'The lead was never contacted; it has been moved to the fallback queue.',
    'decision-overdue':
      'The lead was touched but not yet accepted or rejected (with a reason) within the agreed time.',
    'outcome-overdue': 'The accepted lead has no recorded outcome (won or lost) within the agreed time.',
    failure: `A lifecycle step failed after retries: ${facts.error ?? 'unknown error'}. The lead is parked in stage "failed"; fix the cause and resume it.`,
  };
  // The body keeps its line structure; only the values inside each line are flattened.
  return {
    to: recipients(lead, facts.audiences, config),
    subject: oneLine(subjects[facts.kind]),
    text: `${oneLine(intros[facts.kind])}\n\n${lines.map(oneLine).join('\n')}\n\n— Leadflow (${oneLine(config.displayName)})\n`,
  };
}
