/**
 * Routing state shared by concurrent hand-offs: a rotation cursor per team and an open-lead
 * count per rep, each its own item so every change is one conditional single-item write.
 * Keys: `pk=TEAM#<id>, sk=ROTATION` {cursor}; `pk=REP#<id>, sk=LOAD` {leads: string set}.
 * A rep's load is the set of lead ids they hold, not a counter, so taking and giving back a
 * lead are idempotent: a hand-off retried after a crash cannot count the same lead twice.
 */

import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RoutingSnapshot, RoutingState } from '../use-cases/ports.ts';
import { documentClient } from './aws-clients.ts';
import { unlessConditionFails } from './conditional-write.ts';

const rotationKey = (teamId: string) => ({ pk: `TEAM#${teamId}`, sk: 'ROTATION' });
const loadKey = (repId: string) => ({ pk: `REP#${repId}`, sk: 'LOAD' });

export class RoutingStore implements RoutingState {
  constructor(private readonly tableName: string) {}

  async snapshot(teamId: string, repIds: string[], leadId?: string): Promise<RoutingSnapshot> {
    const keys = [rotationKey(teamId), ...repIds.map(loadKey)];
    const result = await documentClient().send(
      new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
    );
    const items = result.Responses?.[this.tableName] ?? [];
    let cursor = 0;
    let heldBy: string | undefined;
    const openLeadsByRep: Record<string, number> = Object.fromEntries(repIds.map((id) => [id, 0]));
    for (const item of items) {
      if (item.sk === 'ROTATION') {
        cursor = Number(item.cursor ?? 0);
        continue;
      }
      const repId = String(item.pk).slice('REP#'.length);
      const leads = item.leads as Set<string> | undefined;
      openLeadsByRep[repId] = leads?.size ?? 0;
      if (leadId && leads?.has(leadId)) heldBy = repId;
    }
    return { cursor, openLeadsByRep, ...(heldBy ? { heldBy } : {}) };
  }

  /** Moves the cursor only if nobody else moved it since our snapshot (fair under concurrency). */
  async advanceCursor(teamId: string, expected: number, next: number): Promise<boolean> {
    const result = await unlessConditionFails(() =>
      documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: rotationKey(teamId),
          UpdateExpression: 'SET #cursor = :next',
          ConditionExpression:
            expected === 0 ? 'attribute_not_exists(#cursor) OR #cursor = :expected' : '#cursor = :expected',
          ExpressionAttributeNames: { '#cursor': 'cursor' },
          ExpressionAttributeValues: { ':next': next, ':expected': expected },
        }),
      ),
    );
    return result !== undefined;
  }

  /** Adds the lead to the rep's load unless the rep is full (a lead already held always fits). */
  async reserve(repId: string, leadId: string, capacity: number): Promise<boolean> {
    const result = await unlessConditionFails(() =>
      documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: loadKey(repId),
          UpdateExpression: 'ADD #leads :lead',
          ConditionExpression:
            'attribute_not_exists(#leads) OR size(#leads) < :capacity OR contains(#leads, :leadId)',
          ExpressionAttributeNames: { '#leads': 'leads' },
          ExpressionAttributeValues: { ':lead': new Set([leadId]), ':leadId': leadId, ':capacity': capacity },
        }),
      ),
    );
    return result !== undefined;
  }

  async release(repId: string, leadId: string): Promise<void> {
    await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: loadKey(repId),
        UpdateExpression: 'DELETE #leads :lead',
        ExpressionAttributeNames: { '#leads': 'leads' },
        ExpressionAttributeValues: { ':lead': new Set([leadId]) },
      }),
    );
  }
}
