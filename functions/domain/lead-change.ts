/**
 * One change to a lead, as the stores apply it atomically: dotted field paths set or removed,
 * timeline entries appended, optionally a new stage. `applyLeadChange` computes the lead after
 * it without touching a store: the in-memory store applies changes with it, and a step composes
 * its alerts from the lead as it will be before it writes anything.
 */
import type { Lead, Stage, TimelineEntry } from './lead.ts';

export interface LeadChange {
  stage?: Stage;
  /** Dotted attribute paths to set; `undefined` removes the attribute. */
  set?: Record<string, unknown>;
  timeline?: TimelineEntry[];
  /** Refuse the change unless the lead is in one of these stages. */
  onlyFromStages?: Stage[];
}

/** A path into a map that does not exist (DynamoDB refuses such an update the same way). */
export class InvalidLeadPath extends Error {
  override name = 'ValidationException';
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const segments = dotted.split('.');
  const last = segments.pop() as string;
  let node = target;
  for (const segment of segments) {
    const next = node[segment];
    if (next === null || typeof next !== 'object')
      throw new InvalidLeadPath(`The document path ${dotted} is invalid for update`);
    node = next as Record<string, unknown>;
  }
  if (value === undefined) delete node[last];
  else node[last] = structuredClone(value);
}

/** The lead after `change` at `now` (the input is not modified). Version and updatedAt move on. */
export function applyLeadChange(lead: Lead, change: LeadChange, now: Date): Lead {
  const next = structuredClone(lead) as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(change.set ?? {})) setPath(next, field, value);
  const after = next as unknown as Lead;
  after.updatedAt = now.toISOString();
  if (change.stage) after.stage = change.stage;
  if (change.timeline?.length)
    after.timeline = [...(after.timeline ?? []), ...structuredClone(change.timeline)];
  after.version = (after.version ?? 0) + 1;
  return after;
}
