/**
 * A Lambda `Context` as the Node.js runtime builds it. Handlers rely on it: Powertools Logger
 * adds function name/ARN/request id to every line, and Powertools Idempotency uses
 * `getRemainingTimeInMillis()` to size its in-progress lock.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID } from './v2-event.ts';

export interface LambdaContextOptions {
  /** The function timeout; `getRemainingTimeInMillis` counts down from it. Default 30 s. */
  timeoutMs?: number;
  memoryLimitInMB?: number;
  region?: string;
  accountId?: string;
  functionVersion?: string;
}

const logStreamName = (date: Date, version: string): string => {
  const day = date.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${version}]${randomBytes(16).toString('hex')}`;
};

export const lambdaContext = (functionName: string, options: LambdaContextOptions = {}): Context => {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const region = options.region ?? process.env.AWS_REGION ?? 'eu-central-1';
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const functionVersion = options.functionVersion ?? '$LATEST';
  const deadline = Date.now() + timeoutMs;
  const unsupported = (name: string) => () => {
    throw new Error(
      `context.${name}() is deprecated and not supported by the local runtime; return a value instead`,
    );
  };

  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion,
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 1024),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: logStreamName(new Date(), functionVersion),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
};
