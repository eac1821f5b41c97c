/** The HTTP application, built from its dependencies (no globals): routes, auth, problem+json errors. */
import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { type AuthVariables, requireAuth, requireOperator } from './auth.js';
import type { Logger } from './logger.js';
import { ProblemError, problemResponse, problems } from './problem.js';
import { adminSuborderRoutes } from './routes/admin-suborders.js';
import { type CheckoutDeps, checkoutRoutes } from './routes/checkout.js';
import { type DependencyProbe, healthRoutes } from './routes/health.js';
import { type OrderReadDeps, orderRoutes } from './routes/orders.js';

export interface ApiDeps {
  jwtSecret: string;
  probes: readonly DependencyProbe[];
  checkout: CheckoutDeps;
  orders: OrderReadDeps;
  temporal: Client;
  logger: Logger;
}

const MAX_BODY_BYTES = 64 * 1024;

export function createApp(deps: ApiDeps): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();

  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        problemResponse(c, {
          type: '/problems/body-too-large',
          title: 'Body too large',
          status: 413,
          detail: `Request bodies are limited to ${MAX_BODY_BYTES} bytes`,
        }),
    }),
  );

  app.route('/', healthRoutes(deps.probes));

  const auth = requireAuth(deps.jwtSecret);
  app.use('/checkout', auth);
  app.use('/checkout/*', auth);
  app.use('/admin/*', auth, requireOperator());
  app.use('/orders/*', auth);
  app.use('/orders', auth);
  app.route('/', checkoutRoutes(deps.checkout));
  app.route('/', orderRoutes(deps.orders));
  app.route('/', adminSuborderRoutes(deps.temporal));

  app.notFound((c) => problemResponse(c, problems.notFound(`No route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    if (error instanceof ProblemError) return problemResponse(c, error.problem);
    if (error instanceof HTTPException) {
      return problemResponse(c, {
        type: '/problems/http',
        title: error.message || 'HTTP error',
        status: error.status,
        detail: error.message,
      });
    }
    deps.logger.error('unhandled error', { path: c.req.path, method: c.req.method, error: String(error) });
    return problemResponse(c, problems.internal());
  });
  return app;
}
