/**
 * A unit's lead history, as the simulator replays it: who came in when (the submission the
 * form or integration posted), what marketing saw them do afterwards, what sales made of them,
 * and how fast each rep answers. Written by `npm run seed` (simulator/seed.ts); the same shape
 * would come from a unit's own store or event archive.
 */
import * as z from 'zod';

const isoInstant = z.iso.datetime({ offset: true });
const Spread = z.object({
  /** Business minutes (or days, where named) half of the answers take at most. */
  median: z.number().positive(),
  /** ...and nine in ten. */
  p90: z.number().positive(),
});

export const RepBehaviour = z.object({
  /** Business minutes from being handed a lead to the first touch. */
  touchMinutes: Spread,
  /** Share of handed leads the rep never touches (they breach, escalate and move on). */
  missRate: z.number().min(0).max(1),
  /** Business minutes from the touch to accepting or rejecting. */
  decisionMinutes: Spread,
});
export type RepBehaviour = z.infer<typeof RepBehaviour>;

export const HistoricalLead = z.object({
  /** The body the lead was posted with (POST /leads fields). */
  submission: z.record(z.string(), z.unknown()),
  arrivedAt: isoInstant,
  /** Marketing engagement after arrival (it can wake a nurtured lead). */
  engagements: z.array(z.object({ afterDays: z.number().nonnegative(), type: z.string() })),
  /** What sales decided about the lead once touched, and how it ended if accepted. */
  verdict: z.enum(['accept', 'reject']),
  rejectionReason: z.string(),
  result: z.enum(['won', 'lost']),
  /** Calendar days from acceptance to the recorded outcome. */
  outcomeAfterDays: z.number().nonnegative(),
});
export type HistoricalLead = z.infer<typeof HistoricalLead>;

export const History = z.object({
  format: z.literal('leadflow-history/1'),
  unit: z.string(),
  seed: z.number().int(),
  period: z.object({ from: isoInstant, to: isoInstant }),
  reps: z.record(z.string(), RepBehaviour),
  leads: z.array(HistoricalLead),
});
export type History = z.infer<typeof History>;
