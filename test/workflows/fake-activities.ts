/**
 * In-memory stand-ins for the order worker's and warehouse worker's activities: same names and
 * signatures, with a ledger of every call so tests assert what the workflows did, and switches to make
 * a step fail the way the real one would (out of stock, declined, transient outage).
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { FulfillmentActivities } from '../../activities/fulfillment-activities.js';
import type { OrderActivities } from '../../activities/order-activities.js';
import type { PaymentActivities } from '../../activities/payment-activities.js';
import type { WarehouseActivities } from '../../activities/warehouse-activities.js';

export interface FakeWorld {
  prices: Map<string, number>;
  /** Units still reservable per item. */
  stock: Map<string, number>;
  /** Per item, units per warehouse. */
  warehouseStock: Map<string, Map<string, number>>;
  reservations: Map<string, { quantity: number; status: 'RESERVED' | 'COMMITTED' | 'RELEASED' }>;
  allocations: Map<string, { quantity: number; status: 'ALLOCATED' | 'RELEASED' | 'SHIPPED' }>;
  orderStatuses: string[];
  suborderStatuses: Map<string, string>;
  payments: { op: string; amountCents: number }[];
  notified: string[];
  calls: string[];
  declineCards: Set<string>;
  /** Authorize attempts that throw a transient error before one succeeds. */
  transientAuthorizeFailures: number;
  /** Per activity name: attempts that fail like a shard that is down, before one succeeds. */
  transientFailures: Map<string, number>;
  /** When set, refunds wait for it: lets a test act while a refund is in progress. */
  refundGate?: Promise<void>;
}

export const WAREHOUSES = [
  { warehouseId: 'wh-east', latitude: 40.7, longitude: -74.2 },
  { warehouseId: 'wh-west', latitude: 39.5, longitude: -119.8 },
];

export function newWorld(): FakeWorld {
  return {
    prices: new Map(),
    stock: new Map(),
    warehouseStock: new Map(),
    reservations: new Map(),
    allocations: new Map(),
    orderStatuses: [],
    suborderStatuses: new Map(),
    payments: [],
    notified: [],
    calls: [],
    declineCards: new Set(),
    transientAuthorizeFailures: 0,
    transientFailures: new Map(),
  };
}

export function addItem(
  world: FakeWorld,
  itemId: string,
  priceCents: number,
  perWarehouse: Record<string, number>,
) {
  world.prices.set(itemId, priceCents);
  world.stock.set(
    itemId,
    Object.values(perWarehouse).reduce((a, b) => a + b, 0),
  );
  world.warehouseStock.set(itemId, new Map(Object.entries(perWarehouse)));
}

const key = (...parts: string[]) => parts.join('|');

type AllActivities = OrderActivities & PaymentActivities & FulfillmentActivities;

/** Wraps every activity so `world.transientFailures` can make it fail like an unreachable database. */
function withOutages(world: FakeWorld, activities: AllActivities): AllActivities {
  const wrapped: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(activities) as [string, (...args: never[]) => Promise<unknown>][]) {
    wrapped[name] = async (...args) => {
      const left = world.transientFailures.get(name) ?? 0;
      if (left > 0) {
        world.transientFailures.set(name, left - 1);
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432 (simulated outage)'), {
          code: 'ECONNREFUSED',
        });
      }
      return fn(...args);
    };
  }
  return wrapped as unknown as AllActivities;
}

export function fakeOrderWorkerActivities(world: FakeWorld): AllActivities {
  return withOutages(world, inMemoryActivities(world));
}

function inMemoryActivities(world: FakeWorld): AllActivities {
  const log = (name: string) => world.calls.push(name);
  return {
    async priceLines(lines) {
      log('priceLines');
      const unknown = lines.filter((l) => !world.prices.has(l.itemId)).map((l) => l.itemId);
      if (unknown.length > 0) return { ok: false, unknownItemIds: unknown };
      return { ok: true, lines: lines.map((l) => ({ ...l, priceCents: world.prices.get(l.itemId)! })) };
    },
    async reserveLine({ orderId, itemId, quantity }) {
      log(`reserve:${itemId}`);
      const k = key(orderId, itemId);
      if (world.reservations.has(k)) return;
      const available = world.stock.get(itemId) ?? 0;
      if (available < quantity) {
        throw ApplicationFailure.nonRetryable('out of stock', 'OutOfStock', {
          lines: [{ itemId, requested: quantity, available }],
        });
      }
      world.stock.set(itemId, available - quantity);
      world.reservations.set(k, { quantity, status: 'RESERVED' });
    },
    async releaseLine({ orderId, itemId }) {
      log(`release:${itemId}`);
      const r = world.reservations.get(key(orderId, itemId));
      if (!r || r.status === 'RELEASED') return;
      world.stock.set(itemId, (world.stock.get(itemId) ?? 0) + r.quantity);
      r.status = 'RELEASED';
    },
    async commitLine({ orderId, itemId }) {
      log(`commit:${itemId}`);
      world.reservations.get(key(orderId, itemId))!.status = 'COMMITTED';
    },
    async openOrder() {
      log('openOrder');
      world.orderStatuses.push('RESERVED');
    },
    async setOrderStatus({ status }) {
      log(`status:${status}`);
      if (world.orderStatuses.at(-1) !== status) world.orderStatuses.push(status);
    },
    async authorizePayment({ amountCents, paymentToken }) {
      log('authorize');
      if (world.transientAuthorizeFailures > 0) {
        world.transientAuthorizeFailures--;
        throw new Error('gateway unavailable (simulated)');
      }
      if (world.declineCards.has(paymentToken)) {
        world.payments.push({ op: 'AUTHORIZE_DECLINED', amountCents });
        throw ApplicationFailure.nonRetryable('declined', 'PaymentDeclined', { reason: 'card_declined' });
      }
      world.payments.push({ op: 'AUTHORIZE', amountCents });
      return { authorizationId: 'auth-1' };
    },
    async capturePayment({ amountCents }) {
      log('capture');
      world.payments.push({ op: 'CAPTURE', amountCents });
      return { captureId: 'cap-1' };
    },
    async voidPayment() {
      log('void');
      world.payments.push({ op: 'VOID', amountCents: 0 });
    },
    async refundPayment({ amountCents }) {
      log('refund');
      await world.refundGate;
      world.payments.push({ op: 'REFUND', amountCents });
      return { refundId: 'ref-1' };
    },
    async loadSplitInputs(itemIds) {
      log('loadSplitInputs');
      const availability = itemIds.flatMap((itemId) =>
        [...(world.warehouseStock.get(itemId) ?? new Map()).entries()].map(([warehouseId, available]) => ({
          warehouseId,
          itemId,
          available,
        })),
      );
      return { warehouses: WAREHOUSES, availability };
    },
    async allocateItem({ orderId, itemId, parts }) {
      log(`allocate:${itemId}`);
      const stock = world.warehouseStock.get(itemId)!;
      for (const part of parts) {
        if ((stock.get(part.warehouseId) ?? 0) < part.quantity) {
          throw ApplicationFailure.nonRetryable('out of stock', 'OutOfStock', { lines: [] });
        }
      }
      for (const part of parts) {
        const k = key(orderId, itemId, part.warehouseId);
        if (world.allocations.has(k)) continue;
        stock.set(part.warehouseId, stock.get(part.warehouseId)! - part.quantity);
        world.allocations.set(k, { quantity: part.quantity, status: 'ALLOCATED' });
      }
    },
    async releaseAllocation({ orderId, itemId, warehouseId }) {
      log(`releaseAllocation:${itemId}@${warehouseId}`);
      const a = world.allocations.get(key(orderId, itemId, warehouseId));
      if (a?.status !== 'ALLOCATED') return;
      const stock = world.warehouseStock.get(itemId)!;
      stock.set(warehouseId, stock.get(warehouseId)! + a.quantity);
      a.status = 'RELEASED';
    },
    async shipAllocation({ orderId, itemId, warehouseId }) {
      log(`ship:${itemId}@${warehouseId}`);
      world.allocations.get(key(orderId, itemId, warehouseId))!.status = 'SHIPPED';
    },
    async recordSuborders({ orderId, suborders }) {
      log('recordSuborders');
      for (const s of suborders) world.suborderStatuses.set(`${orderId}.${s.warehouseId}`, 'ALLOCATED');
    },
    async setSuborderStatus({ suborderId, status }) {
      log(`suborder:${suborderId}:${status}`);
      world.suborderStatuses.set(suborderId, status);
    },
  };
}

export function fakeWarehouseActivities(world: FakeWorld): WarehouseActivities {
  return {
    async notifyWarehouse({ suborderId }) {
      world.notified.push(suborderId);
      return { warehouseId: suborderId.split('.').at(-1)!, lines: 1 };
    },
  };
}
