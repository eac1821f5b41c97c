/** Order reads for the API, straight from the customer's shard, in the API's JSON shape. */
import type { OrderRepository } from '../db/repositories/order-repository.js';
import type { OrderReadDeps } from './routes/orders.js';

export function createOrderReads(orders: OrderRepository): OrderReadDeps {
  return {
    async getOrder(customerId, orderId) {
      const order = await orders.getOrder(customerId, orderId);
      if (!order) return undefined;
      return {
        orderId: order.orderId,
        status: order.status,
        lines: order.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity, price: l.priceCents })),
        total: order.totalCents,
        orderedAt: order.orderedAt.toISOString(),
        expiresAt: order.expiresAt?.toISOString() ?? null,
        suborders: order.suborders.map((s) => ({
          suborderId: s.suborderId,
          warehouseId: s.warehouseId,
          status: s.status,
          lines: s.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity })),
        })),
      };
    },
  };
}
