/** Builds each worker's activities from the repositories and outside services they need. */
import type { Repositories } from '../db/repositories/index.js';
import type { ShardSet } from '../db/shard-set.js';
import type { PaymentGateway } from '../payment-gateway/gateway.js';
import { createAnalyticsActivities } from './analytics-activities.js';
import { createCheckoutActivities } from './checkout-activities.js';
import { createFulfillmentActivities } from './fulfillment-activities.js';
import { createOrderActivities } from './order-activities.js';
import { createPaymentActivities } from './payment-activities.js';
import { createSuborderActivities } from './suborder-activities.js';
import { createWaitingRoomActivities } from './waiting-room-activities.js';
import { createWarehouseActivities } from './warehouse-activities.js';

/**
 * Everything the order worker runs: the order workflow's steps (V3 and V2), and the legacy orderWorkflow's and its
 * fulfillment child's, which orders started before V2 still call; and the waiting rooms' stock reads.
 */
export function createOrderWorkerActivities(repos: Repositories, gateway: PaymentGateway) {
  return {
    ...createOrderActivities({ catalog: repos.catalog, stock: repos.stock, orders: repos.orders }),
    ...createPaymentActivities({
      gateway,
      orderStatus: async (customerId, orderId) => (await repos.orders.getOrder(customerId, orderId))?.status,
    }),
    ...createFulfillmentActivities({
      warehouses: repos.warehouses,
      warehouseStock: repos.warehouseStock,
      suborders: repos.suborders,
    }),
    ...createCheckoutActivities({
      shardSet: repos.shardSet,
      catalog: repos.catalog,
      stock: repos.stock,
      orders: repos.orders,
    }),
    ...createWaitingRoomActivities({ stock: repos.stock }),
    ...createSuborderActivities({
      warehouseStock: repos.warehouseStock,
      suborders: repos.suborders,
      orders: repos.orders,
    }),
  };
}

export function createWarehouseWorkerActivities(repos: Repositories) {
  return createWarehouseActivities({ suborders: repos.suborders });
}

/** The analytics export's steps: the order worker adds them to its own (one writer of the warehouse file). */
export function createAnalyticsWorkerActivities(shardSet: ShardSet, warehousePath: string) {
  return createAnalyticsActivities({ shardSet, warehousePath });
}
