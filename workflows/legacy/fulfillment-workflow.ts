/**
 * LEGACY (workflow type `fulfillmentWorkflow`): the child of the legacy `orderWorkflow` only; kept
 * registered and unchanged for orders in flight. `orderWorkflowV2` splits orders itself.
 *
 * The warehouse split of one paid order (child of orderWorkflow): plan suborders (fewest shipments,
 * then nearest warehouses), allocate each item's units on its shard, record the suborders, notify each
 * warehouse on its own task queue, then follow the suborders through shipping and delivery — or
 * release everything when the order is cancelled before anything ships.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { FulfillmentActivities } from '../../activities/fulfillment-activities.js';
import type { WarehouseActivities } from '../../activities/warehouse-activities.js';
import { FAILURE } from '../../domain/failure-types.js';
import { compareIds } from '../../domain/id-order.js';
import type { OrderLine } from '../../domain/order-lines.js';
import { planSplitTo } from '../../domain/split-to-address.js';
import { suborderIdFor } from '../../domain/suborder-id.js';
import { fulfillmentProgressSignal, suborderEventSignal } from '../definitions.js';
import { STEP_RETRY, STEP_TIMEOUT } from '../retry-policies.js';
import type { FulfillmentInput, FulfillmentResult, SuborderState } from '../types.js';

const steps = proxyActivities<FulfillmentActivities>({
  startToCloseTimeout: STEP_TIMEOUT,
  retry: STEP_RETRY,
});

/** patched() id: suborders are reported to the order workflow before the warehouses are notified. */
export const REPORT_BEFORE_NOTIFY = 'report-suborders-before-notify';

/** How long to wait before planning again when warehouses cannot serve the order right now. */
const REPLAN_DELAY = '10 seconds';

type QueuedSuborderEvent = { kind: 'SHIP' | 'DELIVER' | 'CANCEL'; suborderId?: string };

function isOutOfStock(error: unknown): boolean {
  return (
    error instanceof ActivityFailure &&
    error.cause instanceof ApplicationFailure &&
    error.cause.type === FAILURE.outOfStock
  );
}

/**
 * Allocates every line, item by item (each item's warehouses live on its shard: one transaction, all or
 * nothing). An item that lost a race for a warehouse's units is planned again with fresh availability;
 * items already allocated keep their warehouses.
 */
async function planAndAllocate(input: FulfillmentInput): Promise<Map<string, OrderLine[]>> {
  const byWarehouse = new Map<string, OrderLine[]>();
  let remaining = input.lines;
  while (remaining.length > 0) {
    const stock = await steps.loadSplitInputs(remaining.map((l) => l.itemId));
    const plan = planSplitTo(input.destination, remaining, stock);
    if (!plan.ok) {
      await sleep(REPLAN_DELAY);
      continue;
    }
    const partsByItem = new Map<string, { warehouseId: string; quantity: number }[]>();
    for (const suborder of plan.suborders) {
      for (const line of suborder.lines) {
        const parts = partsByItem.get(line.itemId) ?? [];
        parts.push({ warehouseId: suborder.warehouseId, quantity: line.quantity });
        partsByItem.set(line.itemId, parts);
      }
    }
    const items = [...partsByItem.entries()];
    const results = await Promise.allSettled(
      items.map(([itemId, parts]) => steps.allocateItem({ orderId: input.orderId, itemId, parts })),
    );
    const lost = new Set<string>();
    results.forEach((result, index) => {
      const [itemId, parts] = items[index]!;
      if (result.status === 'rejected') {
        if (!isOutOfStock(result.reason)) throw result.reason;
        lost.add(itemId);
        return;
      }
      for (const part of parts) {
        const lines = byWarehouse.get(part.warehouseId) ?? [];
        lines.push({ itemId, quantity: part.quantity });
        byWarehouse.set(part.warehouseId, lines);
      }
    });
    remaining = remaining.filter((line) => lost.has(line.itemId));
  }
  return byWarehouse;
}

export async function fulfillmentWorkflow(input: FulfillmentInput): Promise<FulfillmentResult> {
  const warehouse = proxyActivities<WarehouseActivities>({
    taskQueue: input.warehouseTaskQueue,
    startToCloseTimeout: STEP_TIMEOUT,
    retry: STEP_RETRY,
  });
  const parent = getExternalWorkflowHandle(workflowInfo().parent!.workflowId);
  const events: QueuedSuborderEvent[] = [];
  setHandler(suborderEventSignal, (event) => {
    events.push(event);
  });

  const byWarehouse = await planAndAllocate(input);
  const suborders: SuborderState[] = [...byWarehouse.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([warehouseId, lines]) => ({
      suborderId: suborderIdFor(input.orderId, warehouseId),
      warehouseId,
      lines,
      status: 'ALLOCATED',
    }));
  await steps.recordSuborders({
    customerId: input.customerId,
    orderId: input.orderId,
    suborders: suborders.map(({ warehouseId, lines }) => ({ warehouseId, lines })),
  });
  const report = () =>
    parent.signal(fulfillmentProgressSignal, { suborders: suborders.map((s) => ({ ...s })) });

  const cancelled = () => events.some((e) => e.kind === 'CANCEL');
  const notifyWarehouses = async () => {
    if (cancelled()) return;
    await Promise.all(
      suborders.map((s) =>
        warehouse.notifyWarehouse({
          customerId: input.customerId,
          orderId: input.orderId,
          suborderId: s.suborderId,
        }),
      ),
    );
  };
  // The order learns its suborders before the warehouses do, so a warehouse's ship event can never
  // reach an order that does not know the suborder yet. Orders split before this change notified first.
  if (patched(REPORT_BEFORE_NOTIFY)) {
    await report();
    await notifyWarehouses();
  } else {
    await notifyWarehouses();
    await report();
  }

  const forEachLine = (
    s: SuborderState,
    step: (ref: { orderId: string; itemId: string; warehouseId: string }) => Promise<void>,
  ) =>
    Promise.all(
      s.lines.map((line) =>
        step({ orderId: input.orderId, itemId: line.itemId, warehouseId: s.warehouseId }),
      ),
    );

  const setStatus = async (s: SuborderState, status: SuborderState['status']) => {
    await steps.setSuborderStatus({ customerId: input.customerId, suborderId: s.suborderId, status });
    s.status = status;
    await report();
  };

  for (;;) {
    await condition(() => events.length > 0);
    const event = events.shift()!;
    if (event.kind === 'CANCEL') {
      // The order workflow only forwards a cancel while nothing has shipped.
      for (const s of suborders) {
        await forEachLine(s, steps.releaseAllocation);
        await setStatus(s, 'CANCELLED');
      }
      return { outcome: 'CANCELLED' };
    }
    const target = suborders.find((s) => s.suborderId === event.suborderId);
    if (!target) continue;
    if (event.kind === 'SHIP' && target.status === 'ALLOCATED') {
      await forEachLine(target, steps.shipAllocation);
      await setStatus(target, 'SHIPPED');
    } else if (event.kind === 'DELIVER' && target.status === 'SHIPPED') {
      await setStatus(target, 'DELIVERED');
    }
    if (suborders.every((s) => s.status === 'DELIVERED')) return { outcome: 'DELIVERED' };
  }
}
