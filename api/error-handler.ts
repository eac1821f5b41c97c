/** The app's onError: every failure becomes a problem; only a bug is a 500 (and it is logged). */
import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { InvalidCursorError } from '../db/cursor.js';
import { isTransientDbError, loggableError } from '../db/errors.js';
import { type Problem, ProblemError, problemResponse, problems } from './problem.js';

/**
 * gRPC codes meaning "Temporal could not be reached, did not answer in time, or is busy": RESOURCE_EXHAUSTED is
 * also a workflow that already has as many Updates in flight as the server admits (one stuck on a step that
 * keeps retrying, say).
 */
const UNAVAILABLE_GRPC_CODES = new Set([
  4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 14 /* UNAVAILABLE */,
]);

function isTemporalUnavailable(error: unknown): boolean {
  const grpc = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(grpc) && UNAVAILABLE_GRPC_CODES.has(grpc.code);
}

function problemFor(error: unknown): Problem | undefined {
  if (error instanceof ProblemError) return error.problem;
  if (error instanceof InvalidCursorError) {
    return problems.invalidCursor('The cursor is not one this listing issued (or belongs to other filters)');
  }
  if (error instanceof HTTPException) {
    if (error.status === 400) return problems.malformedJson('The body is not valid JSON');
    if (error.status === 415) return problems.unsupportedMediaType('The body must be application/json');
    return {
      type: '/problems/http',
      title: error.message || 'HTTP error',
      status: error.status,
      detail: error.message,
    };
  }
  if (isTransientDbError(error))
    return problems.unavailable('A database shard is unavailable; retry shortly');
  if (isTemporalUnavailable(error))
    return problems.unavailable('The workflow service is unavailable; retry shortly');
  return undefined;
}

export function handleError(error: unknown, c: Context): Response {
  const problem = problemFor(error);
  if (problem) {
    if (problem.status === 503) c.header('Retry-After', '2');
    return problemResponse(c, problem);
  }
  const log = c.get('log') as { error(message: string, fields: Record<string, unknown>): void } | undefined;
  const grpc = error instanceof ServiceError ? error.cause : undefined;
  log?.error('unhandled error', {
    method: c.req.method,
    path: c.req.path,
    error: loggableError(error),
    ...(isGrpcServiceError(grpc) ? { grpcCode: grpc.code, grpcDetails: grpc.details } : {}),
  });
  return problemResponse(c, problems.internal());
}
