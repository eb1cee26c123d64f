/**
 * The team roster as data: one item `pk=ROSTER, sk=CURRENT` {version, teams, updatedAt,
 * updatedBy}. A replacement is one conditional put on the version read (optimistic
 * concurrency), so two ops editing at once cannot lose one another's change.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Team } from '../../config/schema.ts';
import type { RosterStore, RosterVersion } from '../use-cases/ports.ts';
import { documentClient } from './aws-clients.ts';
import { unlessConditionFails } from './conditional-write.ts';

export const ROSTER_KEY = { pk: 'ROSTER', sk: 'CURRENT' } as const;

export class DynamoRosterStore implements RosterStore {
  constructor(private readonly tableName: string) {}

  async current(): Promise<RosterVersion | undefined> {
    const result = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: ROSTER_KEY, ConsistentRead: true }),
    );
    const item = result.Item;
    if (!item) return undefined;
    return {
      version: Number(item.version),
      teams: item.teams as Team[],
      ...(item.updatedAt ? { updatedAt: String(item.updatedAt) } : {}),
      ...(item.updatedBy ? { updatedBy: String(item.updatedBy) } : {}),
    };
  }

  async replace(
    teams: Team[],
    expectedVersion: number,
    by: string,
    now: Date,
  ): Promise<RosterVersion | 'conflict'> {
    const next: RosterVersion = {
      version: expectedVersion + 1,
      teams,
      updatedAt: now.toISOString(),
      updatedBy: by,
    };
    const written = await unlessConditionFails(() =>
      documentClient().send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...ROSTER_KEY, ...next },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      ),
    );
    return written === undefined ? 'conflict' : next;
  }
}
