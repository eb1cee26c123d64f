/**
 * The in-process transport (local/transport/) against dynalite: the same script of requests,
 * run once through the SDK's own HTTP handler and once in-process (each on a fresh dynalite
 * holding the same table), gets the same answers, errors included; large bodies and
 * concurrent requests come back whole and unmixed. Also: how requests are routed (by the
 * service they are signed for, whatever endpoint the client was created with) and `http` mode.
 */

import { createServer } from 'node:net';
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  type CreateTableCommandInput,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EmbeddedDynamoDb,
  ensureTable,
  localDynamoDbClientConfig,
  startEmbeddedDynamoDb,
} from '../../local/embedded/dynamodb.ts';
import { LocalTransport } from '../../local/transport/local-transport.ts';

const TableName = 'leadflow-transport-test';
const table: CreateTableCommandInput = {
  TableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'gsi1pk', AttributeType: 'S' },
    { AttributeName: 'gsi1sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'gsi1',
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' },
        { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
};

const lead = (id: string, extra: Record<string, unknown> = {}) => ({
  pk: { S: `LEAD#${id}` },
  sk: { S: 'META' },
  gsi1pk: { S: 'STAGE#assigned' },
  gsi1sk: { S: `2026-03-23T09:00:00.000Z#${id}` },
  email: { S: `${id}@acme.example` },
  ...extra,
});
const key = (id: string) => ({ pk: { S: `LEAD#${id}` }, sk: { S: 'META' } });

/** What a call answered, without what differs between any two calls (request ids). */
async function outcome(call: Promise<object>): Promise<unknown> {
  try {
    const { $metadata, ...output } = (await call) as { $metadata: { httpStatusCode?: number } };
    return { status: $metadata.httpStatusCode, output };
  } catch (error) {
    const e = error as Error & Record<string, unknown> & { $metadata: { httpStatusCode?: number } };
    const { $metadata, $response: _response, ...fields } = e;
    return { status: $metadata?.httpStatusCode, name: e.name, message: e.message, fields };
  }
}

/** Requests whose answers cover success, every error class dynalite raises, and pagination. */
function script(client: DynamoDBClient): Array<[string, () => Promise<object>]> {
  const send = client.send.bind(client) as (command: unknown) => Promise<object>;
  return [
    ['put', () => send(new PutItemCommand({ TableName, Item: lead('a'), ReturnConsumedCapacity: 'TOTAL' }))],
    ['get', () => send(new GetItemCommand({ TableName, Key: key('a'), ConsistentRead: true }))],
    ['get a missing item', () => send(new GetItemCommand({ TableName, Key: key('nobody') }))],
    [
      'conditional put on an existing item',
      () =>
        send(
          new PutItemCommand({
            TableName,
            Item: lead('a', { email: { S: 'other@acme.example' } }),
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
    ],
    [
      'update',
      () =>
        send(
          new UpdateItemCommand({
            TableName,
            Key: key('a'),
            UpdateExpression: 'ADD #n :one SET #t = list_append(if_not_exists(#t, :empty), :entry)',
            ExpressionAttributeNames: { '#n': 'submissionCount', '#t': 'timeline' },
            ExpressionAttributeValues: {
              ':one': { N: '1' },
              ':empty': { L: [] },
              ':entry': { L: [{ M: { type: { S: 'captured' } } }] },
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
    ],
    [
      'a table that does not exist',
      () => send(new GetItemCommand({ TableName: 'no-such-table', Key: key('a') })),
    ],
    [
      'an invalid update expression',
      () => send(new UpdateItemCommand({ TableName, Key: key('a'), UpdateExpression: 'SET = nonsense' })),
    ],
    [
      'a key of the wrong type',
      () => send(new GetItemCommand({ TableName, Key: { pk: { N: '1' }, sk: { S: 'x' } } })),
    ],
    [
      'an operation dynalite does not implement',
      () => send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName, Item: lead('t') } }] })),
    ],
    [
      'a batch write',
      () =>
        send(
          new BatchWriteItemCommand({
            RequestItems: {
              [TableName]: Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: lead(`b${i}`) } })),
            },
          }),
        ),
    ],
    [
      'a query, one page',
      () =>
        send(
          new QueryCommand({
            TableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :stage',
            ExpressionAttributeValues: { ':stage': { S: 'STAGE#assigned' } },
            Limit: 10,
          }),
        ),
    ],
    [
      'a large item (390 KB)',
      () => send(new PutItemCommand({ TableName, Item: lead('big', { notes: { S: 'x'.repeat(390_000) } }) })),
    ],
    ['reading it back', () => send(new GetItemCommand({ TableName, Key: key('big') }))],
    [
      // dynalite counts characters: 410,000 of them (820 KB of UTF-8 on the wire).
      'an item over the 400 KB limit',
      () =>
        send(new PutItemCommand({ TableName, Item: lead('huge', { notes: { S: 'é'.repeat(410_000) } }) })),
    ],
  ];
}

const started: Array<{ close(): Promise<void> }> = [];
const clients: DynamoDBClient[] = [];
afterAll(async () => {
  for (const client of clients) client.destroy();
  await Promise.allSettled(started.map((s) => s.close()));
});

async function dynalite(): Promise<EmbeddedDynamoDb> {
  const db = await startEmbeddedDynamoDb({ inMemory: true });
  started.push(db);
  await ensureTable(db.endpoint, table);
  return db;
}

/** A port nothing listens on. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** A client as the handlers' are: this transport for every request, `endpoint` only as signed. */
function clientThrough(transport: LocalTransport | undefined, endpoint: string): DynamoDBClient {
  const client = new DynamoDBClient({
    ...localDynamoDbClientConfig(endpoint),
    ...(transport ? { requestHandler: transport } : {}),
  });
  clients.push(client);
  return client;
}

describe('DynamoDB requests in-process and over HTTP', () => {
  let http: DynamoDBClient;
  let inProcess: DynamoDBClient;
  let transport: LocalTransport;
  let db: EmbeddedDynamoDb;

  beforeAll(async () => {
    const overHttp = await dynalite();
    db = await dynalite();
    transport = new LocalTransport();
    transport.serve({ dynamodb: db }, 'in-process');
    http = clientThrough(undefined, overHttp.endpoint);
    inProcess = clientThrough(transport, db.endpoint);
  });

  it('get the same answers, errors included', async () => {
    const viaHttp = script(http);
    const viaListener = script(inProcess);
    for (const [i, [name, call]] of viaHttp.entries()) {
      const expected = await outcome(call());
      const actual = await outcome(viaListener[i]![1]());
      expect({ name, ...(actual as object) }).toEqual({ name, ...(expected as object) });
    }
    expect(transport.served).toEqual({ 'in-process': viaHttp.length, http: 0, network: 0 });
  });

  it('carry conditional-check failures and missing tables as the SDK exceptions', async () => {
    await inProcess.send(new PutItemCommand({ TableName, Item: lead('cond') }));
    const failed = inProcess.send(
      new PutItemCommand({ TableName, Item: lead('cond'), ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    await expect(failed).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    await expect(failed).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    const missing = inProcess.send(new GetItemCommand({ TableName: 'missing', Key: key('a') }));
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(missing).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });

  it('serve many concurrent requests, each with its own answer', async () => {
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        inProcess.send(new PutItemCommand({ TableName, Item: lead(`c${i}`, { n: { N: String(i) } }) })),
      ),
    );
    const got = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        inProcess.send(new GetItemCommand({ TableName, Key: key(`c${i}`) })),
      ),
    );
    expect(got.map((g) => g.Item?.n?.N)).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));

    // In-process and HTTP requests racing on one item: every increment counts, one creation wins.
    const viaHttp = clientThrough(undefined, db.endpoint);
    const increment = (client: DynamoDBClient) =>
      client.send(
        new UpdateItemCommand({
          TableName,
          Key: key('counter'),
          UpdateExpression: 'ADD #n :one',
          ExpressionAttributeNames: { '#n': 'n' },
          ExpressionAttributeValues: { ':one': { N: '1' } },
        }),
      );
    await Promise.all(Array.from({ length: 200 }, (_, i) => increment(i % 2 ? viaHttp : inProcess)));
    const counter = await inProcess.send(new GetItemCommand({ TableName, Key: key('counter') }));
    expect(counter.Item?.n).toEqual({ N: '200' });

    const creations = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        inProcess.send(
          new PutItemCommand({
            TableName,
            Item: lead('once'),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ),
    );
    expect(creations.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
    expect(
      creations
        .map((c) => (c.status === 'rejected' ? (c.reason as Error).name : 'ok'))
        .filter((n) => n !== 'ok'),
    ).toEqual(Array(49).fill('ConditionalCheckFailedException'));
  });

  it('gives up on an aborted request as the HTTP handler does', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(
      inProcess.send(new GetItemCommand({ TableName, Key: key('a') }), { abortSignal: abort.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('routing', () => {
  it('routes by the signed service, so a client keeps working whatever endpoint it was created with', async () => {
    const db = await dynalite();
    const transport = new LocalTransport();
    // Nothing listens there: the client only signs for it.
    const stale = clientThrough(transport, `http://127.0.0.1:${await closedPort()}`);

    transport.serve({ dynamodb: db }, 'in-process');
    await stale.send(new PutItemCommand({ TableName, Item: lead('r') }));
    const release = transport.serve({ dynamodb: db }, 'http');
    expect((await stale.send(new GetItemCommand({ TableName, Key: key('r') }))).Item).toEqual(lead('r'));
    expect(transport.served).toEqual({ 'in-process': 1, http: 1, network: 0 });

    // Released: requests go to the network, to the endpoint the client was created with.
    release();
    await expect(stale.send(new GetItemCommand({ TableName, Key: key('r') }))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    expect(transport.served.network).toBeGreaterThan(0);
  });

  it('sends a request for a service no runtime serves to its own endpoint', async () => {
    const db = await dynalite();
    const transport = new LocalTransport();
    transport.serve({}, 'in-process');
    const client = clientThrough(transport, db.endpoint);
    await client.send(new PutItemCommand({ TableName, Item: lead('n') }));
    expect(transport.served).toEqual({ 'in-process': 0, http: 0, network: 1 });
  });

  it('leaves a later runtime its registration when an earlier one releases', async () => {
    const db = await dynalite();
    const transport = new LocalTransport();
    const releaseFirst = transport.serve({ dynamodb: db }, 'in-process');
    transport.serve({ dynamodb: db }, 'in-process');
    releaseFirst();
    await clientThrough(transport, `http://127.0.0.1:${await closedPort()}`).send(
      new PutItemCommand({ TableName, Item: lead('l') }),
    );
    expect(transport.served['in-process']).toBe(1);
  });
});
