/**
 * The warehouse split of a paid V2 order, inside the order workflow (no child workflow, no signals back
 * and forth): plan suborders, allocate them, notify the warehouses, then follow each suborder through
 * shipping and delivery, or give everything back when the order is cancelled before anything ships.
 */
import { condition } from '@temporalio/workflow';
import type { ItemParts } from '../../domain/allocated-parts.js';
import { compareIds } from '../../domain/id-order.js';
import type { OrderLine } from '../../domain/order-lines.js';
import type { OrderStatus } from '../../domain/order-status.js';
import type { ShippingAddress } from '../../domain/shipping-address.js';
import type { Suborder } from '../../domain/split-planner.js';
import { planSplitTo } from '../../domain/split-to-address.js';
import { suborderIdFor } from '../../domain/suborder-id.js';
import { fulfillmentPath, statusFromSuborders } from '../order-rules.js';
import type { OrderState, SuborderState } from '../types.js';
import { localSteps, untilDoneSteps, warehouseSteps } from './steps.js';

/** How long to wait before planning again when the warehouses cannot serve the order right now. */
const REPLAN_DELAY_MS = 10_000;

export interface WarehouseEvent {
  kind: 'SHIP' | 'DELIVER';
  suborderId: string;
}

export interface FulfillmentContext {
  orderId: string;
  customerId: string;
  warehouseTaskQueue: string;
  state: OrderState;
  cancelRequested(): boolean;
  /** Shows a persisted order status in the query and the search attributes. */
  publish(status: OrderStatus): void;
}

/** The plan's parts grouped by item: each item is allocated in one transaction on its shard. */
function partsByItem(suborders: readonly Suborder[]): ItemParts[] {
  const byItem = new Map<string, ItemParts['parts']>();
  for (const suborder of suborders) {
    for (const line of suborder.lines) {
      const parts = byItem.get(line.itemId) ?? [];
      parts.push({ warehouseId: suborder.warehouseId, quantity: line.quantity });
      byItem.set(line.itemId, parts);
    }
  }
  return [...byItem.entries()].map(([itemId, parts]) => ({ itemId, parts }));
}

/** `byWarehouse` with the items' parts added (a new map). */
function withParts(
  byWarehouse: ReadonlyMap<string, OrderLine[]>,
  items: readonly ItemParts[],
): Map<string, OrderLine[]> {
  const next = new Map([...byWarehouse].map(([warehouseId, lines]) => [warehouseId, [...lines]]));
  for (const { itemId, parts } of items) {
    for (const part of parts) {
      next.set(part.warehouseId, [
        ...(next.get(part.warehouseId) ?? []),
        { itemId, quantity: part.quantity },
      ]);
    }
  }
  return next;
}

function suborderList(byWarehouse: ReadonlyMap<string, OrderLine[]>) {
  return [...byWarehouse.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([warehouseId, lines]) => ({ warehouseId, lines }));
}

export class Fulfillment {
  /** Suborders a ship event was accepted for: from then on the order can no longer be cancelled. */
  readonly shipRequested = new Set<string>();
  private readonly events: WarehouseEvent[] = [];
  private allocated = new Map<string, OrderLine[]>();
  /** Every part an allocation step was asked for, taken or not: what a failed order gives back. */
  private attempted = new Map<string, OrderLine[]>();
  private persisted: OrderStatus = 'PENDING';

  constructor(private readonly order: FulfillmentContext) {}

  suborder(suborderId: string): SuborderState | undefined {
    return this.order.state.suborders.find((s) => s.suborderId === suborderId);
  }

  /** Queues a warehouse event for the lifecycle, which applies events one at a time, in arrival order. */
  request(event: WarehouseEvent): void {
    if (event.kind === 'SHIP') this.shipRequested.add(event.suborderId);
    this.events.push(event);
  }

  async run(lines: OrderLine[], address: ShippingAddress): Promise<'DELIVERED' | 'CANCELLED'> {
    const split = await this.allocate(lines, address);
    if (!split || this.order.cancelRequested()) {
      await this.cancel();
      return 'CANCELLED';
    }
    const warehouse = warehouseSteps(this.order.warehouseTaskQueue);
    const { orderId, customerId } = this.order;
    await Promise.all(
      this.order.state.suborders.map(({ suborderId }) =>
        warehouse.notifyWarehouse({ customerId, orderId, suborderId }),
      ),
    );
    return this.follow();
  }

  /**
   * Plans and allocates until every line has its warehouses; an item that lost a race for a warehouse's
   * units is planned again with fresh availability, items already allocated keep theirs. False when
   * the order was cancelled while waiting for stock.
   */
  private async allocate(lines: OrderLine[], address: ShippingAddress): Promise<boolean> {
    const { orderId, customerId } = this.order;
    let remaining = lines;
    while (remaining.length > 0) {
      const stock = await localSteps.loadSplitInputs(
        remaining.map((l) => l.itemId),
        orderId,
      );
      const plan = planSplitTo(address, remaining, stock);
      if (!plan.ok) {
        if (await condition(() => this.order.cancelRequested(), REPLAN_DELAY_MS)) return false;
        continue;
      }
      const items = partsByItem(plan.suborders);
      this.attempted = withParts(this.attempted, items);
      const result = await localSteps.allocateSuborders({
        orderId,
        customerId,
        items,
        suborders: suborderList(withParts(this.allocated, items)),
      });
      const lost = new Set(result.ok ? [] : result.lostItemIds);
      this.allocated = withParts(
        this.allocated,
        result.allocated ?? items.filter((item) => !lost.has(item.itemId)),
      );
      remaining = remaining.filter((line) => lost.has(line.itemId));
    }
    this.order.state.suborders = suborderList(this.allocated).map(({ warehouseId, lines }) => ({
      suborderId: suborderIdFor(orderId, warehouseId),
      warehouseId,
      lines,
      status: 'ALLOCATED',
    }));
    return true;
  }

  /** Applies warehouse events until every suborder is delivered, or the order is cancelled. */
  private async follow(): Promise<'DELIVERED' | 'CANCELLED'> {
    const { state } = this.order;
    for (;;) {
      await condition(() => this.events.length > 0 || this.order.cancelRequested());
      // A cancel is only accepted while nothing has shipped or been asked to ship.
      if (this.order.cancelRequested()) {
        await this.cancel();
        return 'CANCELLED';
      }
      await this.apply(this.events.shift()!);
      if (state.suborders.every((s) => s.status === 'DELIVERED')) return 'DELIVERED';
    }
  }

  private async apply(event: WarehouseEvent): Promise<void> {
    const target = this.suborder(event.suborderId);
    const from = event.kind === 'SHIP' ? 'ALLOCATED' : 'SHIPPED';
    if (!target || target.status !== from) return;
    const to = event.kind === 'SHIP' ? 'SHIPPED' : 'DELIVERED';
    const after = this.order.state.suborders.map(
      (s): SuborderState => (s === target ? { ...s, status: to } : s),
    );
    const orderStatuses = fulfillmentPath(this.persisted, statusFromSuborders(after)) as OrderStatus[];
    await untilDoneSteps.advanceSuborder({
      orderId: this.order.orderId,
      customerId: this.order.customerId,
      suborderId: target.suborderId,
      warehouseId: target.warehouseId,
      itemIds: target.lines.map((l) => l.itemId),
      to,
      orderStatuses,
    });
    target.status = to;
    const latest = orderStatuses.at(-1);
    if (latest) {
      this.persisted = latest;
      this.order.publish(latest);
    }
  }

  /** Every allocation back to its warehouse and every suborder CANCELLED. */
  private async cancel(): Promise<void> {
    const { suborders } = this.order.state;
    await this.release(
      this.allocated,
      suborders.map((s) => s.suborderId),
    );
    for (const s of suborders) s.status = 'CANCELLED';
  }

  /**
   * After a step failed for good, before anything shipped: every part any allocation step was asked for
   * is released (a part never taken leaves a tombstone), and so is every live allocation of the order's
   * items (an attempt lost with its workflow task may have taken other warehouses'); every suborder that
   * may have been recorded is cancelled.
   */
  async giveBack(itemIds: string[]): Promise<void> {
    const { orderId } = this.order;
    await this.release(
      this.attempted,
      [...this.attempted.keys()].map((warehouseId) => suborderIdFor(orderId, warehouseId)),
      itemIds,
    );
    for (const s of this.order.state.suborders) s.status = 'CANCELLED';
  }

  private async release(
    parts: ReadonlyMap<string, OrderLine[]>,
    suborderIds: string[],
    everyAllocationOf?: string[],
  ): Promise<void> {
    const allocations = [...parts].flatMap(([warehouseId, lines]) =>
      lines.map((line) => ({ itemId: line.itemId, warehouseId })),
    );
    if (allocations.length === 0 && suborderIds.length === 0 && !everyAllocationOf?.length) return;
    await untilDoneSteps.cancelSuborders({
      orderId: this.order.orderId,
      customerId: this.order.customerId,
      allocations,
      suborderIds,
      ...(everyAllocationOf ? { everyAllocationOf } : {}),
    });
  }
}
