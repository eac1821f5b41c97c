/**
 * Warehouse-split steps of the order workflow (V3 and V2) that run as local activities: each does what happens together
 * to the suborders (allocate every item and record the split; ship a suborder's units and record the
 * statuses that follow). Idempotent per (order, item, warehouse) and per suborder; an item that lost a
 * race for a warehouse's units is a typed result, so the workflow plans it again.
 */

import { NotFoundError } from '../db/errors.js';
import type { OrderRepository } from '../db/repositories/order-repository.js';
import type { SuborderRepository } from '../db/repositories/suborder-repository.js';
import type { WarehouseStockRepository } from '../db/repositories/warehouse-stock-repository.js';
import { type ItemParts, withActualParts } from '../domain/allocated-parts.js';
import type { OrderLine } from '../domain/order-lines.js';
import type { OrderStatus } from '../domain/order-status.js';
import type { AllocationResult } from '../domain/step-results.js';
import { suborderIdFor } from '../domain/suborder-id.js';
import type { SuborderStatus } from '../domain/suborder-status.js';
import { businessErrorsAsFailures } from './failures.js';
import { shortLinesOf } from './short-lines.js';

export interface SuborderActivityDeps {
  warehouseStock: Pick<
    WarehouseStockRepository,
    'allocateItem' | 'listAllocations' | 'releaseAllocation' | 'shipAllocation'
  >;
  suborders: Pick<SuborderRepository, 'createSuborders' | 'transitionSuborder'>;
  orders: Pick<OrderRepository, 'transitionOrder'>;
}

interface OrderKey {
  orderId: string;
  customerId: string;
}

interface AllocationRef {
  itemId: string;
  warehouseId: string;
}

export function createSuborderActivities(deps: SuborderActivityDeps) {
  /** The order statuses the suborders' progress implies, in lifecycle order (each a no-op when repeated). */
  const recordOrderStatuses = async (order: OrderKey, statuses: readonly OrderStatus[]) => {
    for (const to of statuses) {
      await businessErrorsAsFailures(() => deps.orders.transitionOrder({ ...order, to }));
    }
  };

  /**
   * The item's live allocations when an earlier attempt of this step already made them (its worker died
   * before the workflow heard back, and the plan made after may name other warehouses); else the plan's.
   */
  const allocateOnce = async (orderId: string, item: ItemParts): Promise<ItemParts> => {
    const live = (await deps.warehouseStock.listAllocations(orderId, item.itemId)).filter(
      (a) => a.status === 'ALLOCATED' && a.quantity > 0,
    );
    if (live.length > 0) {
      return {
        itemId: item.itemId,
        parts: live.map(({ warehouseId, quantity }) => ({ warehouseId, quantity })),
      };
    }
    await deps.warehouseStock.allocateItem({ orderId, ...item });
    return item;
  };

  return {
    /**
     * Allocates each item's planned parts (one transaction per item, on its shard, in parallel). When every
     * item got its units, records the whole split (`suborders`: this round's and earlier rounds').
     */
    async allocateSuborders(
      order: OrderKey & {
        items: ItemParts[];
        suborders: { warehouseId: string; lines: OrderLine[] }[];
      },
    ): Promise<AllocationResult> {
      const results = await Promise.allSettled(order.items.map((item) => allocateOnce(order.orderId, item)));
      const lostItemIds: string[] = [];
      const allocated: ItemParts[] = [];
      results.forEach((result, index) => {
        if (result.status === 'fulfilled') allocated.push(result.value);
        else if (shortLinesOf(result.reason)) lostItemIds.push(order.items[index]!.itemId);
        else throw result.reason;
      });
      if (lostItemIds.length > 0) return { ok: false, lostItemIds, allocated };
      await businessErrorsAsFailures(() =>
        deps.suborders.createSuborders({
          customerId: order.customerId,
          orderId: order.orderId,
          suborders: withActualParts(order.suborders, allocated),
        }),
      );
      return { ok: true, allocated };
    },

    /**
     * A warehouse event: SHIPPED (its units leave the warehouse) or DELIVERED, then the order statuses
     * that follow from it.
     */
    async advanceSuborder(
      change: OrderKey & {
        suborderId: string;
        warehouseId: string;
        itemIds: string[];
        to: 'SHIPPED' | 'DELIVERED';
        orderStatuses: OrderStatus[];
      },
    ): Promise<void> {
      if (change.to === 'SHIPPED') {
        await businessErrorsAsFailures(() =>
          Promise.all(
            change.itemIds.map((itemId) =>
              deps.warehouseStock.shipAllocation({
                orderId: change.orderId,
                itemId,
                warehouseId: change.warehouseId,
              }),
            ),
          ),
        );
      }
      await setSuborderStatus(change, change.suborderId, change.to);
      await recordOrderStatuses(change, change.orderStatuses);
    },

    /**
     * A cancel before anything shipped: every allocation goes back to its warehouse, suborders CANCELLED.
     * `everyAllocationOf` (a failed order) adds every live allocation of those items, wherever an attempt
     * lost with its workflow task put them, and their warehouses' suborders.
     */
    async cancelSuborders(
      order: OrderKey & { allocations: AllocationRef[]; suborderIds: string[]; everyAllocationOf?: string[] },
    ): Promise<void> {
      const live = await businessErrorsAsFailures(async () =>
        (
          await Promise.all(
            (order.everyAllocationOf ?? []).map((itemId) =>
              deps.warehouseStock.listAllocations(order.orderId, itemId),
            ),
          )
        )
          .flat()
          .filter((a) => a.status === 'ALLOCATED'),
      );
      const allocations = [
        ...order.allocations,
        ...live.map(({ itemId, warehouseId }) => ({ itemId, warehouseId })),
      ];
      await businessErrorsAsFailures(() =>
        Promise.all(
          allocations.map((a) => deps.warehouseStock.releaseAllocation({ orderId: order.orderId, ...a })),
        ),
      );
      const suborderIds = new Set([
        ...order.suborderIds,
        ...live.map((a) => suborderIdFor(order.orderId, a.warehouseId)),
      ]);
      for (const suborderId of suborderIds) {
        // A failed order names every suborder its allocation steps may have recorded; one never recorded
        // has nothing to cancel.
        await businessErrorsAsFailures(() =>
          deps.suborders
            .transitionSuborder({ customerId: order.customerId, suborderId, to: 'CANCELLED' })
            .catch((error: unknown) => {
              if (!(error instanceof NotFoundError)) throw error;
            }),
        );
      }
    },
  };

  function setSuborderStatus(order: OrderKey, suborderId: string, to: SuborderStatus) {
    return businessErrorsAsFailures(() =>
      deps.suborders.transitionSuborder({ customerId: order.customerId, suborderId, to }),
    );
  }
}

export type SuborderActivities = ReturnType<typeof createSuborderActivities>;
