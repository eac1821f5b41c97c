/**
 * GET /admin/orders?from&to[&status][&customerId]: orders placed in [from, to), oldest first, from every
 * shard (or the one customer's shard), optionally only one status. GET /admin/orders/:orderId?customerId:
 * one order with its suborders.
 */
import type { OrderRepository } from '../../db/repositories/order-repository.js';
import { cachePrivately } from '../cache-control.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import { OrderParamsSchema } from '../schemas/checkout.js';
import { DEFAULT_PAGE_SIZE, jsonContent } from '../schemas/common.js';
import {
  AdminOrderPageSchema,
  AdminOrderQuerySchema,
  AdminOrderSchema,
  OrdersInRangeQuerySchema,
} from '../schemas/orders.js';
import { adminOrderSummaryView, orderView } from '../views.js';
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

const oneOrder = bearerRoute('Operators', 'get', '/admin/orders/{orderId}', {
  summary: "Any customer's order with its suborders (read from that customer's shard)",
  request: { params: OrderParamsSchema, query: AdminOrderQuerySchema },
  responses: { 200: jsonContent(AdminOrderSchema, 'The order') },
  problems: [400, 401, 403, 404, 503],
});

export function adminOrderRoutes(orders: OrderRepository) {
  return newRouter()
    .openapi(oneOrder, async (c) => {
      const { orderId } = c.req.valid('param');
      const { customerId } = c.req.valid('query');
      const order = await orders.getOrder(customerId, orderId);
      if (!order) throw new ProblemError(problems.notFound(`No order ${orderId} of ${customerId}`));
      cachePrivately(c);
      return c.json({ ...orderView(order), customerId }, 200);
    })
    .openapi(ordersInRange, async (c) => {
      const { from, to, status, customerId, cursor, limit = DEFAULT_PAGE_SIZE } = c.req.valid('query');
      const page = await orders.listOrdersInRange({ from, to, status, customerId, limit, cursor });
      cachePrivately(c);
      return c.json(
        { orders: page.orders.map(adminOrderSummaryView), nextCursor: page.nextCursor ?? null, limit },
        200,
      );
    });
}
