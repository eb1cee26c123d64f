/**
 * Routing state shared by concurrent hand-offs: a ticket counter per team and an open-lead
 * count per rep, each its own item so every change is one single-item write.
 * Keys: `pk=TEAM#<id>, sk=ROTATION` {tickets}; `pk=REP#<id>, sk=LOAD` {leads: string set}.
 * Tickets come from an atomic ADD rather than a compare-and-set cursor: hand-offs into one
 * team then never conflict, however many arrive at once (a `cursor` attribute left on the
 * item by the compare-and-set rotation is ignored).
 * A rep's load is the set of lead ids they hold, not a counter, so taking and giving back a
 * lead are idempotent: a hand-off retried after a crash cannot count the same lead twice.
 */
import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RoutingSnapshot, RoutingState } from '../use-cases/ports.ts';
import { documentClient } from './aws-clients.ts';
import { unlessConditionFails } from './conditional-write.ts';

const rotationKey = (teamId: string) => ({ pk: `TEAM#${teamId}`, sk: 'ROTATION' });
const loadKey = (repId: string) => ({ pk: `REP#${repId}`, sk: 'LOAD' });

export class RoutingStore implements RoutingState {
  constructor(private readonly tableName: string) {}

  async snapshot(_teamId: string, repIds: string[], leadId?: string): Promise<RoutingSnapshot> {
    const openLeadsByRep: Record<string, number> = Object.fromEntries(repIds.map((id) => [id, 0]));
    // BatchGetItem refuses an empty key list.
    if (repIds.length === 0) return { openLeadsByRep };
    const result = await documentClient().send(
      new BatchGetCommand({
        RequestItems: { [this.tableName]: { Keys: repIds.map(loadKey), ConsistentRead: true } },
      }),
    );
    let heldBy: string | undefined;
    for (const item of result.Responses?.[this.tableName] ?? []) {
      const repId = String(item.pk).slice('REP#'.length);
      const leads = item.leads as Set<string> | undefined;
      openLeadsByRep[repId] = leads?.size ?? 0;
      if (leadId && leads?.has(leadId)) heldBy = repId;
    }
    return { openLeadsByRep, ...(heldBy ? { heldBy } : {}) };
  }

  async takeTicket(teamId: string): Promise<number> {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: rotationKey(teamId),
        UpdateExpression: 'ADD #tickets :one',
        ExpressionAttributeNames: { '#tickets': 'tickets' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const ticket = Number(result.Attributes?.tickets);
    if (!Number.isSafeInteger(ticket)) throw new Error(`No ticket came back for team ${teamId}`);
    return ticket;
  }

  /** Adds the lead to the rep's load unless the rep is full (a lead already held always fits). */
  async reserve(repId: string, leadId: string, capacity: number): Promise<boolean> {
    const result = await unlessConditionFails(() =>
      documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: loadKey(repId),
          UpdateExpression: 'ADD #leads :lead',
          ConditionExpression:
            'attribute_not_exists(#leads) OR size(#leads) < :capacity OR contains(#leads, :leadId)',
          ExpressionAttributeNames: { '#leads': 'leads' },
          ExpressionAttributeValues: { ':lead': new Set([leadId]), ':leadId': leadId, ':capacity': capacity },
        }),
      ),
    );
    return result !== undefined;
  }

  async release(repId: string, leadId: string): Promise<void> {
    await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: loadKey(repId),
        UpdateExpression: 'DELETE #leads :lead',
        ExpressionAttributeNames: { '#leads': 'leads' },
        ExpressionAttributeValues: { ':lead': new Set([leadId]) },
      }),
    );
  }
}
