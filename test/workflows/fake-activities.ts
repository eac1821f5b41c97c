/**
 * In-memory stand-ins for the order worker's and warehouse worker's activities: same names and
 * signatures, with a ledger of every call so tests assert what the workflows did, and switches to make
 * a step fail the way the real one would (out of stock, declined, transient outage).
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { CheckoutActivities } from '../../activities/checkout-activities.js';
import type { FulfillmentActivities } from '../../activities/fulfillment-activities.js';
import type { OrderActivities } from '../../activities/order-activities.js';
import type { PaymentActivities } from '../../activities/payment-activities.js';
import type { SuborderActivities } from '../../activities/suborder-activities.js';
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
  /** The gateway's ledger: like the real gateway's idempotency keys, one entry per order and operation. */
  payments: { op: string; amountCents: number }[];
  /** The ledger's keys, `<orderId>:<operation>`, each with its amount. */
  paymentKeys: Map<string, number>;
  notified: string[];
  calls: string[];
  declineCards: Set<string>;
  /** Authorize attempts that throw a transient error before one succeeds. */
  transientAuthorizeFailures: number;
  /** Per activity name: attempts that fail like a shard that is down, before one succeeds. */
  transientFailures: Map<string, number>;
  /** Activity names that fail like a statement the database refuses: no retry can fix them. */
  permanentFailures: Set<string>;
  /** When true, the warehouse notification fails like an unreachable warehouse, every time. */
  warehouseDown: boolean;
  /**
   * When true, a capture takes effect but its step reports the gateway's refusal, as when an attempt the
   * step gave up on captured first: the order never learns that it was captured.
   */
  captureRefusedAfterEffect: boolean;
  /** When set, refunds wait for it: lets a test act while a refund is in progress. */
  refundGate?: Promise<void>;
  /** When set, authorizations wait for it: lets a test act while the card is being authorized. */
  authorizeGate?: Promise<void>;
  /** When set, the warehouse split's allocation waits for it: lets a step outlive its workflow task. */
  allocateGate?: Promise<void>;
  /** Real milliseconds each begin (reserve) step takes. */
  beginDelayMs: number;
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
    paymentKeys: new Map(),
    notified: [],
    calls: [],
    declineCards: new Set(),
    transientAuthorizeFailures: 0,
    transientFailures: new Map(),
    permanentFailures: new Set(),
    warehouseDown: false,
    captureRefusedAfterEffect: false,
    beginDelayMs: 0,
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

type AllActivities = OrderActivities &
  PaymentActivities &
  FulfillmentActivities &
  CheckoutActivities &
  SuborderActivities;

/** Wraps every activity so `world.transientFailures` and `world.permanentFailures` can make it fail like the database. */
function withOutages(world: FakeWorld, activities: AllActivities): AllActivities {
  const wrapped: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(activities) as [string, (...args: never[]) => Promise<unknown>][]) {
    wrapped[name] = async (...args) => {
      if (world.permanentFailures.has(name)) {
        throw ApplicationFailure.nonRetryable(
          'database call failed (permanent), code 22P05',
          'DatabaseRejected',
        );
      }
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

type ShortLine = { itemId: string; requested: number; available: number };

function inMemoryActivities(world: FakeWorld): AllActivities {
  const log = (name: string) => world.calls.push(name);
  const outOfStock = (lines: ShortLine[]) =>
    ApplicationFailure.nonRetryable('out of stock', 'OutOfStock', { lines });

  /** Holds one line; the short line when the units are not there. A repeat is a no-op. */
  const reserve = (orderId: string, itemId: string, quantity: number): ShortLine | undefined => {
    log(`reserve:${itemId}`);
    const k = key(orderId, itemId);
    if (world.reservations.has(k)) return undefined;
    const available = world.stock.get(itemId) ?? 0;
    if (available < quantity) return { itemId, requested: quantity, available };
    world.stock.set(itemId, available - quantity);
    world.reservations.set(k, { quantity, status: 'RESERVED' });
    return undefined;
  };
  const release = (orderId: string, itemId: string) => {
    log(`release:${itemId}`);
    const r = world.reservations.get(key(orderId, itemId));
    if (!r || r.status === 'RELEASED') return;
    world.stock.set(itemId, (world.stock.get(itemId) ?? 0) + r.quantity);
    r.status = 'RELEASED';
  };
  const commit = (orderId: string, itemId: string) => {
    log(`commit:${itemId}`);
    world.reservations.get(key(orderId, itemId))!.status = 'COMMITTED';
  };
  const setStatus = (status: string) => {
    log(`status:${status}`);
    if (world.orderStatuses.at(-1) !== status) world.orderStatuses.push(status);
  };
  const price = (lines: { itemId: string; quantity: number }[]) => {
    log('priceLines');
    const unknown = lines.filter((l) => !world.prices.has(l.itemId)).map((l) => l.itemId);
    if (unknown.length > 0) return { ok: false as const, unknownItemIds: unknown };
    return {
      ok: true as const,
      lines: lines.map((l) => ({ ...l, priceCents: world.prices.get(l.itemId)! })),
    };
  };
  /** Records a gateway operation once per order, as the real gateway's idempotency key does. */
  const ledger = (orderId: string, op: string, amountCents: number) => {
    if (world.paymentKeys.has(`${orderId}:${op}`)) return;
    world.paymentKeys.set(`${orderId}:${op}`, amountCents);
    world.payments.push({ op, amountCents });
  };
  const authorize = async (orderId: string, amountCents: number, paymentToken: string) => {
    log('authorize');
    await world.authorizeGate;
    if (world.transientAuthorizeFailures > 0) {
      world.transientAuthorizeFailures--;
      throw new Error('gateway unavailable (simulated)');
    }
    if (world.declineCards.has(paymentToken)) {
      ledger(orderId, 'AUTHORIZE_DECLINED', amountCents);
      return { ok: false as const, declineReason: 'card_declined' };
    }
    ledger(orderId, 'AUTHORIZE', amountCents);
    return { ok: true as const, authorizationId: 'auth-1' };
  };
  /** One item's parts from its warehouses, all or none; false when a warehouse lacks the units. */
  const allocate = (orderId: string, itemId: string, parts: { warehouseId: string; quantity: number }[]) => {
    log(`allocate:${itemId}`);
    const stock = world.warehouseStock.get(itemId)!;
    const fresh = parts.filter((part) => !world.allocations.has(key(orderId, itemId, part.warehouseId)));
    if (fresh.some((part) => (stock.get(part.warehouseId) ?? 0) < part.quantity)) return false;
    for (const part of fresh) {
      stock.set(part.warehouseId, stock.get(part.warehouseId)! - part.quantity);
      world.allocations.set(key(orderId, itemId, part.warehouseId), {
        quantity: part.quantity,
        status: 'ALLOCATED',
      });
    }
    return true;
  };
  const releaseAllocation = (orderId: string, itemId: string, warehouseId: string) => {
    log(`releaseAllocation:${itemId}@${warehouseId}`);
    const a = world.allocations.get(key(orderId, itemId, warehouseId));
    if (a?.status !== 'ALLOCATED') return;
    const stock = world.warehouseStock.get(itemId)!;
    stock.set(warehouseId, stock.get(warehouseId)! + a.quantity);
    a.status = 'RELEASED';
  };
  const shipAllocation = (orderId: string, itemId: string, warehouseId: string) => {
    log(`ship:${itemId}@${warehouseId}`);
    world.allocations.get(key(orderId, itemId, warehouseId))!.status = 'SHIPPED';
  };
  const setSuborderStatus = (suborderId: string, status: string) => {
    log(`suborder:${suborderId}:${status}`);
    world.suborderStatuses.set(suborderId, status);
  };
  const recordSuborders = (orderId: string, suborders: { warehouseId: string }[]) => {
    log('recordSuborders');
    for (const s of suborders) world.suborderStatuses.set(`${orderId}.${s.warehouseId}`, 'ALLOCATED');
  };

  return {
    // ---- the legacy orderWorkflow's and fulfillmentWorkflow's steps
    async priceLines(lines) {
      return price(lines);
    },
    async reserveLine({ orderId, itemId, quantity }) {
      const short = reserve(orderId, itemId, quantity);
      if (short) throw outOfStock([short]);
    },
    async releaseLine({ orderId, itemId }) {
      release(orderId, itemId);
    },
    async commitLine({ orderId, itemId }) {
      commit(orderId, itemId);
    },
    async openOrder() {
      log('openOrder');
      world.orderStatuses.push('RESERVED');
    },
    async setOrderStatus({ status }) {
      setStatus(status);
    },
    async authorizePayment({ orderId, amountCents, paymentToken }) {
      const result = await authorize(orderId, amountCents, paymentToken);
      if (!result.ok) {
        throw ApplicationFailure.nonRetryable('declined', 'PaymentDeclined', {
          reason: result.declineReason,
        });
      }
      return { authorizationId: result.authorizationId };
    },
    async allocateItem({ orderId, itemId, parts }) {
      if (!allocate(orderId, itemId, parts)) throw outOfStock([]);
    },
    async releaseAllocation({ orderId, itemId, warehouseId }) {
      releaseAllocation(orderId, itemId, warehouseId);
    },
    async shipAllocation({ orderId, itemId, warehouseId }) {
      shipAllocation(orderId, itemId, warehouseId);
    },
    async recordSuborders({ orderId, suborders }) {
      recordSuborders(orderId, suborders);
    },
    async setSuborderStatus({ suborderId, status }) {
      setSuborderStatus(suborderId, status);
    },

    // ---- shared by both order workflow types
    async capturePayment({ orderId, amountCents }) {
      log('capture');
      ledger(orderId, 'CAPTURE', amountCents);
      if (world.captureRefusedAfterEffect) {
        throw ApplicationFailure.nonRetryable(
          'authorization auth-1 is already captured',
          'PaymentStateError',
        );
      }
      return { captureId: 'cap-1' };
    },
    async voidPayment({ orderId }) {
      log('void');
      // Like the gateway: a captured authorization cannot be voided.
      if (world.paymentKeys.has(`${orderId}:CAPTURE`)) {
        throw ApplicationFailure.nonRetryable(
          'authorization auth-1 is captured: refund it instead',
          'PaymentStateError',
        );
      }
      ledger(orderId, 'VOID', 0);
    },
    async refundPayment({ orderId, amountCents }) {
      log('refund');
      await world.refundGate;
      ledger(orderId, 'REFUND', amountCents);
      return { refundId: 'ref-1' };
    },
    async returnHeldPayment({ orderId }) {
      log('returnHeldPayment');
      if (!world.paymentKeys.has(`${orderId}:AUTHORIZE`)) return { held: false };
      const capturedCents = world.paymentKeys.get(`${orderId}:CAPTURE`) ?? 0;
      const returned = { held: true, authorizationId: 'auth-1', capturedCents } as const;
      if (capturedCents === 0) {
        ledger(orderId, 'VOID', 0);
        return { ...returned, outcome: 'VOIDED', refundedCents: 0 };
      }
      ledger(orderId, 'REFUND', capturedCents);
      return { ...returned, outcome: 'REFUNDED', refundedCents: capturedCents };
    },
    async loadSplitInputs(itemIds, orderId) {
      log('loadSplitInputs');
      // Like the real step: the units the order itself holds count as available to it.
      const held = (itemId: string, warehouseId: string) => {
        const allocation =
          orderId === undefined ? undefined : world.allocations.get(key(orderId, itemId, warehouseId));
        return allocation?.status === 'ALLOCATED' ? allocation.quantity : 0;
      };
      const availability = itemIds.flatMap((itemId) =>
        [...(world.warehouseStock.get(itemId) ?? new Map()).entries()].map(([warehouseId, available]) => ({
          warehouseId,
          itemId,
          available: available + held(itemId, warehouseId),
        })),
      );
      return { warehouses: WAREHOUSES, availability };
    },

    // ---- the order workflow's steps (V3 and V2)
    async beginOrder({ orderId, lines }) {
      await new Promise((resolve) => setTimeout(resolve, world.beginDelayMs));
      const priced = price(lines);
      if (!priced.ok) return { ok: false, reason: 'UNKNOWN_ITEMS', itemIds: priced.unknownItemIds };
      const short = lines.flatMap((l) => reserve(orderId, l.itemId, l.quantity) ?? []);
      if (short.length > 0) {
        for (const l of lines) release(orderId, l.itemId);
        return { ok: false, reason: 'OUT_OF_STOCK', lines: short };
      }
      log('openOrder');
      world.orderStatuses.push('RESERVED');
      const totalCents = priced.lines.reduce((sum, l) => sum + l.priceCents * l.quantity, 0);
      return { ok: true, lines: priced.lines, totalCents };
    },
    async releaseOrderLines({ orderId, itemIds }) {
      for (const itemId of itemIds) release(orderId, itemId);
    },
    async closeOrder({ orderId, itemIds, status }) {
      for (const itemId of itemIds) release(orderId, itemId);
      setStatus(status);
    },
    async closeUnpaidOrder({ orderId, itemIds, status }) {
      for (const itemId of itemIds) release(orderId, itemId);
      setStatus(status);
      return status;
    },
    async startPaying() {
      setStatus('PAYING');
    },
    async confirmOrder({ orderId, itemIds }) {
      setStatus('PENDING');
      for (const itemId of itemIds) commit(orderId, itemId);
    },
    async authorizeCharge({ orderId, amountCents, paymentToken }) {
      return authorize(orderId, amountCents, paymentToken);
    },
    async allocateSuborders({ orderId, items, suborders }) {
      log('allocateSuborders');
      await world.allocateGate;
      const lostItemIds = items.filter((i) => !allocate(orderId, i.itemId, i.parts)).map((i) => i.itemId);
      if (lostItemIds.length > 0) return { ok: false, lostItemIds };
      recordSuborders(orderId, suborders);
      return { ok: true };
    },
    async advanceSuborder({ orderId, suborderId, warehouseId, itemIds, to, orderStatuses }) {
      if (to === 'SHIPPED') for (const itemId of itemIds) shipAllocation(orderId, itemId, warehouseId);
      setSuborderStatus(suborderId, to);
      for (const status of orderStatuses) setStatus(status);
    },
    async cancelSuborders({ orderId, allocations, suborderIds }) {
      for (const a of allocations) releaseAllocation(orderId, a.itemId, a.warehouseId);
      for (const suborderId of suborderIds) setSuborderStatus(suborderId, 'CANCELLED');
    },
  };
}

export function fakeWarehouseActivities(world: FakeWorld): WarehouseActivities {
  return {
    async notifyWarehouse({ suborderId }) {
      if (world.warehouseDown) throw new Error('connect ECONNREFUSED (simulated warehouse outage)');
      world.notified.push(suborderId);
      return { warehouseId: suborderId.split('.').at(-1)!, lines: 1 };
    },
  };
}
