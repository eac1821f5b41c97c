import assert from 'node:assert/strict';
import { checkInvariants, type InvariantViolation } from '../../db/invariants.js';
import { createRepositories, type Repositories } from '../../db/repositories/index.js';
import type { ShardSet } from '../../db/shard-set.js';
import type { ShardCluster } from '../../scripts/lib/shard-cluster.js';
import { startTestShards } from '../support/stack.js';
import { CURSOR_SECRET, createStockedItem, suiteShardSet, uniqueId } from './fixtures.js';

/** Runs on private shards: the planted violations must not leak into the suite's shared ones. */
describe('checkInvariants', () => {
  let cluster: ShardCluster;
  let shardSet: ShardSet;
  let repos: Repositories;

  before(async () => {
    cluster = await startTestShards(2, 'invariants');
    shardSet = suiteShardSet({ urls: cluster.urls });
    repos = createRepositories({ shardSet, cursorSecret: CURSOR_SECRET });
  });
  after(async () => {
    await shardSet?.close();
    await cluster?.stop();
  });

  /** An item mid-flight in every way at once: reserved, committed, allocated, shipped, released. */
  async function busyItem(): Promise<string> {
    const itemId = await createStockedItem(shardSet, { a: 10, b: 10 });
    const [held, paid, cancelled] = [uniqueId('ord'), uniqueId('ord'), uniqueId('ord')];
    await repos.stock.reserve({ orderId: held, itemId, quantity: 2, expiresAt: null });
    await repos.stock.reserve({ orderId: paid, itemId, quantity: 9, expiresAt: null });
    await repos.stock.commit({ orderId: paid, itemId });
    await repos.warehouseStock.allocate({ orderId: paid, itemId, warehouseId: 'wh-test-a', quantity: 6 });
    await repos.warehouseStock.allocate({ orderId: paid, itemId, warehouseId: 'wh-test-b', quantity: 2 });
    await repos.warehouseStock.shipAllocation({ orderId: paid, itemId, warehouseId: 'wh-test-a' });
    await repos.stock.reserve({ orderId: cancelled, itemId, quantity: 1, expiresAt: null });
    await repos.stock.release({ orderId: cancelled, itemId });
    return itemId;
  }

  async function chargedOrder(
    status: 'PENDING' | 'CANCELLED',
  ): Promise<{ customerId: string; orderId: string }> {
    const customerId = uniqueId('cust');
    const orderId = uniqueId('ord');
    const order = await repos.orders.createCheckoutOrder({
      orderId,
      customerId,
      lines: [{ itemId: 'item-x', quantity: 3, priceCents: 500 }],
      expiresAt: null,
    });
    await repos.orders.transitionOrder({ customerId, orderId, to: 'PAYING' });
    const charge = { customerId, orderId, amountCents: order.totalCents, outcome: 'SUCCEEDED' } as const;
    await repos.payments.recordOnce(`${orderId}:auth`, { ...charge, operation: 'AUTHORIZE' });
    await repos.orders.transitionOrder({ customerId, orderId, to: 'PENDING' });
    await repos.payments.recordOnce(`${orderId}:capture`, { ...charge, operation: 'CAPTURE' });
    if (status === 'CANCELLED') {
      await repos.payments.recordOnce(`${orderId}:refund`, { ...charge, operation: 'REFUND' });
      await repos.orders.transitionOrder({ customerId, orderId, to: 'CANCELLED' });
    }
    return { customerId, orderId };
  }

  const summary = (violations: InvariantViolation[]) => violations.map((v) => [v.invariant, v.key]);

  it('finds nothing wrong with correct data mid-flight', async () => {
    await busyItem();
    await chargedOrder('PENDING');
    await chargedOrder('CANCELLED');
    assert.deepEqual(await checkInvariants(shardSet), []);
  });

  it('catches stock that does not add up to the warehouses (1)', async () => {
    const itemId = await busyItem();
    await shardSet.forItem(itemId).sql`update stock set available = available + 1 where item_id = ${itemId}`;
    assert.deepEqual(summary(await checkInvariants(shardSet, { itemIds: [itemId] })), [[1, itemId]]);
  });

  it('catches physical units that went missing (2)', async () => {
    const itemId = await busyItem();
    await shardSet.forItem(itemId).sql`
      update warehouse_stock set physical = physical - 1 where item_id = ${itemId} and warehouse_id = 'wh-test-b'`;
    assert.deepEqual(summary(await checkInvariants(shardSet, { itemIds: [itemId] })), [[2, itemId]]);
  });

  it('catches units allocated to an order that never paid (3)', async () => {
    const itemId = await busyItem();
    const orderId = uniqueId('ord');
    await repos.stock.reserve({ orderId, itemId, quantity: 1, expiresAt: null });
    const { sql } = shardSet.forItem(itemId);
    // What a buggy allocate that skipped the COMMITTED check would leave behind.
    await sql`insert into warehouse_allocations (order_id, item_id, warehouse_id, quantity, status)
              values (${orderId}, ${itemId}, 'wh-test-b', 1, 'ALLOCATED')`;
    await sql`update warehouse_stock set available = available - 1 where item_id = ${itemId} and warehouse_id = 'wh-test-b'`;
    const found = await checkInvariants(shardSet, { itemIds: [itemId] });
    assert.ok(
      found.some((v) => v.invariant === 3 && v.key === itemId && v.message.includes(orderId)),
      JSON.stringify(found),
    );
  });

  it('catches a negative counter even without the CHECK constraint (3)', async () => {
    const itemId = await busyItem();
    const { sql } = shardSet.forItem(itemId);
    // Private shards: dropping the last line of defence here affects no other test file.
    await sql`alter table stock drop constraint if exists stock_available_non_negative`;
    await sql`update stock set available = -1 where item_id = ${itemId}`;
    const found = await checkInvariants(shardSet, { itemIds: [itemId] });
    assert.ok(
      found.some((v) => v.invariant === 3 && v.key === itemId && v.message.includes('negative')),
      JSON.stringify(found),
    );
  });

  it('catches a double charge and an unrefunded cancellation (4)', async () => {
    const { customerId, orderId } = await chargedOrder('PENDING');
    await repos.payments.recordOnce(`${orderId}:capture-again`, {
      customerId,
      orderId,
      operation: 'CAPTURE',
      amountCents: 1_500,
      outcome: 'SUCCEEDED',
    });
    const cancelled = await chargedOrder('PENDING');
    await repos.orders.transitionOrder({ ...cancelled, to: 'CANCELLED' });

    const found = await checkInvariants(shardSet, { itemIds: [], orderIds: [orderId, cancelled.orderId] });
    const messages = found.map((v) => `${v.invariant} ${v.key} ${v.message}`);
    assert.ok(
      messages.some((m) => m.startsWith(`4 ${orderId} 2 successful captures`)),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) => m.startsWith(`4 ${orderId} PENDING order: captured − refunded = 3000`)),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) => m.startsWith(`4 ${cancelled.orderId} CANCELLED order`)),
      messages.join('\n'),
    );
    assert.equal(found.length, 3);
  });
});
