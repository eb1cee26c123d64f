import type { LeadStatus, TimelineEntry } from '../domain/lead.ts';
import type { LeadHistory, LeadReports } from '../use-cases/ports.ts';
import { toLead } from './lead-item.ts';
import { statusKey } from './lead-update.ts';
import { queryItems } from './query-pages.ts';
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
    for await (const item of queryItems({
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
    }))
      yield String(item.leadId);
  }

  private async histories(leadIds: string[]): Promise<LeadHistory[]> {
    const read = await Promise.all(leadIds.map((leadId) => this.history(leadId)));
    return read.filter((h): h is LeadHistory => h !== undefined);
  }

  /** The lead and its archived timeline in one Query; undefined when it went meanwhile. */
  private async history(leadId: string): Promise<LeadHistory | undefined> {
    let lead: ReturnType<typeof toLead> | undefined;
    const archived: TimelineEntry[][] = [];
    for await (const item of queryItems({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lead AND :timeline',
      ExpressionAttributeValues: { ':pk': `LEAD#${leadId}`, ':lead': 'LEAD', ':timeline': 'TIMELINE$' },
    })) {
      if (item.sk === 'LEAD') lead = toLead(item);
      else archived.push(item.entries as TimelineEntry[]);
    }
    return lead ? { lead, timeline: mergeTimeline(archived, lead.timeline ?? []) } : undefined;
  }
}
