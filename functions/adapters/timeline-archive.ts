/**
 * The lead item keeps only its recent timeline; older entries move to archive items of the
 * same lead, so a lead's item stays far below DynamoDB's 400 KB limit however long its history.
 * Both lead stores use these rules, so they keep and read the timeline the same way.
 */
import { createHash } from 'node:crypto';
import type { TimelineEntry } from '../domain/lead.ts';

/** Entries kept on the lead item; beyond this the oldest ARCHIVE_BATCH move to an archive item. */
export const TIMELINE_ON_LEAD = 50;
export const ARCHIVE_BATCH = 25;

/** The archive item key of a batch: derived from its entries, so writing it again is harmless. */
export function archiveKey(batch: TimelineEntry[]): string {
  const digest = createHash('sha256').update(JSON.stringify(batch)).digest('base64url').slice(0, 10);
  return `TIMELINE#${batch[0]?.at ?? ''}#${digest}`;
}

/** The batch to archive when the lead holds too many entries (oldest first), else undefined. */
export function batchToArchive(timeline: TimelineEntry[]): TimelineEntry[] | undefined {
  return timeline.length > TIMELINE_ON_LEAD ? timeline.slice(0, ARCHIVE_BATCH) : undefined;
}

/**
 * The whole timeline: archived batches (in key order) then the lead's own entries. A batch that
 * was archived but is still on the lead item (a crash between the two writes) appears once.
 */
export function mergeTimeline(archived: TimelineEntry[][], onLead: TimelineEntry[]): TimelineEntry[] {
  const same = (a: TimelineEntry, b: TimelineEntry | undefined) => JSON.stringify(a) === JSON.stringify(b);
  let rest = onLead;
  for (const batch of archived)
    if (batch.length <= rest.length && batch.every((entry, i) => same(entry, rest[i])))
      rest = rest.slice(batch.length);
  return [...archived.flat(), ...rest];
}
