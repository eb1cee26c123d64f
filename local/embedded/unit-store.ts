/**
 * For ops commands that read a unit's table either on AWS (the usual credentials and region) or
 * in the local runtime's store: with `local`, the embedded DynamoDB opens the runtime's data
 * directory (stop `npm start` first: the store takes a lock) and the SDK is pointed at it.
 */
import { join, resolve } from 'node:path';
import { startEmbeddedDynamoDb } from './dynamodb.ts';

export async function openUnitStore(options: {
  unit: string;
  local: boolean;
  dataDir?: string;
}): Promise<{ close(): Promise<void> }> {
  if (!options.local) return { close: async () => {} };
  const store = await startEmbeddedDynamoDb({
    dataDir: resolve(options.dataDir ?? join('.leadflow', 'data', options.unit)),
  });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  return store;
}
