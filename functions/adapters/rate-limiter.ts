/**
 * Per-client request counters in the unit's table, one item per client and fixed window
 * (`pk=RATE#<key>, sk=<window start>`), counted with an atomic ADD and expiring an hour after
 * the window. Keys never hold an address in clear: callers hash it.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter } from '../use-cases/ports.ts';
import { documentClient } from './aws-clients.ts';

export class DynamoRateLimiter implements RateLimiter {
  constructor(private readonly tableName: string) {}

  async hit(key: string, limit: number, windowSeconds: number, now: Date) {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const windowStart = nowSeconds - (nowSeconds % windowSeconds);
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `RATE#${key}`, sk: String(windowStart) },
        UpdateExpression: 'ADD hits :one SET expiresAt = if_not_exists(expiresAt, :expires)',
        ExpressionAttributeValues: { ':one': 1, ':expires': windowStart + windowSeconds + 3600 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const hits = Number(result.Attributes?.hits ?? 1);
    return { allowed: hits <= limit, retryAfterSeconds: windowStart + windowSeconds - nowSeconds };
  }
}
