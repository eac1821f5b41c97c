/**
 * orderWorkflowV2's combined steps against the real shards: a checkout over items on both shards holds
 * every line or none, records the order once, and a repeated step (a local activity retried after its
 * worker died) changes nothing twice, nor revives a hold an earlier attempt gave back.
 */
import assert from 'node:assert/strict';
import { createCheckoutActivities } from '../../activities/checkout-activities.js';
import { checkInvariants } from '../../db/invariants.js';
import { createRepositories } from '../../db/repositories/index.js';
import type { ShardSet } from '../../db/shard-set.js';
import { CURSOR_SECRET, createStockedItem, suiteShardSet, uniqueId } from './fixtures.js';

describe('checkout activities (orderWorkflowV2) on the real shards', () => {
  let shardSet: ShardSet;
  let repos: ReturnType<typeof createRepositories>;
  let steps: ReturnType<typeof createCheckoutActivities>;

  before(() => {
    shardSet = suiteShardSet();
    repos = createRepositories({ shardSet, cursorSecret: CURSOR_SECRET });
    steps = createCheckoutActivities(repos);
  });
  after(() => shardSet.close());

  /** Two items with the given units, on different shards. */
  async function itemsOnBothShards(first: number, second: number): Promise<[string, string]> {
    const a = await createStockedItem(shardSet, { a: first });
    for (;;) {
      const b = await createStockedItem(shardSet, { a: second });
      if (shardSet.forItem(b).id !== shardSet.forItem(a).id) return [a, b];
    }
  }

  const available = async (itemId: string) => (await repos.stock.getStock(itemId))!.available;
  const expiresAt = () => new Date(Date.now() + 300_000).toISOString();
  const newOrder = () => ({ orderId: uniqueId('ord'), customerId: uniqueId('c') });
  const shippingAddress = {
    name: 'Ada',
    line1: '1 Main St',
    city: 'Newark',
    postalCode: '07102',
    country: 'US',
  };

  /** A begun order of `quantities` units of two items (with `units` each) on different shards. */
  async function begunOnBothShards(units: number, quantities: [number, number]) {
    const [a, b] = await itemsOnBothShards(units, units);
    const order = { ...newOrder(), expiresAt: expiresAt() };
    const lines = [
      { itemId: a, quantity: quantities[0] },
      { itemId: b, quantity: quantities[1] },
    ];
    assert.equal((await steps.beginOrder({ ...order, lines })).ok, true);
    return { a, b, order };
  }

  it('holds every line on both shards and records the order once, however often it runs', async () => {
    const [a, b] = await itemsOnBothShards(5, 5);
    const order = { ...newOrder(), expiresAt: expiresAt() };
    const lines = [
      { itemId: a, quantity: 2 },
      { itemId: b, quantity: 3 },
    ];
    const first = await steps.beginOrder({ ...order, lines });
    const again = await steps.beginOrder({ ...order, lines });
    assert.deepEqual(again, first);
    assert.deepEqual(first, {
      ok: true,
      lines: lines.map((l) => ({ ...l, priceCents: 1000 })),
      totalCents: 5000,
    });
    assert.deepEqual([await available(a), await available(b)], [3, 2]);
    assert.equal((await repos.orders.getOrder(order.customerId, order.orderId))?.status, 'RESERVED');

    await steps.startPaying({ ...order, shippingAddress });
    await steps.confirmOrder({ ...order, itemIds: [a, b] });
    await steps.confirmOrder({ ...order, itemIds: [a, b] });
    assert.equal((await repos.orders.getOrder(order.customerId, order.orderId))?.status, 'PENDING');
    assert.equal(
      (await repos.stock.getReservation({ orderId: order.orderId, itemId: b }))?.status,
      'COMMITTED',
    );
  });

  it('one short shard: nothing is held on the other, no order row, the short line named', async () => {
    const [a, b] = await itemsOnBothShards(5, 1);
    const order = { ...newOrder(), expiresAt: expiresAt() };
    const result = await steps.beginOrder({
      ...order,
      lines: [
        { itemId: a, quantity: 2 },
        { itemId: b, quantity: 3 },
      ],
    });
    assert.deepEqual(result, {
      ok: false,
      reason: 'OUT_OF_STOCK',
      lines: [{ itemId: b, requested: 3, available: 1 }],
    });
    assert.deepEqual([await available(a), await available(b)], [5, 1]);
    assert.equal(await repos.orders.getOrder(order.customerId, order.orderId), undefined);

    // A retry after more units arrived must not revive the hold the first attempt gave back.
    await repos.warehouseStock.restock({
      adjustmentId: uniqueId('adj'),
      itemId: b,
      warehouseId: 'wh-test-a',
      quantity: 5,
    });
    const retried = await steps.beginOrder({
      ...order,
      lines: [
        { itemId: a, quantity: 2 },
        { itemId: b, quantity: 3 },
      ],
    });
    assert.equal(retried.ok, false);
    assert.deepEqual([await available(a), await available(b)], [5, 6]);
    assert.deepEqual(await checkInvariants(shardSet, { itemIds: [a, b], orderIds: [order.orderId] }), []);
  });

  it('closing an unpaid order gives every hold back and records why, once', async () => {
    const { a, b, order } = await begunOnBothShards(4, [1, 4]);
    await steps.closeOrder({ ...order, itemIds: [a, b], status: 'EXPIRED' });
    await steps.closeOrder({ ...order, itemIds: [a, b], status: 'EXPIRED' });
    assert.deepEqual([await available(a), await available(b)], [4, 4]);
    assert.equal((await repos.orders.getOrder(order.customerId, order.orderId))?.status, 'EXPIRED');
  });

  it('a payment chain run again after its workflow task was lost (paid, then cancelled) changes nothing', async () => {
    const { a, b, order } = await begunOnBothShards(3, [1, 2]);
    // The first attempt: PAYING, PENDING with the holds committed, then a cancel gives them back.
    const chain = async () => {
      await steps.startPaying({ ...order, shippingAddress });
      await steps.confirmOrder({ ...order, itemIds: [a, b] });
      await steps.closeOrder({ ...order, itemIds: [a, b], status: 'CANCELLED' });
    };
    await chain();
    // Its markers never reached the server: the retried task runs every step again.
    await chain();
    const final = await repos.orders.getOrder(order.customerId, order.orderId);
    assert.equal(final?.status, 'CANCELLED');
    assert.deepEqual([await available(a), await available(b)], [3, 3], 'every unit back, once');
    assert.equal(
      (await repos.stock.getReservation({ orderId: order.orderId, itemId: b }))?.status,
      'RELEASED',
    );
  });

  it('closing an unpaid order a lost task moved on: from PENDING with its holds committed, or kept as that task closed it', async () => {
    const { a, b, order } = await begunOnBothShards(3, [1, 2]);
    await steps.startPaying({ ...order, shippingAddress });
    await steps.confirmOrder({ ...order, itemIds: [a, b] });
    assert.equal(await steps.closeUnpaidOrder({ ...order, itemIds: [a, b], status: 'EXPIRED' }), 'EXPIRED');
    assert.equal(await steps.closeUnpaidOrder({ ...order, itemIds: [a, b], status: 'EXPIRED' }), 'EXPIRED');
    assert.deepEqual([await available(a), await available(b)], [3, 3], 'the committed holds back, once');

    const declined = await begunOnBothShards(3, [1, 1]);
    const itemIds = [declined.a, declined.b];
    await steps.startPaying({ ...declined.order, shippingAddress });
    await steps.closeOrder({ ...declined.order, itemIds, status: 'PAYMENT_FAILED' });
    const kept = await steps.closeUnpaidOrder({ ...declined.order, itemIds, status: 'CANCELLED' });
    assert.equal(kept, 'PAYMENT_FAILED');
    const row = await repos.orders.getOrder(declined.order.customerId, declined.order.orderId);
    assert.equal(row?.status, 'PAYMENT_FAILED');
  });

  it('names unknown items and holds nothing', async () => {
    const [a] = await itemsOnBothShards(2, 2);
    const result = await steps.beginOrder({
      ...newOrder(),
      expiresAt: expiresAt(),
      lines: [
        { itemId: a, quantity: 1 },
        { itemId: 'no-such-item', quantity: 1 },
      ],
    });
    assert.deepEqual(result, { ok: false, reason: 'UNKNOWN_ITEMS', itemIds: ['no-such-item'] });
    assert.equal(await available(a), 2);
  });
});
