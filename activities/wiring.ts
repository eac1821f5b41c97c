/** Adapts the repositories to the narrow ports the order activities depend on. */
import type { Repositories } from '../db/repositories/index.js';
import type { OrderActivityDeps } from './order-activities.js';

export function createOrderActivityDeps(repos: Repositories): OrderActivityDeps {
  return {
    catalog: {
      async pricesOf(itemIds) {
        const items = await repos.catalog.getItems(itemIds);
        return new Map(items.map((item) => [item.itemId, item.priceCents]));
      },
    },
    orders: {
      async createCheckoutOrder(order) {
        await repos.orders.createCheckoutOrder(order);
      },
      async setStatus(customerId, orderId, status) {
        await repos.orders.transitionOrder({ customerId, orderId, to: status });
      },
    },
  };
}
