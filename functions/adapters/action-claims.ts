/**
 * The single use of action links on DynamoDB: one item per link, `pk=LEAD#<id>,
 * sk=ACTION#<nonce>`, created by a conditional put (only the first claim succeeds), settled with
 * what the action did, and expiring a week after the link itself.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ActionClaimStore } from '../use-cases/ports.ts';
import { documentClient } from './aws-clients.ts';
import { unlessConditionFails } from './conditional-write.ts';

const claimKey = (leadId: string, nonce: string) => ({ pk: `LEAD#${leadId}`, sk: `ACTION#${nonce}` });
const KEEP_AFTER_EXPIRY_SECONDS = 7 * 86_400;

export class DynamoActionClaims implements ActionClaimStore {
  constructor(private readonly tableName: string) {}

  async claim(
    leadId: string,
    nonce: string,
    claim: { action: string; rep: string; expiresAt: Date },
    now: Date,
  ): Promise<'claimed' | 'taken'> {
    const put = await unlessConditionFails(() =>
      documentClient().send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...claimKey(leadId, nonce),
            action: claim.action,
            rep: claim.rep,
            claimedAt: now.toISOString(),
            expiresAt: Math.floor(claim.expiresAt.getTime() / 1000) + KEEP_AFTER_EXPIRY_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return put ? 'claimed' : 'taken';
  }

  async settle(leadId: string, nonce: string, outcome: string, now: Date): Promise<void> {
    await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: claimKey(leadId, nonce),
        UpdateExpression: 'SET settled = :outcome, settledAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':outcome': outcome, ':now': now.toISOString() },
      }),
    );
  }

  async get(leadId: string, nonce: string): Promise<{ claimedAt: string; settled?: string } | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: claimKey(leadId, nonce), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      claimedAt: String(Item.claimedAt),
      ...(typeof Item.settled === 'string' ? { settled: Item.settled } : {}),
    };
  }
}
