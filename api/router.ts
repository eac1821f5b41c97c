/** What every route module shares: a router that reports bad input as problems. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from './api-env.js';
import { problemHook } from './validation.js';

export function newRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({ defaultHook: problemHook });
}
