/** GET /orders/:orderId: one of my orders, read straight from my shard. Another customer's order is a 404. */
import { Hono } from 'hono';
import type { AuthVariables } from '../auth.js';
import { ProblemError, problems } from '../problem.js';

export interface OrderView {
  orderId: string;
  status: string;
  lines: { itemId: string; quantity: number; price: number }[];
  total: number;
  orderedAt: string | null;
  expiresAt: string | null;
  suborders: {
    suborderId: string;
    warehouseId: string;
    status: string;
    lines: { itemId: string; quantity: number }[];
  }[];
}

export interface OrderReadDeps {
  getOrder(customerId: string, orderId: string): Promise<OrderView | undefined>;
}

const ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function orderRoutes(deps: OrderReadDeps): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get('/orders/:orderId', async (c) => {
    const orderId = c.req.param('orderId');
    const order = ORDER_ID.test(orderId) ? await deps.getOrder(c.get('customerId'), orderId) : undefined;
    if (!order) throw new ProblemError(problems.notFound(`No order ${orderId}`));
    c.header('Cache-Control', 'private, no-cache');
    return c.json(order);
  });
  return app;
}
