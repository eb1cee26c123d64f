/**
 * Fault injection into the AWS SDK calls the handlers make, through a middleware on the
 * process-wide clients (functions/adapters/aws-clients.ts, clients/*.ts), which every handler
 * module of every local runtime in this process shares, as a warm Lambda would.
 *
 * The middleware sits at the end of the `deserialize` step: inside the SDK's retry loop (each
 * attempt meets it) and under the deserializer, so an injected error is a real HTTP answer
 * (status and body as the service sends them) that the SDK parses into its own exception and
 * classifies as it would on AWS: throttling and 5xx are retried (3 attempts by default),
 * permanent errors are not. A timeout is thrown as the HTTP handler would throw it: before the
 * request reached the service (`timeout`), or after the service did the work and only the answer
 * was lost (`lost-response`), which is the case idempotency has to survive.
 */
import type { MiddlewareStack } from '@smithy/types';
import { dynamoDbClient } from '../../../functions/adapters/aws-clients.ts';
import { eventBridgeClient } from '../../../functions/adapters/clients/eventbridge.ts';
import { sesClient } from '../../../functions/adapters/clients/ses.ts';
import { sfnClient } from '../../../functions/adapters/clients/sfn.ts';

export type Service = 'dynamodb' | 'eventbridge' | 'ses' | 'sfn';
export type FaultKind = 'throttle' | 'server-error' | 'timeout' | 'lost-response' | 'permanent';

export interface FaultRule {
  service: Service;
  /** The operation on the wire: UpdateItem, PutEvents, SendEmail, SendTaskSuccess, StartExecution… */
  operation?: string;
  /** Every one of these appears in the serialized request (a key, an event name, a subject…). */
  bodyIncludes?: string[];
  kind: FaultKind;
  /** How many matching attempts fail (each SDK attempt counts); Infinity until removed. */
  times: number;
  /** server-error: 500 (default) or 503. */
  status?: 500 | 503;
  /** Only while this says yes (an outage that ends when a test says so). */
  when?: () => boolean;
}

export interface InjectedFault {
  service: Service;
  operation: string;
  kind: FaultKind;
}

interface WireRequest {
  headers: Record<string, string>;
  body?: unknown;
}

const FAULT_MIDDLEWARE = 'leadflowFaultInjection';

const JSON_PROTOCOL: Record<Exclude<Service, 'ses'>, string> = {
  dynamodb: 'application/x-amz-json-1.0',
  sfn: 'application/x-amz-json-1.0',
  eventbridge: 'application/x-amz-json-1.1',
};

/** The error each service answers for a kind of fault, as its API reference names it. */
const ERRORS: Record<Service, Record<'throttle' | 'server-error' | 'permanent', string>> = {
  dynamodb: {
    throttle: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    'server-error': 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    permanent: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException',
  },
  eventbridge: {
    throttle: 'ThrottlingException',
    'server-error': 'InternalException',
    permanent: 'AccessDeniedException',
  },
  sfn: {
    throttle: 'ThrottlingException',
    'server-error': 'ServiceUnavailable',
    permanent: 'AccessDeniedException',
  },
  ses: { throttle: 'Throttling', 'server-error': 'ServiceUnavailable', permanent: 'MessageRejected' },
};

/** The serialized request: a string, bytes, or the SDK's JSON string adapter (toString gives the JSON). */
function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  return body === undefined || body === null ? '' : String(body);
}

function operationOf(service: Service, request: WireRequest, body: string): string {
  if (service === 'ses') return /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1] ?? 'unknown';
  const target = Object.entries(request.headers).find(([k]) => k.toLowerCase() === 'x-amz-target')?.[1];
  return target?.split('.').pop() ?? 'unknown';
}

function errorResponse(service: Service, kind: 'throttle' | 'server-error' | 'permanent', status?: number) {
  const code = ERRORS[service][kind];
  const statusCode = kind === 'server-error' ? (status ?? 500) : 400;
  const message = `Injected ${kind} fault`;
  const [contentType, text] =
    service === 'ses'
      ? [
          'text/xml',
          `<ErrorResponse><Error><Type>${statusCode >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code>` +
            `<Message>${message}</Message></Error><RequestId>fault-injection</RequestId></ErrorResponse>`,
        ]
      : [JSON_PROTOCOL[service], JSON.stringify({ __type: code, message })];
  return {
    statusCode,
    reason: kind,
    headers: { 'content-type': contentType, 'x-amzn-requestid': 'fault-injection' },
    body: new Uint8Array(Buffer.from(text, 'utf8')),
  };
}

const timeoutError = (kind: 'timeout' | 'lost-response') =>
  Object.assign(new Error(kind === 'timeout' ? 'connect ETIMEDOUT' : 'socket hang up (response lost)'), {
    name: 'TimeoutError',
    code: kind === 'timeout' ? 'ETIMEDOUT' : 'ECONNRESET',
  });

const CLIENTS: Record<Service, () => { config: { maxAttempts: number | (() => Promise<number>) } }> = {
  dynamodb: dynamoDbClient as never,
  eventbridge: eventBridgeClient as never,
  ses: sesClient as never,
  sfn: sfnClient as never,
};

/**
 * How many attempts the SDK makes per call to a service (its own retries included): a fault
 * that fails this many attempts in a row fails the call, and with it the Lambda. DynamoDB's
 * client defaults to 4 in this SDK, the others to 3.
 */
export async function sdkAttempts(service: Service): Promise<number> {
  const { maxAttempts } = CLIENTS[service]().config;
  return typeof maxAttempts === 'function' ? maxAttempts() : maxAttempts;
}

export class FaultInjector {
  private rules: Array<FaultRule & { left: number }> = [];
  readonly injected: InjectedFault[] = [];
  /** Attempts that reached the middleware (with or without a fault), per service. */
  readonly attempts: Record<Service, number> = { dynamodb: 0, eventbridge: 0, ses: 0, sfn: 0 };

  /** Adds the middleware to the process-wide clients, once per process (they live as long). */
  install(): this {
    for (const service of Object.keys(CLIENTS) as Service[]) {
      const stack = (CLIENTS[service]() as unknown as { middlewareStack: MiddlewareStack<object, object> })
        .middlewareStack;
      stack.remove(FAULT_MIDDLEWARE);
      stack.add(
        (next) => async (args) => {
          const request = (args as { request: WireRequest }).request;
          const body = bodyText(request.body);
          const operation = operationOf(service, request, body);
          this.attempts[service]++;
          const rule = this.rules.find(
            (r) =>
              r.service === service &&
              r.left > 0 &&
              (r.operation === undefined || r.operation === operation) &&
              (r.bodyIncludes ?? []).every((s) => body.includes(s)) &&
              (r.when?.() ?? true),
          );
          if (!rule) return next(args);
          rule.left--;
          this.injected.push({ service, operation, kind: rule.kind });
          if (rule.kind === 'timeout') throw timeoutError('timeout');
          if (rule.kind === 'lost-response') {
            const result = await next(args);
            (result.response as { body?: { destroy?: () => void } }).body?.destroy?.();
            throw timeoutError('lost-response');
          }
          return { response: errorResponse(service, rule.kind, rule.status), output: {} } as never;
        },
        { step: 'deserialize', priority: 'low', name: FAULT_MIDDLEWARE },
      );
    }
    return this;
  }

  /** Adds a fault; returns it so a test can see how many of its attempts are left. */
  add(rule: FaultRule): FaultRule & { left: number } {
    const added = { ...rule, left: rule.times };
    this.rules.push(added);
    return added;
  }

  clear(): void {
    this.rules = [];
  }

  /** Injected faults by kind and by service, e.g. `throttle 3, server-error 2 | dynamodb 4, ses 1`. */
  summary(faults: InjectedFault[] = this.injected): string {
    const count = (key: (f: InjectedFault) => string) =>
      Object.entries(
        faults.reduce<Record<string, number>>((acc, f) => {
          acc[key(f)] = (acc[key(f)] ?? 0) + 1;
          return acc;
        }, {}),
      )
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
    return faults.length === 0
      ? 'none'
      : `${count((f) => f.kind)} | ${count((f) => `${f.service}.${f.operation}`)}`;
  }
}

/** Matches an SES SendEmail (query protocol) to one recipient. */
export const sesTo = (address: string) => `Destination.ToAddresses.member.1=${encodeURIComponent(address)}`;
/** Matches an SES SendEmail whose subject starts with these words (no punctuation). */
export const sesSubject = (start: string) => `Message.Subject.Data=${encodeURIComponent(start)}`;
