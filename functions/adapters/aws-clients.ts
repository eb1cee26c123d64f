/**
 * SDK clients, created lazily once per cold start and shared by every adapter. Endpoints come
 * from the standard AWS_ENDPOINT_URL_<SERVICE> variables, which is how the local runtime points
 * the very same code at its embedded stand-ins.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

export const dynamoDbClient = once(() => new DynamoDBClient({}));
export const documentClient = once(() =>
  DynamoDBDocumentClient.from(dynamoDbClient(), { marshallOptions: { removeUndefinedValues: true } }),
);
export const eventBridgeClient = once(() => new EventBridgeClient({}));
export const sesClient = once(() => new SESClient({}));
export const sfnClient = once(() => new SFNClient({}));
export const ssmClient = once(() => new SSMClient({}));
