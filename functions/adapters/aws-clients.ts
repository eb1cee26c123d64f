/**
 * DynamoDB clients, created lazily once per cold start and shared by every adapter. Each AWS
 * service has its own module under clients/ so a handler bundles and loads only the SDK
 * clients it uses. Endpoints come from the standard AWS_ENDPOINT_URL_<SERVICE> variables,
 * which is how the local runtime points the very same code at its embedded stand-ins (and
 * clients/transport.ts, through which it serves their requests in-process).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { once } from './clients/once.ts';
import { transportOptions } from './clients/transport.ts';

export const dynamoDbClient = once(() => new DynamoDBClient({ ...transportOptions() }));
/**
 * `convertClassInstanceToMap`: the marshaller recognizes a plain object by
 * `value.constructor.name === 'Object'`, so a map whose data has a key named `constructor` (a
 * custom form field may: `custom: {constructor: "x"}`) would otherwise be refused as "a class
 * instance" and fail the write. With it, such a map (and a null-prototype one) is stored as a map
 * of its own enumerable properties, like any other.
 */
export const documentClient = once(() =>
  DynamoDBDocumentClient.from(dynamoDbClient(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  }),
);
