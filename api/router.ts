/** What every route module shares: the context variables and a router that reports bad input as problems. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from '../observability/logger.js';
import type { AuthVariables } from './auth.js';
import { problemHook } from './validation.js';

export interface RequestVariables {
  requestId: string;
  /** The API logger, with this request's id on every line. */
  log: Logger;
}

export type ApiEnv = { Variables: AuthVariables & RequestVariables };

export function newRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({ defaultHook: problemHook });
}
