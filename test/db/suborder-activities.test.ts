/**
 * orderWorkflowV2's allocation step retried after its worker died: the lost attempt allocated the item
 * in one warehouse, the new plan (made from availability that already counts that allocation) names
 * another. The step keeps what is allocated, records the split from it, and takes no unit twice. And when the
 * lost attempt took the last units, the planning step still shows them to that order.
 */
import assert from 'node:assert/strict';
import { createCheckoutActivities } from '../../activities/checkout-activities.js';
import { createFulfillmentActivities } from '../../activities/fulfillment-activities.js';
import { createSuborderActivities } from '../../activities/suborder-activities.js';
import { createRepositories } from '../../db/repositories/index.js';
import type { ShardSet } from '../../db/shard-set.js';
import { CURSOR_SECRET, createStockedItem, suiteShardSet, uniqueId } from './fixtures.js';

describe('allocation step (orderWorkflowV2) retried with another plan', () => {
  let shardSet: ShardSet;
  let repos: ReturnType<typeof createRepositories>;

  before(() => {
    shardSet = suiteShardSet();
    repos = createRepositories({ shardSet, cursorSecret: CURSOR_SECRET });
  });
  after(() => shardSet.close());

  it('keeps the lost attempt’s allocation and records the suborders where the units are', async () => {
    const checkout = createCheckoutActivities(repos);
    const split = createSuborderActivities(repos);
    const itemId = await createStockedItem(shardSet, { a: 5, b: 5 });
    const order = await confirmedOrder(checkout, itemId);

    const plan = (warehouseId: string) => ({
      ...order,
      items: [{ itemId, parts: [{ warehouseId, quantity: 2 }] }],
      suborders: [{ warehouseId, lines: [{ itemId, quantity: 2 }] }],
    });
    const first = await split.allocateSuborders(plan('wh-test-a'));
    const retried = await split.allocateSuborders(plan('wh-test-b'));

    const inA = [{ itemId, parts: [{ warehouseId: 'wh-test-a', quantity: 2 }] }];
    assert.deepEqual(first, { ok: true, allocated: inA });
    assert.deepEqual(retried, { ok: true, allocated: inA }, 'the retry reports where the units really are');
    const allocations = await repos.warehouseStock.listAllocations(order.orderId, itemId);
    assert.deepEqual(
      allocations.map((a) => [a.warehouseId, a.quantity, a.status]),
      [['wh-test-a', 2, 'ALLOCATED']],
    );
    const levels = await repos.warehouseStock.getAvailability([itemId]);
    assert.deepEqual(levels.map((l) => [l.warehouseId, l.available]).sort(), [
      ['wh-test-a', 3],
      ['wh-test-b', 5],
    ]);
    const suborders = await repos.suborders.listSuborders(order.customerId, order.orderId);
    assert.deepEqual(
      suborders.map((s) => s.warehouseId),
      ['wh-test-a'],
    );
  });

  it('shows the order the units its lost attempt holds, so a plan made again finds the last units', async () => {
    const checkout = createCheckoutActivities(repos);
    const split = createSuborderActivities(repos);
    const fulfillment = createFulfillmentActivities(repos);
    const itemId = await createStockedItem(shardSet, { a: 2, b: 0 });
    const order = await confirmedOrder(checkout, itemId);
    const plan = {
      ...order,
      items: [{ itemId, parts: [{ warehouseId: 'wh-test-a', quantity: 2 }] }],
      suborders: [{ warehouseId: 'wh-test-a', lines: [{ itemId, quantity: 2 }] }],
    };
    await split.allocateSuborders(plan);

    const levels = async (orderId?: string) =>
      (await fulfillment.loadSplitInputs([itemId], orderId)).availability
        .map((l) => [l.warehouseId, l.available])
        .sort();
    assert.deepEqual(await levels(), [
      ['wh-test-a', 0],
      ['wh-test-b', 0],
    ]);
    assert.deepEqual(
      await levels(order.orderId),
      [
        ['wh-test-a', 2],
        ['wh-test-b', 0],
      ],
      'its own units count for the order',
    );
    assert.deepEqual(await split.allocateSuborders(plan), {
      ok: true,
      allocated: [{ itemId, parts: [{ warehouseId: 'wh-test-a', quantity: 2 }] }],
    });
    const [level] = (await repos.warehouseStock.getAvailability([itemId])).filter(
      (l) => l.warehouseId === 'wh-test-a',
    );
    assert.equal(level?.available, 0, 'taken once');
  });
});

/** An order for two units of the item, paid for and confirmed: where the warehouse split starts. */
async function confirmedOrder(checkout: ReturnType<typeof createCheckoutActivities>, itemId: string) {
  const order = { orderId: uniqueId('ord'), customerId: uniqueId('c') };
  const expiresAt = new Date(Date.now() + 300_000).toISOString();
  await checkout.beginOrder({ ...order, expiresAt, lines: [{ itemId, quantity: 2 }] });
  const shippingAddress = {
    name: 'Ada',
    line1: '1 Main St',
    city: 'Newark',
    postalCode: '07102',
    country: 'US',
  };
  await checkout.startPaying({ ...order, shippingAddress });
  await checkout.confirmOrder({ ...order, itemIds: [itemId] });
  return order;
}
