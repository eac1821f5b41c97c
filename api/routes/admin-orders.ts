/**
 * GET /admin/orders?from&to[&status][&customerId]: orders placed in [from, to), oldest first, from every
 * shard (or the one customer's shard), optionally only one status.
 */
import type { OrderRepository } from '../../db/repositories/order-repository.js';
import { cachePrivately } from '../cache-control.js';
import { newRouter } from '../router.js';
import { DEFAULT_PAGE_SIZE, jsonContent } from '../schemas/common.js';
import { AdminOrderPageSchema, OrdersInRangeQuerySchema } from '../schemas/orders.js';
import { adminOrderSummaryView } from '../views.js';
import { bearerRoute } from './bearer-route.js';

const ordersInRange = bearerRoute('Operators', 'get', '/admin/orders', {
  summary: "Every customer's orders placed in a time range (scatter-gather over the shards)",
  description:
    "`status` keeps orders with that status; `customerId` keeps one customer's orders and reads only their " +
    'shard. A cursor continues only the listing (range and filters) it came from.',
  request: { query: OrdersInRangeQuerySchema },
  responses: { 200: jsonContent(AdminOrderPageSchema, 'A page of orders, oldest first') },
  problems: [400, 401, 403, 503],
});

export function adminOrderRoutes(orders: OrderRepository) {
  return newRouter().openapi(ordersInRange, async (c) => {
    const { from, to, status, customerId, cursor, limit = DEFAULT_PAGE_SIZE } = c.req.valid('query');
    const page = await orders.listOrdersInRange({ from, to, status, customerId, limit, cursor });
    cachePrivately(c);
    return c.json(
      { orders: page.orders.map(adminOrderSummaryView), nextCursor: page.nextCursor ?? null, limit },
      200,
    );
  });
}
