/**
 * One contract for the action link claims and the suppression list, run against the DynamoDB
 * adapters (on the table exactly as synthesized) and the in-memory ones: a link is claimed once
 * (every later claim is 'taken'), settled with what happened; an address once recorded as
 * suppressed is found whatever its case, keeps its first reason, and no other address is.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoActionClaims } from '../../functions/adapters/action-claims.ts';
import { documentClient } from '../../functions/adapters/aws-clients.ts';
import { InMemoryActionClaims } from '../../functions/adapters/in-memory/action-claims.ts';
import { InMemorySuppressionList } from '../../functions/adapters/in-memory/suppression-list.ts';
import { DynamoSuppressionList, suppressionKey } from '../../functions/adapters/suppression-list.ts';
import type { ActionClaimStore, SuppressionList } from '../../functions/use-cases/ports.ts';
import { synthesizedTable } from '../support/synthesized-table.ts';

let table: Awaited<ReturnType<typeof synthesizedTable>>;
beforeAll(async () => {
  table = await synthesizedTable('leadflow-claims-test');
});
afterAll(async () => {
  await table?.close();
});

const T0 = new Date('2026-03-23T09:00:00.000Z');
const EXPIRES = new Date('2026-03-26T09:00:00.000Z');
let seq = 0;
const claim = { action: 'touch', rep: 'id:anna', expiresAt: EXPIRES };

describe.each<[string, () => ActionClaimStore]>([
  ['DynamoDB', () => new DynamoActionClaims(table.tableName)],
  ['in memory', () => new InMemoryActionClaims()],
])('action link claims (%s)', (_name, make) => {
  it('claims a link once: the first caller wins, every later one finds it taken', async () => {
    const claims = make();
    const leadId = `ld_claims${++seq}`;
    expect(await claims.get(leadId, 'n1')).toBeUndefined();
    const racing = await Promise.all([1, 2, 3].map(() => claims.claim(leadId, 'n1', claim, T0)));
    expect(racing.sort()).toEqual(['claimed', 'taken', 'taken']);
    expect(await claims.get(leadId, 'n1')).toEqual({ claimedAt: T0.toISOString() });
    // Another link of the same lead is its own.
    expect(await claims.claim(leadId, 'n2', claim, T0)).toBe('claimed');
  });

  it('is settled with what the action did; settling an unclaimed link fails', async () => {
    const claims = make();
    const leadId = `ld_claims${++seq}`;
    await claims.claim(leadId, 'n1', claim, T0);
    await claims.settle(leadId, 'n1', 'applied', T0);
    expect(await claims.get(leadId, 'n1')).toEqual({ claimedAt: T0.toISOString(), settled: 'applied' });
    expect(await claims.claim(leadId, 'n1', claim, T0)).toBe('taken');
    await expect(claims.settle(leadId, 'never-claimed', 'applied', T0)).rejects.toThrow();
  });
});

describe('DynamoDB claim item', () => {
  it('lives in the lead’s partition as ACTION#<nonce> and expires a week after the link', async () => {
    await new DynamoActionClaims(table.tableName).claim('ld_claimitem', 'abc', claim, T0);
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: table.tableName, Key: { pk: 'LEAD#ld_claimitem', sk: 'ACTION#abc' } }),
    );
    expect(Item).toMatchObject({
      action: 'touch',
      rep: 'id:anna',
      claimedAt: T0.toISOString(),
      expiresAt: EXPIRES.getTime() / 1000 + 7 * 86_400,
    });
  });
});

describe.each<[string, () => SuppressionList]>([
  ['DynamoDB', () => new DynamoSuppressionList(table.tableName)],
  ['in memory', () => new InMemorySuppressionList()],
])('suppression record (%s)', (_name, make) => {
  it('records exactly the addresses it was told, whatever their case', async () => {
    const list = make();
    const address = `bounced${++seq}@acme.example`;
    expect(await list.lookup(address)).toBeUndefined();
    expect(
      await list.suppress(address.toUpperCase(), { reason: 'bounce', detail: 'Permanent/General' }, T0),
    ).toBe('recorded');
    const entry = { reason: 'bounce', detail: 'Permanent/General', suppressedAt: T0.toISOString() };
    expect(await list.lookup(address)).toEqual(entry);
    expect(await list.lookup(` ${address} `)).toEqual(entry);
    expect(await list.lookup(`other${seq}@acme.example`)).toBeUndefined();
  });

  it('keeps the first reason and time: a later report of the same address is known', async () => {
    const list = make();
    const address = `complainer${++seq}@acme.example`;
    await list.suppress(address, { reason: 'complaint', detail: 'abuse' }, T0);
    const later = new Date(T0.getTime() + 86_400_000);
    expect(
      await list.suppress(address, { reason: 'bounce', detail: 'Permanent/OnAccountSuppressionList' }, later),
    ).toBe('known');
    expect(await list.lookup(address)).toEqual({
      reason: 'complaint',
      detail: 'abuse',
      suppressedAt: T0.toISOString(),
    });
  });
});

describe('DynamoDB suppression item', () => {
  it('keys the address by its SHA-256 and does not store it', async () => {
    await new DynamoSuppressionList(table.tableName).suppress(
      'Complainer@Acme.example',
      { reason: 'complaint' },
      T0,
    );
    const key = suppressionKey('complainer@acme.example');
    expect(key.pk).toMatch(/^SUPPRESSED#[0-9a-f]{64}$/);
    const { Item } = await documentClient().send(new GetCommand({ TableName: table.tableName, Key: key }));
    expect(Item).toEqual({ ...key, reason: 'complaint', suppressedAt: T0.toISOString() });
    expect(JSON.stringify(Item)).not.toContain('acme.example');
  });
});
