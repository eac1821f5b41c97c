/** GET /orders (mine, newest first) and GET /orders/:orderId, straight from my shard. Others' orders: 404. */
import type { OrderRepository } from '../../db/repositories/order-repository.js';
import { cachePrivately } from '../cache-control.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import { OrderParamsSchema } from '../schemas/checkout.js';
import { DEFAULT_PAGE_SIZE, jsonContent } from '../schemas/common.js';
import { CustomerOrdersQuerySchema, OrderPageSchema, OrderSchema } from '../schemas/orders.js';
import { orderSummaryView, orderView } from '../views.js';
import { bearerRoute } from './bearer-route.js';

const listOrders = bearerRoute('Orders', 'get', '/orders', {
  summary: 'My orders, newest first',
  request: { query: CustomerOrdersQuerySchema },
  responses: { 200: jsonContent(OrderPageSchema, 'A page of my orders') },
  problems: [400, 401, 503],
});

const getOrder = bearerRoute('Orders', 'get', '/orders/{orderId}', {
  summary: 'One of my orders with its suborders, in any state from RESERVED on',
  request: { params: OrderParamsSchema },
  responses: { 200: jsonContent(OrderSchema, 'The order') },
  problems: [401, 404, 503],
});

export function orderRoutes(orders: OrderRepository) {
  return newRouter()
    .openapi(listOrders, async (c) => {
      const { cursor, since, limit = DEFAULT_PAGE_SIZE } = c.req.valid('query');
      const page = await orders.listCustomerOrders({ customerId: c.get('customerId'), limit, cursor, since });
      cachePrivately(c);
      return c.json(
        { orders: page.orders.map(orderSummaryView), nextCursor: page.nextCursor ?? null, limit },
        200,
      );
    })
    .openapi(getOrder, async (c) => {
      const { orderId } = c.req.valid('param');
      const order = await orders.getOrder(c.get('customerId'), orderId);
      if (!order) throw new ProblemError(problems.notFound(`No order ${orderId}`));
      cachePrivately(c);
      return c.json(orderView(order), 200);
    });
}
