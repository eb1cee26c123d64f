/**
 * Once-only delivery of signed inbound events on DynamoDB: one item per sender event id,
 * `pk=sk=INBOUND#<source>#<eventId>`, created by a conditional put before the event goes on the
 * bus, marked `put` after, deleted when the put failed. A claim left `claimed` for longer than
 * any request lives belonged to a process that died between claiming and putting: the next
 * claimer takes it over. Items expire a week after the claim (senders retry within hours).
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { InboundEventClaims } from '../use-cases/ports.ts';
import { documentClient } from './aws-clients.ts';
import { unlessConditionFails } from './conditional-write.ts';

/** Longer than the function's timeout: a claim this old has no request behind it any more. */
export const ABANDONED_CLAIM_SECONDS = 60;
const KEEP_SECONDS = 7 * 86_400;

const claimKey = (key: string) => ({ pk: `INBOUND#${key}`, sk: `INBOUND#${key}` });

export class DynamoInboundEventClaims implements InboundEventClaims {
  constructor(private readonly tableName: string) {}

  async claim(
    key: string,
    fingerprint: string,
    now: Date,
  ): Promise<'claimed' | 'put' | 'in-flight' | 'conflict'> {
    const abandonedBefore = new Date(now.getTime() - ABANDONED_CLAIM_SECONDS * 1000).toISOString();
    const claimed = await unlessConditionFails(() =>
      documentClient().send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...claimKey(key),
            state: 'claimed',
            fingerprint,
            claimedAt: now.toISOString(),
            expiresAt: Math.floor(now.getTime() / 1000) + KEEP_SECONDS,
          },
          ConditionExpression:
            'attribute_not_exists(pk) OR (#state = :claimed AND fingerprint = :fingerprint AND claimedAt < :abandoned)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':claimed': 'claimed',
            ':fingerprint': fingerprint,
            ':abandoned': abandonedBefore,
          },
        }),
      ),
    );
    if (claimed) return 'claimed';
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: claimKey(key), ConsistentRead: true }),
    );
    // Released between the two requests: its putter failed, and this request's sender retries.
    if (!Item) return 'in-flight';
    if (Item.fingerprint !== fingerprint) return 'conflict';
    return Item.state === 'put' ? 'put' : 'in-flight';
  }

  async markPut(key: string, now: Date): Promise<void> {
    await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: claimKey(key),
        UpdateExpression: 'SET #state = :put, putAt = :now',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':put': 'put', ':now': now.toISOString() },
      }),
    );
  }

  async release(key: string): Promise<void> {
    await documentClient()
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: claimKey(key),
          ConditionExpression: '#state = :claimed',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':claimed': 'claimed' },
        }),
      )
      .catch((error: unknown) => {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      });
  }
}
