/** RFC 9457 problem details: every error the API returns has this shape and media type. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface Problem {
  /** Stable identifier clients can branch on, e.g. /problems/out-of-stock */
  type: string;
  title: string;
  status: ContentfulStatusCode;
  detail: string;
  [extension: string]: unknown;
}

export function problemResponse(c: Context, problem: Problem): Response {
  return c.body(JSON.stringify(problem), problem.status, { 'Content-Type': 'application/problem+json' });
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

export const problems = {
  unauthorized: (detail: string): Problem => ({
    type: '/problems/unauthorized',
    title: 'Unauthorized',
    status: 401,
    detail,
  }),
  forbidden: (detail: string): Problem => ({
    type: '/problems/forbidden',
    title: 'Forbidden',
    status: 403,
    detail,
  }),
  notFound: (detail: string): Problem => ({
    type: '/problems/not-found',
    title: 'Not found',
    status: 404,
    detail,
  }),
  validation: (detail: string, fields: { field: string; message: string }[]): Problem => ({
    type: '/problems/validation',
    title: 'Invalid request',
    status: 400,
    detail,
    fields,
  }),
  unknownItems: (itemIds: string[]): Problem => ({
    type: '/problems/unknown-items',
    title: 'Unknown items',
    status: 422,
    detail: `No such item: ${itemIds.join(', ')}`,
    itemIds,
  }),
  unavailable: (detail: string): Problem => ({
    type: '/problems/service-unavailable',
    title: 'Service unavailable',
    status: 503,
    detail,
  }),
  internal: (): Problem => ({
    type: '/problems/internal',
    title: 'Internal error',
    status: 500,
    detail: 'The request failed unexpectedly; it is safe to retry.',
  }),
};
