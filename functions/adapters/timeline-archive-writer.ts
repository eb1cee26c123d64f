/** The DynamoDB side of the timeline archive (timeline-archive.ts holds the rules). */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TimelineEntry } from '../domain/lead.ts';
import { documentClient } from './aws-clients.ts';
import { unlessConditionFails } from './conditional-write.ts';
import { leadKey } from './lead-item.ts';
import { UpdateBuilder } from './lead-update.ts';
import { archiveKey, batchToArchive } from './timeline-archive.ts';

/**
 * Moves the oldest timeline entries to an archive item once the lead holds too many: the
 * archive is written first under a key derived from its entries (writing it twice is
 * harmless), then removed from the lead only if they are still its first entries.
 */
export async function archiveIfLong(
  tableName: string,
  leadId: string,
  item: Record<string, unknown>,
): Promise<void> {
  const batch = batchToArchive((item.timeline as TimelineEntry[] | undefined) ?? []);
  if (!batch) return;
  await documentClient().send(
    new PutCommand({
      TableName: tableName,
      Item: { pk: `LEAD#${leadId}`, sk: archiveKey(batch), entries: batch },
    }),
  );
  // Keep the rest as it is now, unless the timeline changed since this update returned it (a
  // concurrent append): then the next update archives. (Setting the remainder, rather than
  // REMOVE-ing list indexes, behaves the same on DynamoDB and on dynalite, which shifts
  // indexes between the removals of one expression.)
  const timeline = (item.timeline as TimelineEntry[]).slice(batch.length);
  const trim = new UpdateBuilder().set('timeline', timeline);
  const head = batch[0] as TimelineEntry;
  const path = trim.path('timeline');
  trim
    .when(`size(${path}) = ${trim.value(timeline.length + batch.length)}`)
    .when(`${path}[0].${trim.path('at')} = ${trim.value(head.at)}`)
    .when(`${path}[0].${trim.path('summary')} = ${trim.value(head.summary)}`);
  await unlessConditionFails(() =>
    documentClient().send(new UpdateCommand({ TableName: tableName, Key: leadKey(leadId), ...trim.input() })),
  );
}
