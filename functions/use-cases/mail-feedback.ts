/**
 * What an SES bounce or complaint event means for the suppression list. SES publishes the
 * configuration set's events in the event-publishing format (`eventType`); identity
 * notifications use `notificationType` with the same bodies, so both are read.
 * Suppressed: every recipient of a permanent bounce, every recipient who complained.
 * Not suppressed: transient and undetermined bounces (a full mailbox recovers).
 */
import * as z from 'zod';

const Recipient = z.object({
  emailAddress: z.string().min(3).max(320),
  diagnosticCode: z.string().optional(),
});

const Feedback = z.union([
  z.object({
    type: z.literal('Bounce'),
    bounce: z.object({
      bounceType: z.string(),
      bounceSubType: z.string().optional(),
      bouncedRecipients: z.array(Recipient),
    }),
  }),
  z.object({
    type: z.literal('Complaint'),
    complaint: z.object({
      complainedRecipients: z.array(Recipient),
      complaintFeedbackType: z.string().optional(),
    }),
  }),
  z.object({ type: z.string() }),
]);

export interface Suppression {
  address: string;
  reason: 'bounce' | 'complaint';
  detail?: string;
}

/** "Anna <anna@x>" or "anna@x" -> "anna@x". */
const addressOf = (value: string) => (/<([^<>]+)>\s*$/.exec(value)?.[1] ?? value).trim();

/** The addresses an SES event suppresses (none for other events), or the parse error. */
export function suppressionsFrom(message: unknown): Suppression[] | z.ZodError {
  const raw = (message ?? {}) as Record<string, unknown>;
  const parsed = Feedback.safeParse({ ...raw, type: raw.eventType ?? raw.notificationType });
  if (!parsed.success) return parsed.error;
  const feedback = parsed.data;
  if ('bounce' in feedback) {
    if (feedback.bounce.bounceType !== 'Permanent') return [];
    return feedback.bounce.bouncedRecipients.map((r) => ({
      address: addressOf(r.emailAddress),
      reason: 'bounce' as const,
      detail: `Permanent/${feedback.bounce.bounceSubType ?? 'General'}`,
    }));
  }
  if ('complaint' in feedback)
    return feedback.complaint.complainedRecipients.map((r) => ({
      address: addressOf(r.emailAddress),
      reason: 'complaint' as const,
      ...(feedback.complaint.complaintFeedbackType
        ? { detail: feedback.complaint.complaintFeedbackType }
        : {}),
    }));
  return [];
}
