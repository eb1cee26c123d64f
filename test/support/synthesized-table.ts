/**
 * The unit's DynamoDB table exactly as the stack synthesizes it (keys, attribute types,
 * indexes), on an in-memory embedded DynamoDB, for adapter tests. The process's SDK clients
 * are pointed at it.
 */

import { synthesizeBusinessUnit } from '../../infra/synth.ts';
import { ensureTable, startEmbeddedDynamoDb } from '../../local/embedded/dynamodb.ts';
import { tableFromTemplate } from '../../local/runtime/leadflow-local.ts';
import { unitConfig } from './unit-config.ts';

export async function synthesizedTable(tableName = 'leadflow-adapter-test') {
  const dynamo = await startEmbeddedDynamoDb({ inMemory: true });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  const { template } = synthesizeBusinessUnit(unitConfig());
  await ensureTable(dynamo.endpoint, tableFromTemplate(template, tableName));
  return { tableName, endpoint: dynamo.endpoint, close: dynamo.close };
}
