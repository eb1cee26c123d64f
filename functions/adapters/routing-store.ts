/**
 * Routing state shared by concurrent hand-offs: a rotation cursor per team and an open-lead
 * count per rep, each its own item so every change is one conditional single-item write.
 * Keys: `pk=TEAM#<id>, sk=ROTATION` {cursor}; `pk=REP#<id>, sk=LOAD` {open}.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws-clients.ts';

const rotationKey = (teamId: string) => ({ pk: `TEAM#${teamId}`, sk: 'ROTATION' });
const loadKey = (repId: string) => ({ pk: `REP#${repId}`, sk: 'LOAD' });

export class RoutingStore {
  constructor(private readonly tableName: string) {}

  async snapshot(
    teamId: string,
    repIds: string[],
  ): Promise<{ cursor: number; openLeadsByRep: Record<string, number> }> {
    const keys = [rotationKey(teamId), ...repIds.map(loadKey)];
    const result = await documentClient().send(
      new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
    );
    const items = result.Responses?.[this.tableName] ?? [];
    let cursor = 0;
    const openLeadsByRep: Record<string, number> = Object.fromEntries(repIds.map((id) => [id, 0]));
    for (const item of items) {
      if (item.sk === 'ROTATION') cursor = Number(item.cursor ?? 0);
      else openLeadsByRep[String(item.pk).slice('REP#'.length)] = Number(item.open ?? 0);
    }
    return { cursor, openLeadsByRep };
  }

  /** Moves the cursor only if nobody else moved it since our snapshot (fair under concurrency). */
  async advanceCursor(teamId: string, expected: number, next: number): Promise<boolean> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: rotationKey(teamId),
          UpdateExpression: 'SET #cursor = :next',
          ConditionExpression:
            expected === 0 ? 'attribute_not_exists(#cursor) OR #cursor = :expected' : '#cursor = :expected',
          ExpressionAttributeNames: { '#cursor': 'cursor' },
          ExpressionAttributeValues: { ':next': next, ':expected': expected },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Takes one unit of a rep's capacity, refusing when the rep is full. */
  async reserve(repId: string, capacity: number): Promise<boolean> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: loadKey(repId),
          UpdateExpression: 'ADD #open :one',
          ConditionExpression: 'attribute_not_exists(#open) OR #open < :capacity',
          ExpressionAttributeNames: { '#open': 'open' },
          ExpressionAttributeValues: { ':one': 1, ':capacity': capacity },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(repId: string): Promise<void> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: loadKey(repId),
          UpdateExpression: 'ADD #open :minusOne',
          ConditionExpression: '#open > :zero',
          ExpressionAttributeNames: { '#open': 'open' },
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
