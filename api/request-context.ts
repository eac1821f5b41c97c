/**
 * First middleware of every request: a request id (the caller's X-Request-Id when it is sane, else a new
 * one), echoed in the response; a logger bound to it; one access-log line and the HTTP metrics.
 */
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from '../observability/logger.js';
import type { ApiEnv } from './api-env.js';
import type { ApiMetrics } from './api-metrics.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** The route pattern that answered (`/orders/:orderId`), so metrics do not grow a series per id. */
export function routeLabel(c: Context): string {
  const handler = [...matchedRoutes(c)].reverse().find((route) => route.method !== 'ALL');
  return handler?.path ?? 'unmatched';
}

const CHECKOUT_OPS = new Set(['BEGIN', 'SUBMIT', 'CANCEL']);

/** BEGIN, SUBMIT and CANCEL share `POST /checkout`; `op` tells them apart (empty for every other request). */
function opLabel(c: Context, route: string): string {
  const op = route === '/checkout' ? c.req.query('op') : undefined;
  return op !== undefined && CHECKOUT_OPS.has(op) ? op : '';
}

export function requestContext(logger: Logger, metrics: ApiMetrics): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    const given = c.req.header(REQUEST_ID_HEADER);
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    const log = logger.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    c.header(REQUEST_ID_HEADER, requestId);
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, requestId);

    const seconds = (performance.now() - started) / 1000;
    const route = routeLabel(c);
    const labels = { method: c.req.method, route, op: opLabel(c, route), status: String(c.res.status) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, seconds);
    // The path only: query strings may carry search text, and headers carry tokens.
    log.info('request', {
      method: c.req.method,
      path: c.req.path,
      route: labels.route,
      status: c.res.status,
      durationMs: Math.round(seconds * 1000),
    });
  };
}
