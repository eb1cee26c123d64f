import {
  IdempotencyAlreadyInProgressError,
  IdempotencyItemAlreadyExistsError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../functions/http/problem.ts';
import { toHttpProblem } from '../../functions/http/problem-error-handler.ts';

// toHttpProblem recognizes Powertools' errors by name (so HTTP functions need not load the
// idempotency package); these pin the names against the real classes.
describe('toHttpProblem', () => {
  it('answers a reused Idempotency-Key with another body with 422', () => {
    const problem = toHttpProblem(new IdempotencyValidationError('payload differs'));
    expect(problem).toMatchObject({ status: 422, title: 'Idempotency key reused' });
  });

  it('answers a request still in progress with 409 and retry-after', () => {
    const problem = toHttpProblem(new IdempotencyAlreadyInProgressError('in progress'));
    expect(problem).toMatchObject({ status: 409, headers: { 'retry-after': '1' } });
  });

  it('leaves other errors, Powertools ones included, to the generic 500', () => {
    expect(toHttpProblem(new IdempotencyItemAlreadyExistsError('exists'))).toBeUndefined();
    expect(toHttpProblem(new Error('boom'))).toBeUndefined();
    expect(toHttpProblem({ name: 'IdempotencyValidationError' })).toBeUndefined();
  });

  it('keeps an HttpProblem as it is', () => {
    const problem = new HttpProblem(404, 'Lead not found');
    expect(toHttpProblem(problem)).toBe(problem);
  });
});
