/**
 * Side effects of the order workflow. Each activity is one local transaction on one shard (or a
 * read), safe to run twice: the repositories key every effect by the order id.
 */
import type { OrderLineRequest, OrderStatus, PricedLine } from '../workflows/types.js';

export interface CatalogPort {
  /** Price (integer cents) of each item that exists; missing ids are simply absent. */
  pricesOf(itemIds: string[]): Promise<Map<string, number>>;
}

export interface OrdersPort {
  createCheckoutOrder(order: {
    orderId: string;
    customerId: string;
    lines: PricedLine[];
    expiresAt: Date;
  }): Promise<void>;
  setStatus(customerId: string, orderId: string, status: OrderStatus): Promise<void>;
}

export interface OrderActivityDeps {
  catalog: CatalogPort;
  orders: OrdersPort;
}

export type PriceLinesResult = { ok: true; lines: PricedLine[] } | { ok: false; unknownItemIds: string[] };

export function createOrderActivities(deps: OrderActivityDeps) {
  return {
    async priceLines(lines: OrderLineRequest[]): Promise<PriceLinesResult> {
      const prices = await deps.catalog.pricesOf([...new Set(lines.map((l) => l.itemId))]);
      const unknownItemIds = lines.filter((l) => !prices.has(l.itemId)).map((l) => l.itemId);
      if (unknownItemIds.length > 0) return { ok: false, unknownItemIds: [...new Set(unknownItemIds)] };
      return { ok: true, lines: lines.map((l) => ({ ...l, priceCents: prices.get(l.itemId)! })) };
    },

    async openOrder(order: { orderId: string; customerId: string; lines: PricedLine[]; expiresAt: string }) {
      await deps.orders.createCheckoutOrder({ ...order, expiresAt: new Date(order.expiresAt) });
    },

    async closeOrder(args: { orderId: string; customerId: string; status: OrderStatus }) {
      await deps.orders.setStatus(args.customerId, args.orderId, args.status);
    },
  };
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
