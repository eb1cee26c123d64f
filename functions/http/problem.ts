/**
 * RFC 9457 problem details. Every 4xx the API returns is one of these, with field paths
 * for validation errors so a form can point at the offending input.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as z from 'zod';

export interface FieldError {
  /** JSON-pointer-like dotted path of the field, e.g. `utm.source` or `custom.industry`. */
  path: string;
  message: string;
}

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }
}

const TYPE_BASE = 'https://leadflow.dev/problems/';

const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export function problemResponse(problem: HttpProblem, instance?: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...problem.headers },
    body: JSON.stringify({
      type: `${TYPE_BASE}${slug(problem.title)}`,
      title: problem.title,
      status: problem.status,
      ...(problem.detail ? { detail: problem.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(problem.errors ? { errors: problem.errors } : {}),
    }),
  };
}

export function fieldErrors(error: z.core.$ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    // A bad record key (e.g. a custom field name) says only "Invalid key in record"; the
    // check that failed on the key says what is wrong with it.
    message: (issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined) ?? issue.message,
  }));
}

export const validationProblem = (error: z.core.$ZodError) =>
  new HttpProblem(400, 'Validation failed', 'One or more fields are invalid.', fieldErrors(error));
