/**
 * Side effects of the order workflow. Each activity is one local transaction on one shard (or a read),
 * safe to run twice: the repositories key every effect by the order id (and the item).
 */
import type { CatalogRepository } from '../db/repositories/catalog-repository.js';
import type { OrderRepository } from '../db/repositories/order-repository.js';
import type { StockRepository } from '../db/repositories/stock-repository.js';
import type { OrderLine, PricedLine } from '../domain/order-lines.js';
import type { OrderStatus } from '../domain/order-status.js';
import type { ShippingAddress } from '../domain/shipping-address.js';
import { businessErrorsAsFailures } from './failures.js';

export interface OrderActivityDeps {
  catalog: Pick<CatalogRepository, 'getItems'>;
  stock: Pick<StockRepository, 'reserve' | 'release' | 'commit'>;
  orders: Pick<OrderRepository, 'createCheckoutOrder' | 'transitionOrder'>;
}

export type PriceLinesResult = { ok: true; lines: PricedLine[] } | { ok: false; unknownItemIds: string[] };

interface LineKey {
  orderId: string;
  itemId: string;
}

export function createOrderActivities(deps: OrderActivityDeps) {
  return {
    /** Prices come from the catalog once, at checkout; the order keeps them whatever happens later. */
    async priceLines(lines: OrderLine[]): Promise<PriceLinesResult> {
      const items = await deps.catalog.getItems([...new Set(lines.map((l) => l.itemId))]);
      const prices = new Map(items.map((item) => [item.itemId, item.priceCents]));
      const unknownItemIds = [...new Set(lines.filter((l) => !prices.has(l.itemId)).map((l) => l.itemId))];
      if (unknownItemIds.length > 0) return { ok: false, unknownItemIds };
      return { ok: true, lines: lines.map((l) => ({ ...l, priceCents: prices.get(l.itemId)! })) };
    },

    /** Holds units on the item's shard; a non-retryable OutOfStock failure names what is short. */
    async reserveLine(line: LineKey & { quantity: number; expiresAt: string }): Promise<void> {
      await businessErrorsAsFailures(() =>
        deps.stock.reserve({
          orderId: line.orderId,
          itemId: line.itemId,
          quantity: line.quantity,
          expiresAt: new Date(line.expiresAt),
        }),
      );
    },

    /** Gives a hold back (RESERVED, or COMMITTED with no live allocation). Releasing twice, or a hold never made, is a no-op. */
    async releaseLine(line: LineKey): Promise<void> {
      await businessErrorsAsFailures(() => deps.stock.release(line));
    },

    async commitLine(line: LineKey): Promise<void> {
      await businessErrorsAsFailures(() => deps.stock.commit(line));
    },

    async openOrder(order: { orderId: string; customerId: string; lines: PricedLine[]; expiresAt: string }) {
      await businessErrorsAsFailures(() =>
        deps.orders.createCheckoutOrder({ ...order, expiresAt: new Date(order.expiresAt) }),
      );
    },

    async setOrderStatus(change: {
      orderId: string;
      customerId: string;
      status: OrderStatus;
      shippingAddress?: ShippingAddress;
    }): Promise<void> {
      const { status, ...order } = change;
      await businessErrorsAsFailures(() => deps.orders.transitionOrder({ ...order, to: status }));
    },
  };
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
