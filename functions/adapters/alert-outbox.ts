/**
 * The alert outbox on DynamoDB: one item per lead and alert marker, `pk=LEAD#<id>,
 * sk=ALERT#<marker>`, apart from the lead item so that a lead the lifecycle cannot update can
 * still alert ops. The message is recorded with the intent; a retried step records it again as
 * it composes it now (the latest facts) until the alert is marked sent, after which nothing
 * changes it. The item expires a year after it was first recorded.
 *
 * The scorecard's scheduled mail (use-cases/scorecard-mail.ts) uses the same outbox under its
 * own partition, `REPORTS#<unit>`: pass `REPORTS_PARTITION` and the unit's name as the id.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EmailMessage } from '../domain/notifications.ts';
import type { AlertOutbox } from '../use-cases/ports.ts';
import { documentClient } from './aws-clients.ts';
import { unlessConditionFails } from './conditional-write.ts';
import { queryItems } from './query-pages.ts';

const KEEP_DAYS = 365;

/** The partition prefix of the scorecard mail's outbox (the digest and the pace alerts). */
export const REPORTS_PARTITION = 'REPORTS#';

export class DynamoAlertOutbox implements AlertOutbox {
  /** `partition`: the prefix of the key the id goes in, `LEAD#` for a lead's alerts. */
  constructor(
    private readonly tableName: string,
    private readonly partition = 'LEAD#',
  ) {}

  private key(id: string, marker: string) {
    return { pk: `${this.partition}${id}`, sk: `ALERT#${marker}` };
  }

  /** One request: records (or, while unsent, refreshes) the message; a sent alert is left alone. */
  async record(
    leadId: string,
    marker: string,
    message: EmailMessage,
    now: Date,
  ): Promise<{ status: 'pending' | 'sent'; message: EmailMessage }> {
    const recorded = await unlessConditionFails(() =>
      documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(leadId, marker),
          UpdateExpression:
            'SET message = :message, #status = :pending, recordedAt = :now, ' +
            'expiresAt = if_not_exists(expiresAt, :expires)',
          ConditionExpression: 'attribute_not_exists(#status) OR #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':message': message,
            ':pending': 'pending',
            ':now': now.toISOString(),
            ':expires': Math.floor(now.getTime() / 1000) + KEEP_DAYS * 86_400,
          },
        }),
      ),
    );
    return { status: recorded ? 'pending' : 'sent', message };
  }

  async markSent(leadId: string, marker: string, now: Date): Promise<void> {
    await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(leadId, marker),
        UpdateExpression: 'SET #status = :sent, sentAt = :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':now': now.toISOString() },
      }),
    );
  }

  async pending(leadId: string): Promise<Array<{ marker: string; message: EmailMessage }>> {
    const found: Array<{ marker: string; message: EmailMessage }> = [];
    for await (const item of queryItems({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :alert)',
      FilterExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pk': this.key(leadId, '').pk,
        ':alert': 'ALERT#',
        ':pending': 'pending',
      },
      ConsistentRead: true,
    }))
      found.push({ marker: String(item.sk).slice('ALERT#'.length), message: item.message as EmailMessage });
    return found;
  }
}
