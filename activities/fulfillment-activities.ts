/**
 * Side effects of the fulfillment (warehouse split) workflow: warehouse availability, allocations on
 * each item's shard, suborders on the customer's shard. All idempotent per (order, item, warehouse).
 */
import type { SuborderRepository } from '../db/repositories/suborder-repository.js';
import type { WarehouseRepository } from '../db/repositories/warehouse-repository.js';
import type { WarehouseStockRepository } from '../db/repositories/warehouse-stock-repository.js';
import type { OrderLine } from '../domain/order-lines.js';
import type { SuborderStatus } from '../domain/suborder-status.js';
import { businessErrorsAsFailures } from './failures.js';

export interface FulfillmentActivityDeps {
  warehouses: Pick<WarehouseRepository, 'listWarehouses'>;
  warehouseStock: Pick<
    WarehouseStockRepository,
    'getAvailability' | 'listAllocations' | 'allocateItem' | 'releaseAllocation' | 'shipAllocation'
  >;
  suborders: Pick<SuborderRepository, 'createSuborders' | 'transitionSuborder'>;
}

interface AllocationRef {
  orderId: string;
  itemId: string;
  warehouseId: string;
}

export function createFulfillmentActivities(deps: FulfillmentActivityDeps) {
  return {
    /**
     * What the split planner needs: warehouses with their coordinates and per-warehouse availability. With
     * `orderId`, the units that order already holds count as available to it: an allocation step whose result
     * was lost with its workflow task has taken them, and the plan made again must still find them (the step
     * then keeps those allocations), or an order short of stock would wait for the units it holds itself.
     */
    async loadSplitInputs(itemIds: string[], orderId?: string) {
      const [warehouses, levels, held] = await Promise.all([
        deps.warehouses.listWarehouses(),
        deps.warehouseStock.getAvailability(itemIds),
        orderId === undefined
          ? []
          : Promise.all(itemIds.map((itemId) => deps.warehouseStock.listAllocations(orderId, itemId))),
      ]);
      const own = new Map<string, number>();
      for (const allocation of held.flat()) {
        if (allocation.status !== 'ALLOCATED') continue;
        const key = `${allocation.itemId}/${allocation.warehouseId}`;
        own.set(key, (own.get(key) ?? 0) + allocation.quantity);
      }
      const availability = levels.map((level) => ({
        ...level,
        available: level.available + (own.get(`${level.itemId}/${level.warehouseId}`) ?? 0),
      }));
      return {
        warehouses: warehouses.map((w) => ({
          warehouseId: w.warehouseId,
          latitude: w.latitude,
          longitude: w.longitude,
        })),
        availability: availability.map((a) => ({
          warehouseId: a.warehouseId,
          itemId: a.itemId,
          available: a.available,
        })),
      };
    },

    /** One item's units from one or more warehouses, in one transaction on the item's shard: all or none. */
    async allocateItem(allocation: {
      orderId: string;
      itemId: string;
      parts: { warehouseId: string; quantity: number }[];
    }): Promise<void> {
      await businessErrorsAsFailures(() => deps.warehouseStock.allocateItem(allocation));
    },

    async releaseAllocation(allocation: AllocationRef): Promise<void> {
      await businessErrorsAsFailures(() => deps.warehouseStock.releaseAllocation(allocation));
    },

    /** The units leave the warehouse: physical stock goes down. */
    async shipAllocation(allocation: AllocationRef): Promise<void> {
      await businessErrorsAsFailures(() => deps.warehouseStock.shipAllocation(allocation));
    },

    async recordSuborders(input: {
      customerId: string;
      orderId: string;
      suborders: { warehouseId: string; lines: OrderLine[] }[];
    }): Promise<void> {
      await businessErrorsAsFailures(() => deps.suborders.createSuborders(input));
    },

    async setSuborderStatus(change: { customerId: string; suborderId: string; status: SuborderStatus }) {
      const { status, ...suborder } = change;
      await businessErrorsAsFailures(() => deps.suborders.transitionSuborder({ ...suborder, to: status }));
    },
  };
}

export type FulfillmentActivities = ReturnType<typeof createFulfillmentActivities>;
