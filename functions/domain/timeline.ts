import type { Owner, TimelineEntry } from './lead.ts';

/** One line of a lead's history, as reps and managers read it. */
export const timelineEntry = (
  at: Date,
  type: string,
  summary: string,
  data?: Record<string, unknown>,
): TimelineEntry => ({
  at: at.toISOString(),
  type,
  summary,
  ...(data ? { data } : {}),
});

/** How events refer to an owner: ids only, never a name or an address. */
export const ownerRef = (owner: Owner | undefined) => ({
  repId: owner?.repId,
  teamId: owner?.teamId,
  fallback: owner?.fallback,
});
