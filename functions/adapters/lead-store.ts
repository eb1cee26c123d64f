/**
 * DynamoDB single-table store for leads. Every write is one conditional single-item write:
 * the local stand-in has no transactions, and single-item conditions are also what keep
 * concurrent Lambdas correct on AWS.
 *
 * Keys, all under the lead's partition `pk=LEAD#<id>`: the lead `sk=LEAD`; its archived
 * timeline entries `sk=TIMELINE#<first entry's time>#<digest>`; its alerts `sk=ALERT#<marker>`
 * (alert-outbox.ts). Quarantined spam: `pk=QUARANTINE#<uuid>, sk=QUARANTINE`.
 * gsi1 lists leads by status (`gsi1pk=LEADS#open|closed|failed, gsi1sk=<createdAt>#<id>`, see
 * lead-update.ts) for the redrive command and reports.
 *
 * The lead item stays small whatever arrives: re-submissions inside the unit's spacing are
 * only counted, and the timeline keeps its recent entries on the item (older ones archived).
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Lead, LeadStatus, TimelineEntry } from '../domain/lead.ts';
import type { LeadChange } from '../domain/lead-change.ts';
import type {
  ActivityWrite,
  LeadRepository,
  QuarantineRequest,
  Resubmission,
  StoredWait,
  WaitResult,
} from '../use-cases/ports.ts';
import { documentClient } from './aws-clients.ts';
import { unlessConditionFails } from './conditional-write.ts';
import { leadKey, toLead } from './lead-item.ts';
import { statusIndex, statusKey, UpdateBuilder } from './lead-update.ts';
import { queryItems } from './query-pages.ts';
import { mergeTimeline } from './timeline-archive.ts';
import { archiveIfLong } from './timeline-archive-writer.ts';

export { leadKey, toLead };

const QUARANTINE_DAYS = 30;

/**
 * Where a claimed result, and the token it was claimed with, stay until the next wait of their
 * kind begins (top-level attributes: no parent map needed).
 */
const claimedAttribute = (kind: string) => `claimed:${kind}`;
const claimedTokenAttribute = (kind: string) => `claimedToken:${kind}`;

export class LeadStore implements LeadRepository {
  constructor(private readonly tableName: string) {}

  private async update(leadId: string, update: UpdateBuilder): Promise<Record<string, unknown>> {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: leadKey(leadId),
        ...update.input(),
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = result.Attributes ?? {};
    await archiveIfLong(this.tableName, leadId, item);
    return item;
  }

  /** Creates the lead unless one with the same id exists. */
  async create(lead: Lead): Promise<'created' | 'exists'> {
    const result = await unlessConditionFails(() =>
      documentClient().send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...leadKey(lead.leadId),
            ...statusIndex(lead.stage, lead.createdAt, lead.leadId),
            waits: {},
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
   * Records a re-submission. It scores (timeline entry, engagement, and the profile fields the
   * lead lacked: what a prospect told us first is never overwritten) only when the last scored
   * one is old enough; otherwise it is only counted. Either way one update, two at most.
   */
  async recordResubmission(
    leadId: string,
    r: Resubmission,
  ): Promise<{ lead: Lead; scored: boolean } | 'too-soon'> {
    const at = r.now.toISOString();
    const counted = (update: UpdateBuilder) => {
      update
        .set('updatedAt', at)
        .set('lastSubmittedAt', at)
        .add('submissionCount', 1)
        .add('version', 1)
        .when('attribute_exists(pk)');
      if (r.refuseIfSubmittedSince) {
        const last = update.path('lastSubmittedAt');
        update.when(`(attribute_not_exists(${last}) OR ${last} < ${update.value(r.refuseIfSubmittedSince)})`);
      }
      return update;
    };
    const scored = counted(new UpdateBuilder());
    const timeline = scored.path('timeline');
    const engagements = scored.path('engagements');
    const empty = scored.value([]);
    scored
      .setExpression(
        `${timeline} = list_append(if_not_exists(${timeline}, ${empty}), ${scored.value([r.entry])})`,
      )
      .setExpression(
        `${engagements} = list_append(if_not_exists(${engagements}, ${empty}), ${scored.value([r.engagement])})`,
      )
      .set('lastScoredSubmissionAt', at);
    for (const [field, value] of Object.entries(r.profile)) {
      if (field === 'email' || value === undefined) continue;
      const path = scored.path(`profile.${field}`);
      scored.setExpression(`${path} = if_not_exists(${path}, ${scored.value(value)})`);
    }
    const last = scored.path('lastScoredSubmissionAt');
    scored.when(`(attribute_not_exists(${last}) OR ${last} < ${scored.value(r.scoreIfLastScoredBefore)})`);
    const item = await unlessConditionFails(() => this.update(leadId, scored));
    if (item) return { lead: toLead(item), scored: true };
    const countedItem = await unlessConditionFails(() => this.update(leadId, counted(new UpdateBuilder())));
    if (countedItem) return { lead: toLead(countedItem), scored: false };
    // Both refused: either the email was submitted too recently or there is no such lead.
    if (await this.get(leadId)) return 'too-soon';
    throw new ConditionalCheckFailedException({ message: `Lead ${leadId} does not exist`, $metadata: {} });
  }

  async claimAnnouncement(leadId: string, now: Date, notAnnouncedSince: Date): Promise<boolean> {
    const update = new UpdateBuilder().set('announcedAt', now.toISOString());
    const announced = update.path('announcedAt');
    update
      .when('attribute_exists(pk)')
      .when(`attribute_not_exists(${update.path('lifecycleStartedAt')})`)
      .when(
        `(attribute_not_exists(${announced}) OR ${announced} < ${update.value(notAnnouncedSince.toISOString())})`,
      );
    const result = await unlessConditionFails(() =>
      documentClient().send(
        new UpdateCommand({ TableName: this.tableName, Key: leadKey(leadId), ...update.input() }),
      ),
    );
    return result !== undefined;
  }

  /**
   * Applies one lifecycle transition atomically: field updates (dotted paths into maps such
   * as `sla.followUpDueAt`), timeline entries and, when the stage changes, the stage index.
   * Only named paths are written, so a concurrent touch recorded by another function is kept.
   */
  async transition(leadId: string, change: LeadChange, now: Date): Promise<Lead> {
    return toLead(await this.update(leadId, new UpdateBuilder().change(change, now)));
  }

  async applyActivity(
    leadId: string,
    change: LeadChange,
    write: ActivityWrite,
    now: Date,
  ): Promise<Lead | 'conflict'> {
    const update = new UpdateBuilder().change(change, now);
    update.when(`${update.path('version')} = ${update.value(write.expectedVersion)}`);
    for (const [kind, { result, claimWith }] of Object.entries(write.results ?? {})) {
      if (claimWith) {
        update
          .set(claimedAttribute(kind), result)
          .set(claimedTokenAttribute(kind), claimWith)
          .set(`waits.${kind}`, undefined)
          .set(`pending.${kind}`, undefined)
          .when(`${update.path(`waits.${kind}.token`)} = ${update.value(claimWith)}`);
      } else {
        update.set(`pending.${kind}`, result).when(`attribute_not_exists(${update.path(`waits.${kind}`)})`);
      }
    }
    const item = await unlessConditionFails(() => this.update(leadId, update));
    return item ? toLead(item) : 'conflict';
  }

  async timeline(leadId: string): Promise<TimelineEntry[]> {
    const archived: TimelineEntry[][] = [];
    let onLead: TimelineEntry[] = [];
    for await (const item of queryItems({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lead AND :timeline',
      ExpressionAttributeValues: { ':pk': `LEAD#${leadId}`, ':lead': 'LEAD', ':timeline': 'TIMELINE$' },
      ProjectionExpression: 'sk, timeline, entries',
      ConsistentRead: true,
    })) {
      if (item.sk === 'LEAD') onLead = (item.timeline as TimelineEntry[] | undefined) ?? [];
      else archived.push(item.entries as TimelineEntry[]);
    }
    return mergeTimeline(archived, onLead);
  }

  /** Stores the wait's token; a result claimed for an earlier wait of this kind is over now. */
  async registerWait(
    leadId: string,
    kind: string,
    wait: StoredWait,
  ): Promise<{ lead: Lead; pending?: WaitResult }> {
    const item = await this.fillWaitSlot(leadId, 'waits', kind, wait, [
      claimedAttribute(kind),
      claimedTokenAttribute(kind),
    ]);
    return { lead: toLead(item), pending: (item.pending as Record<string, WaitResult> | undefined)?.[kind] };
  }

  /** Sets one side of a wait handshake (the token or the result) and returns the whole item after it. */
  private async fillWaitSlot(
    leadId: string,
    slot: 'waits' | 'pending',
    kind: string,
    value: StoredWait | WaitResult,
    remove: string[] = [],
  ): Promise<Record<string, unknown>> {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: leadKey(leadId),
        UpdateExpression: `SET #slot.#k = :value${remove.length ? ` REMOVE ${remove.map((_, i) => `#r${i}`).join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: {
          '#slot': slot,
          '#k': kind,
          ...Object.fromEntries(remove.map((name, i) => [`#r${i}`, name])),
        },
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
          UpdateExpression:
            'SET #claimed = #pending.#k, #claimedToken = :token REMOVE #waits.#k, #pending.#k',
          ConditionExpression: '#waits.#k.#token = :token AND attribute_exists(#pending.#k)',
          ExpressionAttributeNames: {
            '#waits': 'waits',
            '#pending': 'pending',
            '#k': kind,
            '#token': 'token',
            '#claimed': claimedAttribute(kind),
            '#claimedToken': claimedTokenAttribute(kind),
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

  async waits(leadId: string) {
    const result = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: leadKey(leadId), ConsistentRead: true }),
    );
    const item = result.Item ?? {};
    const claimed: Record<string, { token: string; result: WaitResult }> = {};
    for (const [key, value] of Object.entries(item)) {
      if (!key.startsWith('claimed:')) continue;
      const kind = key.slice('claimed:'.length);
      const token = item[claimedTokenAttribute(kind)];
      if (typeof token === 'string') claimed[kind] = { token, result: value as WaitResult };
    }
    return {
      waits: (item.waits as Record<string, StoredWait> | undefined) ?? {},
      pending: (item.pending as Record<string, WaitResult> | undefined) ?? {},
      claimed,
    };
  }

  async takeResult(leadId: string, kind: string): Promise<WaitResult | undefined> {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: leadKey(leadId),
        UpdateExpression: 'REMOVE #claimed, #claimedToken, #pending.#k',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: {
          '#pending': 'pending',
          '#k': kind,
          '#claimed': claimedAttribute(kind),
          '#claimedToken': claimedTokenAttribute(kind),
        },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const old = result.Attributes ?? {};
    return (
      (old[claimedAttribute(kind)] as WaitResult | undefined) ??
      (old.pending as Record<string, WaitResult> | undefined)?.[kind]
    );
  }

  async requeue(leadId: string, kind: string): Promise<void> {
    await unlessConditionFails(() =>
      documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leadKey(leadId),
          UpdateExpression: 'SET #pending.#k = #claimed REMOVE #claimed, #claimedToken',
          ConditionExpression: 'attribute_exists(#claimed)',
          ExpressionAttributeNames: {
            '#pending': 'pending',
            '#k': kind,
            '#claimed': claimedAttribute(kind),
            '#claimedToken': claimedTokenAttribute(kind),
          },
        }),
      ),
    );
  }

  async get(leadId: string): Promise<Lead | undefined> {
    return (await this.getWithWaits(leadId))?.lead;
  }

  async getWithWaits(leadId: string): Promise<{ lead: Lead; waits: Record<string, StoredWait> } | undefined> {
    const result = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: leadKey(leadId), ConsistentRead: true }),
    );
    if (!result.Item) return undefined;
    return {
      lead: toLead(result.Item),
      waits: (result.Item.waits as Record<string, StoredWait> | undefined) ?? {},
    };
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

  /** Lead ids with a status, oldest first (paginates through all of them). */
  async *leadIdsWithStatus(status: LeadStatus): AsyncGenerator<string> {
    for await (const item of queryItems({
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': statusKey(status) },
      ProjectionExpression: 'leadId',
    }))
      yield String(item.leadId);
  }
}
