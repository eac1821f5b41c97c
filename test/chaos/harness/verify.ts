/**
 * What must hold after any chaos run: every acknowledged order exists and is terminal (and none FAILED), no
 * unit is oversold or leaked, and the invariants `npm run verify` checks (db/invariants.ts, and no finished
 * order holding stock) hold on every shard — among them that each order was charged at most once, with
 * captured − refunded matching its final state.
 */
import { checkHeldStock } from '../../../db/held-stock-check.js';
import { checkInvariants } from '../../../db/invariants.js';
import type { Repositories } from '../../../db/repositories/index.js';
import type { ShardSet } from '../../../db/shard-set.js';
import { TERMINAL_ORDER_STATUSES } from '../../../domain/order-status.js';
import type { TrackedOrder } from './shoppers.js';

const TERMINAL = new Set<string>(TERMINAL_ORDER_STATUSES);

export interface StockedItem {
  itemId: string;
  /** Units stocked before the run, over all warehouses. */
  initial: number;
}

export interface Verdict {
  violations: string[];
  ordersByStatus: Record<string, number>;
  unitsSold: number;
}

export async function verifyRun(
  shardSet: ShardSet,
  repos: Repositories,
  orders: readonly TrackedOrder[],
  items: readonly StockedItem[],
): Promise<Verdict> {
  const violations: string[] = [];
  const ordersByStatus: Record<string, number> = {};
  const soldPerItem = new Map<string, number>();

  for (const tracked of orders) {
    const order = await repos.orders.getOrder(tracked.customerId, tracked.orderId);
    if (!order) {
      violations.push(`lost: order ${tracked.orderId} was acknowledged but is not on its shard`);
      continue;
    }
    ordersByStatus[order.status] = (ordersByStatus[order.status] ?? 0) + 1;
    if (!TERMINAL.has(order.status)) violations.push(`not terminal: ${order.orderId} is ${order.status}`);
    // The faults here heal in seconds, well inside every step's bound: a FAILED order means a step failed
    // for good, which no restart should cause.
    if (order.status === 'FAILED') violations.push(`failed: ${order.orderId}: ${order.failureReason}`);
    if (order.status === 'DELIVERED') {
      for (const line of order.lines)
        soldPerItem.set(line.itemId, (soldPerItem.get(line.itemId) ?? 0) + line.quantity);
    }
  }

  for (const { itemId, initial } of items) {
    const [stock, warehouses] = await Promise.all([
      repos.stock.getStock(itemId),
      repos.warehouseStock.getAvailability([itemId]),
    ]);
    const sold = soldPerItem.get(itemId) ?? 0;
    const physical = warehouses.reduce((sum, w) => sum + w.physical, 0);
    const warehouseAvailable = warehouses.reduce((sum, w) => sum + w.available, 0);
    if (sold > initial) violations.push(`oversold: ${itemId} sold ${sold} of ${initial}`);
    if (physical !== initial - sold)
      violations.push(`physical: ${itemId} has ${physical}, expected ${initial - sold}`);
    // Everything is terminal: no unit may stay held by a reservation or an allocation.
    if (stock?.available !== initial - sold) {
      violations.push(`leaked: ${itemId} available ${stock?.available}, expected ${initial - sold}`);
    }
    if (warehouseAvailable !== initial - sold) {
      violations.push(
        `leaked: ${itemId} warehouse available ${warehouseAvailable}, expected ${initial - sold}`,
      );
    }
  }

  const invariantViolations = await checkInvariants(shardSet, {
    itemIds: items.map((i) => i.itemId),
    orderIds: orders.map((o) => o.orderId),
  });
  const heldStock = (await checkHeldStock(shardSet)).flatMap((result) => result.violations);
  for (const v of [...invariantViolations, ...heldStock])
    violations.push(`invariant ${v.invariant} on ${v.shard}: ${v.key}: ${v.message}`);

  const unitsSold = [...soldPerItem.values()].reduce((a, b) => a + b, 0);
  return { violations, ordersByStatus, unitsSold };
}
