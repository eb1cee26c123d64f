/**
 * Reads for the rep and ops APIs, without a scan of the table:
 * - search: the status index gsi1 (`gsi1pk=LEADS#<status>`, oldest first) narrowed by `source`
 *   on the index (it projects the profile), then the page's leads in one BatchGetItem and the
 *   filters the index cannot see (stage, owner, team, overdue: none of them is projected, so a
 *   stage change never rewrites the index). A round evaluates at most as many index entries as
 *   the page has room left, so the cursor never skips a match; a selective filter may answer a
 *   short page with a cursor, which a client following cursors does not notice.
 * - a rep's queue: their load item (`REP#<id>`, the lead ids routing reserved for them) and one
 *   BatchGetItem.
 * The cursor is the index's LastEvaluatedKey as base64url JSON, checked on the way back in: the
 * same four key attributes, for the status asked, naming a lead.
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type Lead, type LeadStatus, leadStatus } from '../domain/lead.ts';
import { type LeadFilter, matchesFilter } from '../domain/lead-queue.ts';
import { InvalidCursorError, type LeadSearch, type RepQueue } from '../use-cases/ports.ts';
import { documentClient } from './aws-clients.ts';
import { leadKey, toLead } from './lead-item.ts';
import { statusKey } from './lead-update.ts';

/** Index rounds one page may take before it answers with what it found and a cursor. */
const MAX_ROUNDS = 5;
const BATCH_GET_LIMIT = 100;
const LEAD_ID = /^ld_[A-Za-z0-9_-]{1,64}$/;

type IndexKey = { pk: string; sk: string; gsi1pk: string; gsi1sk: string };

export function encodeCursor(key: IndexKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, status: LeadStatus): IndexKey {
  const invalid = () => new InvalidCursorError('The cursor is not one this search issued.');
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw invalid();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid();
  const k = key as Record<string, unknown>;
  if (Object.keys(k).sort().join() !== 'gsi1pk,gsi1sk,pk,sk') throw invalid();
  if (!Object.values(k).every((v) => typeof v === 'string')) throw invalid();
  const leadId = String(k.pk).slice('LEAD#'.length);
  const valid =
    String(k.pk).startsWith('LEAD#') &&
    LEAD_ID.test(leadId) &&
    k.sk === 'LEAD' &&
    k.gsi1pk === statusKey(status) &&
    String(k.gsi1sk).endsWith(`#${leadId}`);
  if (!valid) throw invalid();
  return k as IndexKey;
}

/** The leads with these ids, in the order given (missing ones left out). */
export async function batchGetLeads(tableName: string, leadIds: readonly string[]): Promise<Lead[]> {
  const found = new Map<string, Lead>();
  for (let i = 0; i < leadIds.length; i += BATCH_GET_LIMIT) {
    let keys: Array<Record<string, unknown>> | undefined = leadIds
      .slice(i, i + BATCH_GET_LIMIT)
      .map((id) => leadKey(id));
    while (keys?.length) {
      const result: BatchGetCommandOutput = await documentClient().send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[tableName] ?? []) {
        const lead = toLead(item);
        found.set(lead.leadId, lead);
      }
      keys = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return leadIds.flatMap((id) => found.get(id) ?? []);
}

export class DynamoLeadSearch implements LeadSearch, RepQueue {
  constructor(private readonly tableName: string) {}

  async search(
    filter: LeadFilter,
    page: { limit: number; cursor?: string },
  ): Promise<{ leads: Lead[]; cursor?: string }> {
    let startKey: Record<string, unknown> | undefined = page.cursor
      ? decodeCursor(page.cursor, filter.status)
      : undefined;
    const leads: Lead[] = [];
    for (let round = 0; round < MAX_ROUNDS && leads.length < page.limit; round++) {
      const result = await documentClient().send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ...(filter.source
            ? {
                FilterExpression: '#profile.#utm.#source = :source',
                ExpressionAttributeNames: { '#profile': 'profile', '#utm': 'utm', '#source': 'source' },
              }
            : {}),
          ExpressionAttributeValues: {
            ':pk': statusKey(filter.status),
            ...(filter.source ? { ':source': filter.source } : {}),
          },
          ProjectionExpression: filter.source ? 'leadId, #profile' : 'leadId',
          // Never more entries than the page still has room for: the cursor then skips nothing.
          Limit: page.limit - leads.length,
          ExclusiveStartKey: startKey,
        }),
      );
      const ids = (result.Items ?? []).map((item) => String(item.leadId));
      const read = await batchGetLeads(this.tableName, ids);
      leads.push(
        ...read.filter((lead) => leadStatus(lead.stage) === filter.status && matchesFilter(lead, filter)),
      );
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    return { leads, ...(startKey ? { cursor: encodeCursor(startKey as IndexKey) } : {}) };
  }

  async leadsHeldBy(repId: string): Promise<Lead[]> {
    const load = await documentClient().send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `REP#${repId}`, sk: 'LOAD' },
        ConsistentRead: true,
      }),
    );
    const ids = [...((load.Item?.leads as Set<string> | undefined) ?? [])].sort();
    return batchGetLeads(this.tableName, ids);
  }
}
