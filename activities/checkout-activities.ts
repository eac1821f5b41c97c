/**
 * Steps of the order workflow (`orderWorkflowV3`, and V2) that run as local activities: each does everything that happens together at
 * one point of the order's life (pricing + every shard's reservation + the order row; a status write with
 * the stock change it goes with), so the workflow records one marker instead of several activities.
 * Safe to run twice: every effect is keyed by the order id (and the item), and business outcomes are
 * returned as typed results, not thrown.
 */
import { InvalidTransitionError } from '../db/errors.js';
import type { CatalogRepository } from '../db/repositories/catalog-repository.js';
import type { OrderRepository, OrderTransition } from '../db/repositories/order-repository.js';
import type { StockRepository } from '../db/repositories/stock-repository.js';
import { groupByShard, type ShardSet } from '../db/shard-set.js';
import type { OrderLine, ShortLine } from '../domain/order-lines.js';
import { type OrderStatus, TERMINAL_ORDER_STATUSES } from '../domain/order-status.js';
import type { ShippingAddress } from '../domain/shipping-address.js';
import type { BeginOrderResult } from '../domain/step-results.js';
import { businessErrorsAsFailures, toActivityFailure } from './failures.js';
import { shortLinesOf } from './short-lines.js';

export interface CheckoutActivityDeps {
  shardSet: Pick<ShardSet, 'forItem'>;
  catalog: Pick<CatalogRepository, 'getItems'>;
  stock: Pick<StockRepository, 'reserveLines' | 'releaseLines' | 'commitLines' | 'getStock'>;
  orders: Pick<OrderRepository, 'createCheckoutOrder' | 'transitionOrder'>;
}

interface OrderKey {
  orderId: string;
  customerId: string;
}

export function createCheckoutActivities(deps: CheckoutActivityDeps) {
  const byShard = <T>(values: readonly T[], itemIdOf: (value: T) => string) =>
    groupByShard(values, (value) => deps.shardSet.forItem(itemIdOf(value))).map((group) => group.values);

  /** Every shard's holds of the order given back, in parallel (each shard one transaction). */
  const releaseAll = (orderId: string, itemIds: readonly string[]) =>
    Promise.all(
      byShard(itemIds, (id) => id).map((ids) => deps.stock.releaseLines({ orderId, itemIds: ids })),
    );

  const transition = (
    order: OrderKey,
    to: OrderStatus,
    recorded: Pick<OrderTransition, 'shippingAddress' | 'failureReason' | 'cancelReason'> = {},
  ) => businessErrorsAsFailures(() => deps.orders.transitionOrder({ ...order, to, ...recorded }));

  /** Holds every line (one transaction per shard) or none; the short lines when any is missing. */
  async function reserveAllOrNothing(
    orderId: string,
    lines: OrderLine[],
    expiresAt: Date,
  ): Promise<ShortLine[]> {
    const results = await Promise.allSettled(
      byShard(lines, (l) => l.itemId).map((group) =>
        deps.stock.reserveLines({ orderId, lines: group, expiresAt }),
      ),
    );
    const short: ShortLine[] = [];
    const lostHolds: OrderLine[] = [];
    for (const result of results) {
      if (result.status === 'rejected') {
        const lines = shortLinesOf(result.reason);
        if (!lines) throw result.reason;
        short.push(...lines);
        continue;
      }
      // A hold already released by an earlier attempt of this step (its answer was lost): it cannot
      // come back, so this checkout cannot hold every line.
      for (const r of result.value) {
        if (r.status === 'RELEASED') lostHolds.push({ itemId: r.itemId, quantity: r.quantity });
      }
    }
    if (short.length === 0 && lostHolds.length === 0) return [];
    await releaseAll(
      orderId,
      lines.map((l) => l.itemId),
    );
    for (const line of lostHolds) {
      const level = await deps.stock.getStock(line.itemId);
      short.push({ itemId: line.itemId, requested: line.quantity, available: level?.available ?? 0 });
    }
    return short;
  }

  return {
    /** Prices the lines, reserves them all or none, and records the order (RESERVED), in one step. */
    async beginOrder(order: OrderKey & { lines: OrderLine[]; expiresAt: string }): Promise<BeginOrderResult> {
      const items = await deps.catalog.getItems([...new Set(order.lines.map((l) => l.itemId))]);
      const prices = new Map(items.map((item) => [item.itemId, item.priceCents]));
      const unknownItemIds = [
        ...new Set(order.lines.filter((l) => !prices.has(l.itemId)).map((l) => l.itemId)),
      ];
      if (unknownItemIds.length > 0) return { ok: false, reason: 'UNKNOWN_ITEMS', itemIds: unknownItemIds };
      const expiresAt = new Date(order.expiresAt);
      const short = await reserveAllOrNothing(order.orderId, order.lines, expiresAt);
      if (short.length > 0) return { ok: false, reason: 'OUT_OF_STOCK', lines: short };
      const recorded = await businessErrorsAsFailures(() =>
        deps.orders.createCheckoutOrder({
          orderId: order.orderId,
          customerId: order.customerId,
          lines: order.lines.map((l) => ({ ...l, priceCents: prices.get(l.itemId)! })),
          expiresAt,
        }),
      );
      // The recorded prices: a repeated attempt answers what the first one wrote.
      const recordedPrices = new Map(recorded.lines.map((l) => [l.itemId, l.priceCents]));
      const lines = order.lines.map((l) => ({ ...l, priceCents: recordedPrices.get(l.itemId)! }));
      return { ok: true, lines, totalCents: recorded.totalCents };
    },

    /** Gives back every hold (a checkout that failed to begin); holds never made are tombstoned. */
    async releaseOrderLines(order: { orderId: string; itemIds: string[] }): Promise<void> {
      await releaseAll(order.orderId, order.itemIds);
    },

    /** An unpaid (or refunded) order ends: its holds go back, then the order row records why. */
    async closeOrder(
      order: OrderKey & {
        itemIds: string[];
        status: 'EXPIRED' | 'CANCELLED' | 'PAYMENT_FAILED' | 'FAILED';
        failureReason?: string;
        /** CANCELLED: the reason the cancel gave (absent in steps scheduled before it was passed). */
        cancelReason?: string;
      },
    ): Promise<void> {
      await releaseAll(order.orderId, order.itemIds);
      await transition(order, order.status, {
        failureReason: order.failureReason,
        cancelReason: order.cancelReason,
      });
    },

    /**
     * An order no payment reached closes (EXPIRED, CANCELLED) from wherever a workflow task lost after it
     * took one left the row: RESERVED, PAYING, or PENDING with its holds committed (their allocations given
     * back before). The holds go back. A row that lost task closed (declined, cancelled, failed) keeps its
     * end. Returns the status the row ends with.
     */
    async closeUnpaidOrder(
      order: OrderKey & { itemIds: string[]; status: 'EXPIRED' | 'CANCELLED'; cancelReason?: string },
    ): Promise<OrderStatus> {
      await releaseAll(order.orderId, order.itemIds);
      const { orderId, customerId, status, cancelReason } = order;
      try {
        return (await deps.orders.transitionOrder({ orderId, customerId, to: status, cancelReason })).status;
      } catch (error) {
        const closedBefore = TERMINAL_ORDER_STATUSES.find(
          (status) => error instanceof InvalidTransitionError && error.from === status,
        );
        if (closedBefore) return closedBefore;
        throw toActivityFailure(error);
      }
    },

    /** Payment details arrived: PAYING, with the address the order ships to. */
    async startPaying(order: OrderKey & { shippingAddress: ShippingAddress }): Promise<void> {
      await transition(order, 'PAYING', { shippingAddress: order.shippingAddress });
    },

    /** The card is authorized: PENDING, and every hold becomes a sale (COMMITTED). */
    async confirmOrder(order: OrderKey & { itemIds: string[] }): Promise<void> {
      const header = await transition(order, 'PENDING');
      // Past PENDING already (a lost workflow task ran this and later steps, a cancel among them): the
      // holds were committed then, and may since have been given back; nothing to do again.
      if (header.status !== 'PENDING') return;
      await businessErrorsAsFailures(() =>
        Promise.all(
          byShard(order.itemIds, (id) => id).map((ids) =>
            deps.stock.commitLines({ orderId: order.orderId, itemIds: ids }),
          ),
        ),
      );
    },
  };
}

export type CheckoutActivities = ReturnType<typeof createCheckoutActivities>;
