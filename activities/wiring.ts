/** Builds each worker's activities from the repositories and outside services they need. */
import type { Repositories } from '../db/repositories/index.js';
import { createFulfillmentActivities } from './fulfillment-activities.js';
import { createOrderActivities } from './order-activities.js';
import type { PaymentGateway } from './payment/gateway.js';
import { createPaymentActivities } from './payment-activities.js';
import { createWarehouseActivities } from './warehouse-activities.js';

/** Everything the order worker runs: the order workflow's steps and its fulfillment child's. */
export function createOrderWorkerActivities(repos: Repositories, gateway: PaymentGateway) {
  return {
    ...createOrderActivities({ catalog: repos.catalog, stock: repos.stock, orders: repos.orders }),
    ...createPaymentActivities({ gateway }),
    ...createFulfillmentActivities({
      warehouses: repos.warehouses,
      warehouseStock: repos.warehouseStock,
      suborders: repos.suborders,
    }),
  };
}

export function createWarehouseWorkerActivities(repos: Repositories) {
  return createWarehouseActivities({ suborders: repos.suborders });
}
