/**
 * The unit's record of addresses SES reported as a permanent bounce or a complaint (written by
 * the ses-feedback function), one item each, `pk=SUPPRESSED#<sha256 of the lower-cased
 * address>, sk=SUPPRESSED`. The address itself is not stored: ops check an address by hashing it
 * (`lookup`). Nothing on the mail path reads it: SES drops mail to these addresses itself.
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SuppressionEntry, SuppressionList } from '../use-cases/ports.ts';
import { documentClient } from './aws-clients.ts';
import { unlessConditionFails } from './conditional-write.ts';

export const suppressionKey = (address: string) => {
  const hash = createHash('sha256').update(address.trim().toLowerCase()).digest('hex');
  return { pk: `SUPPRESSED#${hash}`, sk: 'SUPPRESSED' };
};

const MAX_DETAIL = 200;

export class DynamoSuppressionList implements SuppressionList {
  constructor(private readonly tableName: string) {}

  async suppress(
    address: string,
    entry: Omit<SuppressionEntry, 'suppressedAt'>,
    now: Date,
  ): Promise<'recorded' | 'known'> {
    // Conditional: once SES suppresses an address, every later mail to it comes back as another
    // bounce event (subtype OnAccountSuppressionList); the first reason is the one ops need.
    const put = await unlessConditionFails(() =>
      documentClient().send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...suppressionKey(address),
            reason: entry.reason,
            ...(entry.detail ? { detail: entry.detail.slice(0, MAX_DETAIL) } : {}),
            suppressedAt: now.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return put ? 'recorded' : 'known';
  }

  async lookup(address: string): Promise<SuppressionEntry | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: suppressionKey(address), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      reason: Item.reason === 'complaint' ? 'complaint' : 'bounce',
      ...(typeof Item.detail === 'string' ? { detail: Item.detail } : {}),
      suppressedAt: String(Item.suppressedAt),
    };
  }
}
