/** The shapes every notification module shares. */
import type { AlertAudience } from '../../../config/schema.ts';

/**
 * One email as the alert outbox records it and the mailer sends it: a single-line subject, a
 * complete plain-text body, and (optionally) the same content as HTML.
 */
export interface EmailMessage {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html?: string;
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
