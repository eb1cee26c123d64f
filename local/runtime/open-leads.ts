/**
 * The open leads a restarted runtime must resume, read from the lead items themselves (a
 * Scan), not from the stage index: after a crash the embedded store's index can disagree with
 * the items (a lead missing from its stage, or listed under two), and the item is the truth.
 * Each lead comes back once, at the stage its item records.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/adapters/aws-clients.ts';
import { OPEN_STAGES, type Stage } from '../../functions/domain/lead.ts';

export async function openLeads(tableName: string): Promise<Array<{ leadId: string; stage: Stage }>> {
  const found = new Map<string, Stage>();
  const stages = [...OPEN_STAGES];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: `sk = :lead AND #stage IN (${stages.map((_, i) => `:s${i}`).join(', ')})`,
        ExpressionAttributeNames: { '#stage': 'stage' },
        ExpressionAttributeValues: {
          ':lead': 'LEAD',
          ...Object.fromEntries(stages.map((stage, i) => [`:s${i}`, stage])),
        },
        ProjectionExpression: 'leadId, #stage',
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) found.set(String(item.leadId), item.stage as Stage);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return [...found].map(([leadId, stage]) => ({ leadId, stage }));
}
