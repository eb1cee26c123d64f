/**
 * Routing state on the embedded DynamoDB: a rep's load is a set of lead ids, so taking and
 * giving back a lead are idempotent (a retried hand-off cannot count a lead twice), and the
 * rotation cursor only moves from the value a router read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutingStore } from '../../functions/adapters/routing-store.ts';
import { ensureTable, startEmbeddedDynamoDb } from '../../local/embedded/dynamodb.ts';

let stop: () => Promise<void>;
const store = new RoutingStore('routing-test');

beforeAll(async () => {
  const dynamo = await startEmbeddedDynamoDb({ inMemory: true });
  stop = dynamo.close;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  await ensureTable(dynamo.endpoint, {
    TableName: 'routing-test',
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  });
});

afterAll(async () => {
  await stop?.();
});

describe('rep load', () => {
  it('counts a lead once however often its hand-off is retried, and refuses a full rep', async () => {
    expect(await store.reserve('anna', 'ld_1', 2)).toBe(true);
    expect(await store.reserve('anna', 'ld_1', 2)).toBe(true);
    expect((await store.snapshot('dach', ['anna'])).openLeadsByRep).toEqual({ anna: 1 });
    expect(await store.reserve('anna', 'ld_2', 2)).toBe(true);
    expect(await store.reserve('anna', 'ld_3', 2)).toBe(false);
    // A lead the rep already holds still fits when the rep is full (the retry case).
    expect(await store.reserve('anna', 'ld_2', 2)).toBe(true);
    expect((await store.snapshot('dach', ['anna'])).openLeadsByRep).toEqual({ anna: 2 });
  });

  it('gives a lead back idempotently', async () => {
    await store.release('anna', 'ld_1');
    await store.release('anna', 'ld_1');
    expect((await store.snapshot('dach', ['anna'])).openLeadsByRep).toEqual({ anna: 1 });
    expect(await store.reserve('anna', 'ld_3', 2)).toBe(true);
  });
});

describe('rotation cursor', () => {
  it('moves only from the value the router read', async () => {
    expect(await store.advanceCursor('dach', 0, 1)).toBe(true);
    expect(await store.advanceCursor('dach', 0, 1)).toBe(false);
    expect(await store.advanceCursor('dach', 1, 2)).toBe(true);
    expect((await store.snapshot('dach', [])).cursor).toBe(2);
  });
});
