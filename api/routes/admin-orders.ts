/** GET /admin/orders?from&to: every customer's orders placed in [from, to), oldest first, from every shard. */
import { createRoute } from '@hono/zod-openapi';
import type { OrderRepository } from '../../db/repositories/order-repository.js';
import { cachePrivately } from '../cache-control.js';
import { newRouter } from '../router.js';
import { bearerSecurity, DEFAULT_PAGE_SIZE, jsonContent, problemResponses } from '../schemas/common.js';
import { AdminOrderPageSchema, OrdersInRangeQuerySchema } from '../schemas/orders.js';
import { adminOrderSummaryView } from '../views.js';

const ordersInRange = createRoute({
  method: 'get',
  path: '/admin/orders',
  tags: ['Operators'],
  summary: "Every customer's orders placed in a time range (scatter-gather over the shards)",
  security: bearerSecurity,
  request: { query: OrdersInRangeQuerySchema },
  responses: {
    200: jsonContent(AdminOrderPageSchema, 'A page of orders, oldest first'),
    ...problemResponses(400, 401, 403, 503),
  },
});

export function adminOrderRoutes(orders: OrderRepository) {
  return newRouter().openapi(ordersInRange, async (c) => {
    const { from, to, cursor, limit = DEFAULT_PAGE_SIZE } = c.req.valid('query');
    const page = await orders.listOrdersInRange({ from, to, limit, cursor });
    cachePrivately(c);
    return c.json(
      { orders: page.orders.map(adminOrderSummaryView), nextCursor: page.nextCursor ?? null, limit },
      200,
    );
  });
}
