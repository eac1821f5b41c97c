/** GET /admin/orders?from&to: every customer's orders placed in [from, to), oldest first, from every shard. */
import type { OrderRepository } from '../../db/repositories/order-repository.js';
import { cachePrivately } from '../cache-control.js';
import { newRouter } from '../router.js';
import { DEFAULT_PAGE_SIZE, jsonContent } from '../schemas/common.js';
import { AdminOrderPageSchema, OrdersInRangeQuerySchema } from '../schemas/orders.js';
import { adminOrderSummaryView } from '../views.js';
import { bearerRoute } from './bearer-route.js';

const ordersInRange = bearerRoute('Operators', 'get', '/admin/orders', {
  summary: "Every customer's orders placed in a time range (scatter-gather over the shards)",
  request: { query: OrdersInRangeQuerySchema },
  responses: { 200: jsonContent(AdminOrderPageSchema, 'A page of orders, oldest first') },
  problems: [400, 401, 403, 503],
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
