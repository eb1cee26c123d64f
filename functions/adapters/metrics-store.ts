/**
 * The metrics projection in the unit table, written with single-item writes only (no
 * transactions: DynamoDB bills them twice, and the embedded DynamoDB has none).
 *
 * `METRICS#FACTS#<leadId>` holds the lead's facts and, in `counts`, every counter increment its
 * events made. One event is one conditional UpdateItem of that item: facts replaced and its
 * increments appended, on the revision read. The facts carry the idempotency (the last event ids
 * applied), so a redelivery writes nothing, and two events of one lead are applied one after the
 * other. The day index (`METRICS#DAY#<day>`: `LEAD#<id>` on a milestone day, `COUNTS#<id>` on a
 * day the lead's counters moved) follows with idempotent puts of the new days; an event
 * redelivered after a crash in between finds itself applied and puts the lead's index again.
 * Reading a period's counters sums the increments of the leads indexed on its days: a report
 * reads the leads of its period, never all leads, and no counter item is ever contended.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { datesBetween, isoWeek } from '../domain/agreement/dates.ts';
import { countedDays, sumCounts } from '../domain/metrics/days.ts';
import type { CounterUpdate, MetricsWrite } from '../domain/metrics/metrics-write.ts';
import type { LeadFacts } from '../domain/scorecard/facts.ts';
import type { CounterRow, Dimension } from '../domain/scorecard/projection.ts';
import type { Period } from '../domain/scorecard/types.ts';
import type { MetricsStore } from '../use-cases/ports.ts';
import { documentClient } from './aws-clients.ts';
import { queryAll } from './query-pages.ts';

/**
 * One event's increments as `day|dimension|value|metric|by` lines: the facts item is rewritten
 * (and billed by its size) on every event, and JSON with the week and key names repeated per
 * increment would double it. The week follows from the day.
 */
const encodeCounts = (counters: readonly CounterUpdate[]): string =>
  counters
    .flatMap(({ key, metrics }) =>
      Object.entries(metrics).map(([metric, by]) =>
        [key.day, key.dimension, key.value, metric, by]
          .map((part) => String(part).replace(/[|\n]/g, '/'))
          .join('|'),
      ),
    )
    .join('\n');

function decodeCounts(encoded: string): CounterUpdate[] {
  return encoded.split('\n').map((line) => {
    const [day = '', dimension = '', value = '', metric = '', by = '0'] = line.split('|');
    return {
      key: { day, week: isoWeek(`${day}T12:00:00Z`, 'UTC'), dimension: dimension as Dimension, value },
      metrics: { [metric]: Number(by) },
    };
  });
}

const factsKey = (leadId: string) => ({ pk: `METRICS#FACTS#${leadId}`, sk: 'FACTS' });
const dayIndexPk = (day: string) => `METRICS#DAY#${day}`;
/** BatchGetItem's limit per request. */
const BATCH = 100;

export class DynamoMetricsStore implements MetricsStore {
  constructor(private readonly tableName: string) {}

  async facts(leadId: string): Promise<LeadFacts | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: factsKey(leadId), ConsistentRead: true }),
    );
    return Item ? (JSON.parse(String(Item.facts)) as LeadFacts) : undefined;
  }

  async commit(write: MetricsWrite): Promise<'committed' | 'conflict'> {
    const { facts } = write;
    const client = documentClient();
    const TableName = this.tableName;
    try {
      await client.send(
        new UpdateCommand({
          TableName,
          Key: factsKey(facts.leadId),
          UpdateExpression:
            'SET #revision = :revision, #facts = :facts, #counts = list_append(if_not_exists(#counts, :none), :counts)',
          ConditionExpression:
            write.expectedRevision === 0 ? 'attribute_not_exists(#revision)' : '#revision = :expected',
          ExpressionAttributeNames: { '#revision': 'revision', '#facts': 'facts', '#counts': 'counts' },
          ExpressionAttributeValues: {
            ':revision': facts.revision,
            ':facts': JSON.stringify(facts),
            ':counts': write.counters.length ? [encodeCounts(write.counters)] : [],
            ':none': [],
            ...(write.expectedRevision === 0 ? {} : { ':expected': write.expectedRevision }),
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
    await this.index(facts.leadId, write.indexDays, write.countDays);
    return 'committed';
  }

  async index(
    leadId: string,
    milestoneDays: readonly string[],
    countedDays: readonly string[],
  ): Promise<void> {
    const keys = [
      ...milestoneDays.map((day) => ({ pk: dayIndexPk(day), sk: `LEAD#${leadId}` })),
      ...countedDays.map((day) => ({ pk: dayIndexPk(day), sk: `COUNTS#${leadId}` })),
    ];
    for (const key of keys)
      await documentClient().send(new PutCommand({ TableName: this.tableName, Item: { ...key, leadId } }));
  }

  /**
   * The anonymous items go in before the lead's own come out, each a single-item write, so a
   * crash in between leaves the lead counted (twice at worst, until the erasure is repeated),
   * never lost from reports.
   */
  async anonymize(leadId: string, anonymous: LeadFacts, days: string[]): Promise<void> {
    const client = documentClient();
    const TableName = this.tableName;
    const { Item } = await client.send(
      new GetCommand({ TableName, Key: factsKey(leadId), ConsistentRead: true }),
    );
    // Gone: an earlier erasure got as far as its last delete.
    if (!Item) return;
    const counts = (Item.counts ?? []) as string[];
    const countDays = countedDays(counts.flatMap(decodeCounts));
    await client.send(
      new PutCommand({
        TableName,
        Item: {
          ...factsKey(anonymous.leadId),
          revision: anonymous.revision,
          facts: JSON.stringify(anonymous),
          counts,
        },
      }),
    );
    const entries = [
      ...days.map((day) => [day, 'LEAD'] as const),
      ...countDays.map((day) => [day, 'COUNTS'] as const),
    ];
    for (const [day, kind] of entries)
      await client.send(
        new PutCommand({
          TableName,
          Item: { pk: dayIndexPk(day), sk: `${kind}#${anonymous.leadId}`, leadId: anonymous.leadId },
        }),
      );
    for (const [day, kind] of entries)
      await client.send(
        new DeleteCommand({ TableName, Key: { pk: dayIndexPk(day), sk: `${kind}#${leadId}` } }),
      );
    await client.send(new DeleteCommand({ TableName, Key: factsKey(leadId) }));
  }

  async counters(period: Period): Promise<CounterRow[]> {
    const ids = await this.indexed(period, 'COUNTS#');
    const counts: CounterUpdate[] = [];
    for (let i = 0; i < ids.length; i += BATCH)
      for (const item of await this.batchFacts(ids.slice(i, i + BATCH), 'counts'))
        for (const event of (item.counts ?? []) as string[]) counts.push(...decodeCounts(event));
    return sumCounts(counts, period);
  }

  async leadFactsIn(period: Period): Promise<LeadFacts[]> {
    const ids = await this.indexed(period, 'LEAD#');
    const facts: LeadFacts[] = [];
    for (let i = 0; i < ids.length; i += BATCH)
      for (const item of await this.batchFacts(ids.slice(i, i + BATCH), 'facts'))
        facts.push(JSON.parse(String(item.facts)) as LeadFacts);
    return facts.sort((a, b) => a.leadId.localeCompare(b.leadId));
  }

  /** The leads indexed on the period's days under `prefix`, each once, sorted. */
  private async indexed(period: Period, prefix: 'LEAD#' | 'COUNTS#'): Promise<string[]> {
    const entries = await Promise.all(
      datesBetween(period.from, period.to).map((day) => this.query(dayIndexPk(day), prefix)),
    );
    return [...new Set(entries.flat().map((item) => String(item.leadId)))].sort();
  }

  private async batchFacts(
    leadIds: string[],
    attribute: 'facts' | 'counts',
  ): Promise<Array<Record<string, unknown>>> {
    const found: Array<Record<string, unknown>> = [];
    let keys: Array<Record<string, unknown>> = leadIds.map(factsKey);
    while (keys.length > 0) {
      const result = await documentClient().send(
        new BatchGetCommand({
          RequestItems: {
            [this.tableName]: {
              Keys: keys,
              ProjectionExpression: '#a',
              ExpressionAttributeNames: { '#a': attribute },
            },
          },
        }),
      );
      found.push(...(result.Responses?.[this.tableName] ?? []));
      keys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return found;
  }

  private query(pk: string, prefix: string): Promise<Array<Record<string, unknown>>> {
    return queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
    });
  }
}
