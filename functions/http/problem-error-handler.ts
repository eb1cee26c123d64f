/**
 * Middy middleware: turns thrown errors into RFC 9457 responses. Known problems keep their
 * status; anything unexpected is logged and answered with a generic 500 that leaks nothing.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpProblem, problemResponse } from './problem.ts';

/**
 * Powertools idempotency errors are told apart by the `name` each class sets, not `instanceof`:
 * importing the classes would bundle and load the idempotency package (~25 KB) into every
 * function that answers HTTP, though only capture-lead makes requests idempotent. Nothing else
 * names its errors so.
 */
const errorName = (error: unknown) => (error instanceof Error ? error.name : undefined);

export function toHttpProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  const name = errorName(error);
  if (name === 'IdempotencyValidationError') {
    return new HttpProblem(
      422,
      'Idempotency key reused',
      'This Idempotency-Key was already used with a different body.',
    );
  }
  if (name === 'IdempotencyAlreadyInProgressError') {
    return new HttpProblem(
      409,
      'Request in progress',
      'A request with this Idempotency-Key is still being processed; retry shortly.',
      undefined,
      {
        'retry-after': '1',
      },
    );
  }
  return undefined;
}

export function problemErrorHandler<E extends APIGatewayProxyEventV2>(options: {
  logger: Logger;
  /** Alternative rendering (e.g. an HTML page for browsers); undefined keeps problem+json. */
  render?: (problem: HttpProblem, event: E) => APIGatewayProxyStructuredResultV2 | undefined;
}): MiddlewareObj<E, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const known = toHttpProblem(request.error);
      if (!known) options.logger.error('Unhandled error', { error: request.error as Error });
      const problem =
        known ??
        new HttpProblem(
          500,
          'Internal error',
          'Something went wrong on our side; nothing you sent was lost if you retry.',
        );
      request.response =
        options.render?.(problem, request.event) ?? problemResponse(problem, request.event.rawPath);
    },
  };
}
