/**
 * DynamoDB for the local runtime: dynalite (the DynamoDB wire API on LevelDB) in-process, so
 * `npm start` needs no Java, Docker or AWS account. Handlers talk to it with the normal AWS SDK
 * pointed at `endpoint`, over HTTP or in-process through its request `listener` (local/transport/).
 */
import { mkdir } from 'node:fs/promises';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

export type EmbeddedDynamoDbOptions = {
  port?: number;
  host?: string;
} & (
  | { dataDir: string; inMemory?: never }
  | { inMemory: true; dataDir?: never }
  | { dataDir?: undefined; inMemory?: undefined }
);

export interface EmbeddedDynamoDb {
  endpoint: string;
  /** dynalite's request handling: what its HTTP server calls for every request. */
  listener: RequestListener;
  close(): Promise<void>;
}

/**
 * SDK settings for talking to a local endpoint. The credentials are dummies (dynalite checks
 * only that a request is signed) and the region is a placeholder.
 */
export const localDynamoDbClientConfig = (endpoint: string): DynamoDBClientConfig => ({
  endpoint,
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 3,
});

/**
 * Starts dynalite. With `dataDir` the tables live in a LevelDB directory and survive restarts;
 * otherwise (or with `inMemory: true`) they vanish on close. Table state transitions are made
 * near-instant (dynalite's default keeps new tables CREATING for 500 ms).
 */
export const startEmbeddedDynamoDb = async (
  options: EmbeddedDynamoDbOptions = {},
): Promise<EmbeddedDynamoDb> => {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const server = dynalite({
    ...(options.dataDir ? { path: options.dataDir } : {}),
    createTableMs: 0,
    updateTableMs: 0,
    deleteTableMs: 0,
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const [dynaliteListener] = server.listeners('request') as RequestListener[];
  if (!dynaliteListener) throw new Error('dynalite server has no request handler');

  // Requests served in-process bypass the HTTP server, whose close() only waits for its own
  // connections: count them, so the store closes after the last one is answered, and answer
  // any that arrive once closing began as a closed endpoint would (a retryable 503), instead of
  // letting dynalite throw "Database is closed" outside any request.
  let inFlight = 0;
  let closing = false;
  const drained: Array<() => void> = [];
  const listener: RequestListener = (req, res) => {
    if (closing) {
      res.writeHead(503, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazon.coral.availability#ServiceUnavailableException',
          message: 'The local DynamoDB is shutting down',
        }),
      );
      return;
    }
    inFlight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight--;
      if (inFlight === 0) for (const resolve of drained.splice(0)) resolve();
    };
    res.once('finish', finish);
    res.once('close', finish);
    dynaliteListener(req, res);
  };
  server.removeListener('request', dynaliteListener);
  server.on('request', listener);

  return {
    endpoint: `http://${host}:${port}`,
    listener,
    close: async () => {
      closing = true;
      if (inFlight > 0) await new Promise<void>((resolve) => drained.push(resolve));
      await new Promise<void>((resolve, reject) => {
        // dynalite's close() also closes LevelDB once the HTTP server is done; idle keep-alive
        // sockets from SDK clients would otherwise keep it waiting.
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
    },
  };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const isReady = (table: TableDescription | undefined): boolean =>
  table?.TableStatus === 'ACTIVE' &&
  (table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');

/**
 * Creates the table unless it exists, then waits until it and its indexes are ACTIVE.
 * Idempotent, so it can run on every `npm start` against a persistent data dir.
 * Note: dynalite does not implement UpdateTimeToLive; TTL settings are not applied locally.
 */
export const ensureTable = async (
  endpoint: string,
  input: CreateTableCommandInput,
  { timeoutMs = 10_000 }: { timeoutMs?: number } = {},
): Promise<TableDescription> => {
  const client = new DynamoDBClient(localDynamoDbClientConfig(endpoint));
  const TableName = input.TableName;
  try {
    const describe = async () => (await client.send(new DescribeTableCommand({ TableName }))).Table;
    let table: TableDescription | undefined;
    try {
      table = await describe();
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      try {
        table = (await client.send(new CreateTableCommand(input))).TableDescription;
      } catch (createError) {
        // Someone else created it in the meantime; fine.
        if (!(createError instanceof ResourceInUseException)) throw createError;
      }
    }
    const deadline = Date.now() + timeoutMs;
    while (!isReady(table)) {
      if (Date.now() > deadline)
        throw new Error(`Table ${TableName} did not become ACTIVE within ${timeoutMs} ms`);
      await sleep(20);
      table = await describe();
    }
    return table!;
  } finally {
    client.destroy();
  }
};
