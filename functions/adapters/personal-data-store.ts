/**
 * Where a person's data lives in the unit table, for GDPR export and erasure: the lead's whole
 * partition `LEAD#<id>` (the lead, archived timeline, alerts with their mails, action claims)
 * and quarantined submissions (`QUARANTINE#<uuid>`, found on gsi1, which projects the profile).
 * The anonymous record an erasure leaves is `pk=ERASED#<anonymous id>, sk=ERASED`, listed on
 * gsi1 under `ERASED` by creation time, apart from the status partitions so nothing resumes it.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AnonymousLead, PersonalDataStore } from '../use-cases/ports.ts';
import { documentClient } from './aws-clients.ts';
import { queryAll } from './query-pages.ts';

export const ERASED_PARTITION = 'ERASED';

export class DynamoPersonalDataStore implements PersonalDataStore {
  constructor(private readonly tableName: string) {}

  private queryAll(input: Omit<Parameters<typeof queryAll>[0], 'TableName'>) {
    return queryAll({ ...input, TableName: this.tableName });
  }

  leadItems(leadId: string) {
    return this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `LEAD#${leadId}` },
      ConsistentRead: true,
    });
  }

  quarantined(email: string) {
    return this.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :q',
      FilterExpression: '#profile.#email = :email',
      ExpressionAttributeNames: { '#profile': 'profile', '#email': 'email' },
      ExpressionAttributeValues: { ':q': 'QUARANTINE', ':email': email },
    });
  }

  async erase(leadId: string, quarantineKeys: string[], anonymous: AnonymousLead | undefined): Promise<void> {
    if (anonymous)
      await documentClient().send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `${ERASED_PARTITION}#${anonymous.anonymousId}`,
            sk: ERASED_PARTITION,
            gsi1pk: ERASED_PARTITION,
            gsi1sk: `${anonymous.createdAt}#${anonymous.anonymousId}`,
            ...anonymous,
          },
        }),
      );
    const keys = [
      ...(await this.leadItems(leadId)).map((item) => ({ pk: item.pk, sk: item.sk })),
      ...quarantineKeys.map((pk) => ({ pk, sk: 'QUARANTINE' })),
    ];
    for (const key of keys)
      await documentClient().send(new DeleteCommand({ TableName: this.tableName, Key: key }));
  }
}
