/**
 * Report reads on the unit table, without a scan: the status index gsi1
 * (`gsi1pk=LEADS#<status>, gsi1sk=<createdAt>#<id>`) names the leads created in a window, then
 * one Query per lead reads its partition from the lead item to its archived timeline items
 * (`sk BETWEEN LEAD AND TIMELINE$`), so the lead and its whole timeline come in one request.
 * A few leads are read at a time, in gsi1 order.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LeadStatus, TimelineEntry } from '../domain/lead.ts';
import type { LeadHistory, LeadReports } from '../use-cases/ports.ts';
import { documentClient } from './aws-clients.ts';
import { toLead } from './lead-store.ts';
import { statusKey } from './lead-update.ts';
import { mergeTimeline } from './timeline-archive.ts';

/** Leads read at once: enough to hide latency, few enough to stay far below on-demand limits. */
const CONCURRENT_READS = 8;

export class DynamoLeadReports implements LeadReports {
  constructor(private readonly tableName: string) {}

  async *leadsCreatedBetween(status: LeadStatus, from: Date, to: Date): AsyncGenerator<LeadHistory> {
    let batch: string[] = [];
    for await (const leadId of this.leadIds(status, from, to)) {
      batch.push(leadId);
      if (batch.length === CONCURRENT_READS) {
        yield* await this.histories(batch);
        batch = [];
      }
    }
    yield* await this.histories(batch);
  }

  private async *leadIds(status: LeadStatus, from: Date, to: Date): AsyncGenerator<string> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          // `<to>` sorts before every `<to>#<id>`: a lead created exactly at `to` is left out.
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': statusKey(status),
            ':from': from.toISOString(),
            ':to': to.toISOString(),
          },
          ProjectionExpression: 'leadId',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) yield String(item.leadId);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  private async histories(leadIds: string[]): Promise<LeadHistory[]> {
    const read = await Promise.all(leadIds.map((leadId) => this.history(leadId)));
    return read.filter((h): h is LeadHistory => h !== undefined);
  }

  /** The lead and its archived timeline in one Query; undefined when it went meanwhile. */
  private async history(leadId: string): Promise<LeadHistory | undefined> {
    let lead: ReturnType<typeof toLead> | undefined;
    const archived: TimelineEntry[][] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lead AND :timeline',
          ExpressionAttributeValues: { ':pk': `LEAD#${leadId}`, ':lead': 'LEAD', ':timeline': 'TIMELINE$' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.sk === 'LEAD') lead = toLead(item);
        else archived.push(item.entries as TimelineEntry[]);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return lead ? { lead, timeline: mergeTimeline(archived, lead.timeline ?? []) } : undefined;
  }
}
