import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EmbeddedDynamoDb,
  ensureTable,
  localDynamoDbClientConfig,
  startEmbeddedDynamoDb,
} from '../../local/embedded/dynamodb.ts';
import { type EmbeddedSes, startEmbeddedSes } from '../../local/embedded/ses.ts';

const table: CreateTableCommandInput = {
  TableName: 'leadflow-test',
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

const item = {
  pk: { S: 'LEAD#1' },
  sk: { S: 'META' },
  gsi1pk: { S: 'REP#anna' },
  gsi1sk: { S: '2026-05-04T10:00:00Z' },
  email: { S: 'jane@acme.example' },
};

let tmp: string;
const started: Array<{ close(): Promise<void> }> = [];
const track = <T extends { close(): Promise<void> }>(s: T): T => {
  started.push(s);
  return s;
};

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leadflow-embedded-'));
});

afterAll(async () => {
  await Promise.allSettled(started.map((s) => s.close()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

const withClient = async <T>(
  db: EmbeddedDynamoDb,
  fn: (client: DynamoDBClient) => Promise<T>,
): Promise<T> => {
  const client = new DynamoDBClient(localDynamoDbClientConfig(db.endpoint));
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
};

describe('embedded DynamoDB (dynalite)', () => {
  it('creates a table with an index in memory, idempotently, and stores items', async () => {
    const db = track(await startEmbeddedDynamoDb({ inMemory: true }));
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const created = await ensureTable(db.endpoint, table);
    expect(created.TableStatus).toBe('ACTIVE');
    expect(created.GlobalSecondaryIndexes?.[0]?.IndexStatus).toBe('ACTIVE');
    await expect(ensureTable(db.endpoint, table)).resolves.toMatchObject({ TableStatus: 'ACTIVE' });

    await withClient(db, async (client) => {
      await client.send(new PutItemCommand({ TableName: table.TableName, Item: item }));
      const got = await client.send(
        new GetItemCommand({ TableName: table.TableName, Key: { pk: item.pk, sk: item.sk } }),
      );
      expect(got.Item).toEqual(item);
      const byRep = await client.send(
        new QueryCommand({
          TableName: table.TableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :rep',
          ExpressionAttributeValues: { ':rep': { S: 'REP#anna' } },
        }),
      );
      expect(byRep.Items).toHaveLength(1);
    });
  });

  it('keeps data on disk across close and restart', async () => {
    const dataDir = path.join(tmp, 'dynamo-data');
    const first = await startEmbeddedDynamoDb({ dataDir });
    await ensureTable(first.endpoint, table);
    await withClient(first, (client) =>
      client.send(new PutItemCommand({ TableName: table.TableName, Item: item })),
    );
    await first.close();
    expect(fs.readdirSync(dataDir).length).toBeGreaterThan(0);

    const second = track(await startEmbeddedDynamoDb({ dataDir }));
    await ensureTable(second.endpoint, table);
    await withClient(second, async (client) => {
      const described = await client.send(new DescribeTableCommand({ TableName: table.TableName }));
      expect(described.Table?.TableStatus).toBe('ACTIVE');
      const got = await client.send(
        new GetItemCommand({ TableName: table.TableName, Key: { pk: item.pk, sk: item.sk } }),
      );
      expect(got.Item?.email).toEqual({ S: 'jane@acme.example' });
    });
  });
});

describe('embedded SES (aws-ses-v2-local)', () => {
  let ses: EmbeddedSes;

  beforeAll(async () => {
    ses = track(await startEmbeddedSes());
  });

  it('captures mail sent with the SES v1 SendEmail API', async () => {
    await ses.clearOutbox();
    const client = new SESClient({
      endpoint: ses.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const sent = await client.send(
        new SendEmailCommand({
          Source: 'leadflow@demo.example.com',
          Destination: {
            ToAddresses: ['anna@demo.example.com'],
            CcAddresses: ['mara.manager@demo.example.com'],
          },
          Message: {
            Subject: { Data: 'New lead: Acme' },
            Body: { Text: { Data: 'Please call Jane.' }, Html: { Data: '<p>Please call Jane.</p>' } },
          },
        }),
      );
      expect(sent.MessageId).toBeTruthy();
    } finally {
      client.destroy();
    }

    const emails = await ses.fetchSentEmails();
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      from: 'leadflow@demo.example.com',
      to: ['anna@demo.example.com'],
      cc: ['mara.manager@demo.example.com'],
      subject: 'New lead: Acme',
      text: 'Please call Jane.',
      html: '<p>Please call Jane.</p>',
    });
    expect(emails[0]!.at).toBeInstanceOf(Date);
    expect(Math.abs(emails[0]!.at.getTime() - Date.now())).toBeLessThan(10_000);

    const ui = await fetch(ses.outboxUrl);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toContain('text/html');

    await ses.clearOutbox();
    expect(await ses.fetchSentEmails()).toEqual([]);
  });
});
