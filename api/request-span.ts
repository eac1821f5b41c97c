/**
 * A server span per HTTP request, named by method and route pattern (`POST /checkout`), with the status
 * code. The request runs with the span active, so the Temporal client's spans (and the workflow's, through
 * its headers) join the request's trace; a caller's `traceparent` header is continued.
 */
import { context, propagation, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { MiddlewareHandler } from 'hono';
import { routeLabel } from './request-context.js';

export function requestSpan(tracer: Tracer): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    const parent = propagation.extract(context.active(), c.req.header());
    const span = tracer.startSpan(
      method,
      // The path only: query strings may carry search text.
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: c.req.path },
      },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), next);
    } finally {
      const route = routeLabel(c);
      const status = c.res.status;
      span.updateName(`${method} ${route}`);
      span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
