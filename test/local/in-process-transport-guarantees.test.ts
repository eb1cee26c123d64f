/**
 * What the in-process transport promises beyond equal answers: the SDK requests it serves open
 * no socket at all, and they still pass through dynalite's own checks (JSON, parameter
 * validation, the signature's shape), so a malformed request is refused as over HTTP. Every
 * client here was created for a port nothing listens on: an answer can only come from the
 * listener the transport calls.
 */
import { createServer } from 'node:net';
import {
  type CreateTableCommandInput,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-dynamodb';
import type { HttpRequest } from '@smithy/core/protocols';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EmbeddedDynamoDb,
  ensureTable,
  localDynamoDbClientConfig,
  startEmbeddedDynamoDb,
} from '../../local/embedded/dynamodb.ts';
import { LocalTransport } from '../../local/transport/local-transport.ts';
import { socketsOpenedDuring } from '../support/socket-probe.ts';

const TableName = 'leadflow-transport-guarantees';
const table: CreateTableCommandInput = {
  TableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
};
const key = { pk: { S: 'LEAD#a' }, sk: { S: 'META' } };

let db: EmbeddedDynamoDb;
let transport: LocalTransport;
let unreachable: string;
const clients: DynamoDBClient[] = [];

beforeAll(async () => {
  db = await startEmbeddedDynamoDb({ inMemory: true });
  await ensureTable(db.endpoint, table);
  transport = new LocalTransport();
  transport.serve({ dynamodb: db }, 'in-process');
  unreachable = await new Promise<string>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await db?.close();
});

function client(options: { endpoint: string; requestHandler?: LocalTransport }): DynamoDBClient {
  const made = new DynamoDBClient({
    ...localDynamoDbClientConfig(options.endpoint),
    ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
    maxAttempts: 1,
  });
  clients.push(made);
  return made;
}

/** Rewrites each request after the SDK serialized it, before it is signed and sent. */
function corruptBody(target: DynamoDBClient, rewrite: (body: string) => string): DynamoDBClient {
  target.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as HttpRequest;
      const body = request.body as string | Uint8Array;
      request.body = rewrite(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'corruptBody' },
  );
  return target;
}

describe('in-process requests', () => {
  it('open no socket', async () => {
    const inProcess = client({ endpoint: unreachable, requestHandler: transport });
    const sockets = await socketsOpenedDuring(async () => {
      await inProcess.send(new PutItemCommand({ TableName, Item: { ...key, n: { N: '1' } } }));
      const got = await inProcess.send(new GetItemCommand({ TableName, Key: key, ConsistentRead: true }));
      expect(got.Item?.n).toEqual({ N: '1' });
      const page = await inProcess.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': key.pk },
        }),
      );
      expect(page.Count).toBe(1);
    });
    expect(sockets).toBe(0);

    // The probe sees the sockets the SDK's own handler opens.
    const overHttp = client({ endpoint: db.endpoint });
    expect(await socketsOpenedDuring(() => overHttp.send(new GetItemCommand({ TableName, Key: key })))).toBe(
      1,
    );
  });

  it('are refused by dynalite when their body is not JSON', async () => {
    const broken = corruptBody(client({ endpoint: unreachable, requestHandler: transport }), (body) =>
      body.slice(0, -1),
    );
    const sockets = await socketsOpenedDuring(async () => {
      await expect(broken.send(new GetItemCommand({ TableName, Key: key }))).rejects.toMatchObject({
        name: 'SerializationException',
        $metadata: { httpStatusCode: 400 },
      });
    });
    expect(sockets).toBe(0);
  });

  it("are refused by dynalite's parameter validation", async () => {
    const withoutTable = corruptBody(client({ endpoint: unreachable, requestHandler: transport }), (body) => {
      const { TableName: _dropped, ...rest } = JSON.parse(body) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
    await expect(withoutTable.send(new GetItemCommand({ TableName, Key: key }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/tableName.*Member must not be null/),
      $metadata: { httpStatusCode: 400 },
    });

    const inProcess = client({ endpoint: unreachable, requestHandler: transport });
    await expect(
      inProcess.send(new GetItemCommand({ TableName, Key: { pk: { N: '1' }, sk: { S: 'META' } } })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'The provided key element does not match the schema',
    });
    await expect(
      inProcess.send(new PutItemCommand({ TableName, Item: { ...key, notes: { S: 'é'.repeat(410_000) } } })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/Item size has exceeded the maximum allowed size/),
    });
  });

  it("are refused by dynalite's signature checks", async () => {
    const unsigned = client({ endpoint: unreachable, requestHandler: transport });
    // After signing: keep the credential scope (which routes the request), drop SignedHeaders.
    const dropSignedHeaders: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> =
      (next) => (args) => {
        const request = args.request as HttpRequest;
        request.headers.authorization = String(request.headers.authorization).replace(
          /,?\s*SignedHeaders=[^,]*/,
          '',
        );
        return next(args);
      };
    unsigned.middlewareStack.addRelativeTo(dropSignedHeaders, {
      relation: 'after',
      toMiddleware: 'httpSigningMiddleware',
      name: 'dropSignedHeaders',
    });
    await expect(unsigned.send(new GetItemCommand({ TableName, Key: key }))).rejects.toMatchObject({
      name: 'IncompleteSignatureException',
      $metadata: { httpStatusCode: 400 },
    });
  });
});
