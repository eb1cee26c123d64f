/**
 * DynamoDB single-table store for leads. Every write is one conditional single-item write:
 * the local stand-in has no transactions, and single-item conditions are also what keep
 * concurrent Lambdas correct on AWS.
 *
 * Keys: lead `pk=LEAD#<id>, sk=LEAD`; quarantined spam `pk=QUARANTINE#<uuid>, sk=QUARANTINE`.
 * gsi1 lists leads by stage (`gsi1pk=STAGE#<stage>, gsi1sk=<updatedAt>#<id>`), which the
 * resume command and reports use.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EngagementRecord, Lead, LeadProfile, Stage, TimelineEntry } from '../domain/lead.ts';
import type {
  LeadChange,
  LeadRepository,
  QuarantineRequest,
  StoredWait,
  WaitResult,
} from '../use-cases/ports.ts';
import { documentClient } from './aws-clients.ts';
import { unlessConditionFails } from './conditional-write.ts';

export const leadKey = (leadId: string) => ({ pk: `LEAD#${leadId}`, sk: 'LEAD' });

const QUARANTINE_DAYS = 30;

function stageIndex(stage: Stage, updatedAt: string, leadId: string) {
  return { gsi1pk: `STAGE#${stage}`, gsi1sk: `${updatedAt}#${leadId}` };
}

function toLead(item: Record<string, unknown>): Lead {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _g1,
    gsi1sk: _g2,
    waits: _waits,
    markers: _markers,
    pending: _pending,
    ...lead
  } = item;
  return lead as unknown as Lead;
}

export class LeadStore implements LeadRepository {
  constructor(private readonly tableName: string) {}

  /** Creates the lead unless one with the same id exists. */
  async create(lead: Lead): Promise<'created' | 'exists'> {
    const result = await unlessConditionFails(() =>
      documentClient().send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...leadKey(lead.leadId),
            ...stageIndex(lead.stage, lead.updatedAt, lead.leadId),
            waits: {},
            markers: {},
            pending: {},
            sla: {},
            ...lead,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return result === undefined ? 'exists' : 'created';
  }

  /**
   * Records a re-submission on an existing lead: timeline entry, engagement, and any profile
   * fields the lead did not have yet (what a prospect told us first is never overwritten).
   */
  async recordResubmission(
    leadId: string,
    profile: LeadProfile,
    entry: TimelineEntry,
    engagement: EngagementRecord,
  ): Promise<Lead> {
    const names: Record<string, string> = {
      '#timeline': 'timeline',
      '#engagements': 'engagements',
    };
    const values: Record<string, unknown> = {
      ':entry': [entry],
      ':engagement': [engagement],
      ':empty': [],
      ':one': 1,
      ':now': entry.at,
    };
    const sets = [
      '#timeline = list_append(if_not_exists(#timeline, :empty), :entry)',
      '#engagements = list_append(if_not_exists(#engagements, :empty), :engagement)',
      'updatedAt = :now',
    ];
    Object.entries(profile).forEach(([field, value], i) => {
      if (field === 'email' || value === undefined) return;
      // Named only when used: DynamoDB rejects unused expression attribute names.
      names['#profile'] = 'profile';
      names[`#f${i}`] = field;
      values[`:f${i}`] = value;
      sets.push(`#profile.#f${i} = if_not_exists(#profile.#f${i}, :f${i})`);
    });
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: leadKey(leadId),
        UpdateExpression: `SET ${sets.join(', ')} ADD submissionCount :one, version :one`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toLead(result.Attributes ?? {});
  }

  /**
   * Applies one lifecycle transition atomically: field updates (dotted paths into maps such
   * as `sla.followUpDueAt`), timeline entries and, when the stage changes, the stage index.
   * Only named paths are written, so a concurrent touch recorded by another function is kept.
   */
  async transition(leadId: string, change: LeadChange, now: Date): Promise<Lead> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':now': now.toISOString(), ':one': 1 };
    const path = (dotted: string) =>
      dotted
        .split('.')
        .map((segment) => {
          const key = `#${segment.replace(/[^A-Za-z0-9_]/g, '_')}`;
          names[key] = segment;
          return key;
        })
        .join('.');
    const sets = ['updatedAt = :now'];
    const removes: string[] = [];
    let i = 0;
    for (const [field, value] of Object.entries(change.set ?? {})) {
      if (value === undefined) removes.push(path(field));
      else {
        values[`:v${i}`] = value;
        sets.push(`${path(field)} = :v${i++}`);
      }
    }
    if (change.stage) {
      values[':stage'] = change.stage;
      Object.assign(values, {
        ':g1pk': stageIndex(change.stage, now.toISOString(), leadId).gsi1pk,
        ':g1sk': stageIndex(change.stage, now.toISOString(), leadId).gsi1sk,
      });
      names['#stage'] = 'stage';
      sets.push('#stage = :stage', 'gsi1pk = :g1pk', 'gsi1sk = :g1sk');
    }
    if (change.timeline && change.timeline.length > 0) {
      names['#timeline'] = 'timeline';
      values[':entries'] = change.timeline;
      sets.push('#timeline = list_append(#timeline, :entries)');
    }
    let condition = 'attribute_exists(pk)';
    if (change.onlyFromStages) {
      names['#stage'] = 'stage';
      const keys = change.onlyFromStages.map((stage, j) => {
        values[`:from${j}`] = stage;
        return `:from${j}`;
      });
      condition += ` AND #stage IN (${keys.join(', ')})`;
    }
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: leadKey(leadId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD version :one`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toLead(result.Attributes ?? {});
  }

  /** Records a one-off fact (an alert sent, a wait registered) once; false when it was already there. */
  async markOnce(leadId: string, marker: string, at: Date): Promise<boolean> {
    const result = await unlessConditionFails(() =>
      documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leadKey(leadId),
          UpdateExpression: 'SET #markers.#m = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#markers.#m)',
          ExpressionAttributeNames: { '#markers': 'markers', '#m': marker },
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      ),
    );
    return result !== undefined;
  }

  async unmark(leadId: string, marker: string): Promise<void> {
    await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: leadKey(leadId),
        UpdateExpression: 'REMOVE #markers.#m',
        ExpressionAttributeNames: { '#markers': 'markers', '#m': marker },
      }),
    );
  }

  /** Stores the task token of the wait now in progress; returns the lead as it is now. */
  async registerWait(
    leadId: string,
    kind: string,
    wait: StoredWait,
  ): Promise<{ lead: Lead; pending?: WaitResult }> {
    const item = await this.fillWaitSlot(leadId, 'waits', kind, wait);
    return { lead: toLead(item), pending: (item.pending as Record<string, WaitResult> | undefined)?.[kind] };
  }

  /**
   * Records an activity's result for a wait of this kind, whether or not the wait has begun,
   * and returns the wait of that kind in progress, if any (one request for both).
   */
  async setPending(leadId: string, kind: string, output: WaitResult): Promise<StoredWait | undefined> {
    const item = await this.fillWaitSlot(leadId, 'pending', kind, output);
    return (item.waits as Record<string, StoredWait> | undefined)?.[kind];
  }

  /** Sets one side of a wait handshake (the token or the result) and returns the whole item after it. */
  private async fillWaitSlot(
    leadId: string,
    slot: 'waits' | 'pending',
    kind: string,
    value: StoredWait | WaitResult,
  ): Promise<Record<string, unknown>> {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: leadKey(leadId),
        UpdateExpression: 'SET #slot.#k = :value',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#slot': slot, '#k': kind },
        ExpressionAttributeValues: { ':value': value },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes ?? {};
  }

  /**
   * Claims the right to complete a wait: removes its token (and the pending result) only if
   * that token is still the stored one. Exactly one completer wins; an older token is refused.
   */
  async claimWait(
    leadId: string,
    kind: string,
    token: string,
  ): Promise<{ claimed: boolean; pending?: WaitResult }> {
    const result = await unlessConditionFails(() =>
      documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leadKey(leadId),
          UpdateExpression: 'REMOVE #waits.#k, #pending.#k',
          ConditionExpression: '#waits.#k.#token = :token',
          ExpressionAttributeNames: {
            '#waits': 'waits',
            '#pending': 'pending',
            '#k': kind,
            '#token': 'token',
          },
          ExpressionAttributeValues: { ':token': token },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    if (result === undefined) return { claimed: false };
    const pending = (result.Attributes?.pending as Record<string, WaitResult> | undefined)?.[kind];
    return { claimed: true, pending };
  }

  async get(leadId: string): Promise<Lead | undefined> {
    const result = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: leadKey(leadId), ConsistentRead: true }),
    );
    return result.Item ? toLead(result.Item) : undefined;
  }

  /** Spam is kept (for review and tuning) but apart from real leads, and expires. */
  async quarantine(params: QuarantineRequest): Promise<string> {
    const id = randomUUID();
    await documentClient().send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `QUARANTINE#${id}`,
          sk: 'QUARANTINE',
          gsi1pk: 'QUARANTINE',
          gsi1sk: `${params.now.toISOString()}#${id}`,
          profile: params.profile,
          reasons: params.reasons,
          sourceIp: params.sourceIp,
          quarantinedAt: params.now.toISOString(),
          expiresAt: Math.floor(params.now.getTime() / 1000) + QUARANTINE_DAYS * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return id;
  }

  /** Lead ids in a stage, oldest update first (paginates through the whole stage). */
  async *leadIdsInStage(stage: Stage): AsyncGenerator<string> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `STAGE#${stage}` },
          ProjectionExpression: 'leadId',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) yield String(item.leadId);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
