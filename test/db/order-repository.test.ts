import assert from 'node:assert/strict';
import { InvalidTransitionError, NotFoundError } from '../../db/errors.js';
import { checkInvariants } from '../../db/invariants.js';
import { createOrderRepository } from '../../db/repositories/order-repository.js';
import { createPaymentLedgerRepository } from '../../db/repositories/payment-ledger-repository.js';
import { createSuborderRepository } from '../../db/repositories/suborder-repository.js';
import type { ShardSet } from '../../db/shard-set.js';
import { parseSuborderId } from '../../domain/suborder-id.js';
import { CURSOR_SECRET, suiteShardSet, uniqueId } from './fixtures.js';

describe('order repository (customer shard)', () => {
  let shardSet: ShardSet;
  let orders: ReturnType<typeof createOrderRepository>;
  let suborders: ReturnType<typeof createSuborderRepository>;
  let payments: ReturnType<typeof createPaymentLedgerRepository>;

  before(() => {
    shardSet = suiteShardSet();
    orders = createOrderRepository({ shardSet, cursorSecret: CURSOR_SECRET });
    suborders = createSuborderRepository({ shardSet });
    payments = createPaymentLedgerRepository({ shardSet });
  });
  after(() => shardSet.close());

  const lines = [
    { itemId: 'item-b', quantity: 2, priceCents: 1_250 },
    { itemId: 'item-a', quantity: 1, priceCents: 999 },
  ];

  it('creates a RESERVED order with its lines and total on the customer shard, once', async () => {
    const customerId = uniqueId('cust');
    const orderId = uniqueId('ord');
    const expiresAt = new Date(Date.now() + 300_000);
    const first = await orders.createCheckoutOrder({ orderId, customerId, lines, expiresAt });
    const again = await orders.createCheckoutOrder({ orderId, customerId, lines, expiresAt });

    assert.equal(first.status, 'RESERVED');
    assert.equal(first.totalCents, 2 * 1_250 + 999);
    assert.equal(first.expiresAt?.getTime(), expiresAt.getTime());
    assert.deepEqual(
      first.lines.map((l) => l.itemId),
      ['item-a', 'item-b'],
    );
    assert.deepEqual(again, first, 'a repeat returns the recorded order');

    const home = shardSet.forCustomer(customerId);
    for (const shard of shardSet.shards) {
      const [row] = await shard.sql<{ n: number }[]>`
        select count(*)::int as n from order_lines where order_id = ${orderId}`;
      assert.equal(
        row!.n,
        shard === home ? 2 : 0,
        `${shard.id} holds the lines only if it is the home shard`,
      );
    }
  });

  it('hides an order from every other customer', async () => {
    const customerId = uniqueId('cust');
    const orderId = uniqueId('ord');
    await orders.createCheckoutOrder({ orderId, customerId, lines, expiresAt: null });
    assert.ok(await orders.getOrder(customerId, orderId));
    assert.equal(await orders.getOrder(uniqueId('other'), orderId), undefined);
    assert.equal(await orders.getOrder(customerId, uniqueId('missing')), undefined);
  });

  it('walks the lifecycle with version checks; a repeat is a no-op and a bad move is refused', async () => {
    const customerId = uniqueId('cust');
    const orderId = uniqueId('ord');
    await orders.createCheckoutOrder({ orderId, customerId, lines, expiresAt: null });
    const address = {
      name: 'Ada',
      line1: '1 Loop Rd',
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    };

    const paying = await orders.transitionOrder({
      customerId,
      orderId,
      to: 'PAYING',
      shippingAddress: address,
    });
    assert.equal(paying.status, 'PAYING');
    assert.equal(paying.version, 1);
    assert.deepEqual(paying.shippingAddress, address);
    const repeated = await orders.transitionOrder({ customerId, orderId, to: 'PAYING' });
    assert.equal(repeated.version, 1, 'a repeated transition changes nothing');

    const pending = await orders.transitionOrder({ customerId, orderId, to: 'PENDING' });
    // Keep the shared shards quiescent-correct (invariant 4): a PENDING order has been charged.
    const charge = { customerId, orderId, amountCents: pending.totalCents, outcome: 'SUCCEEDED' } as const;
    await payments.recordOnce(`${orderId}:authorize`, { ...charge, operation: 'AUTHORIZE' });
    await payments.recordOnce(`${orderId}:capture`, { ...charge, operation: 'CAPTURE' });
    assert.deepEqual(await checkInvariants(shardSet, { itemIds: [], orderIds: [orderId] }), []);
    await assert.rejects(
      orders.transitionOrder({ customerId, orderId, to: 'PAYMENT_FAILED' }),
      InvalidTransitionError,
    );
    // A step re-run after a lost workflow task (PAYING was set, then PENDING) finds the order past it.
    const rerun = await orders.transitionOrder({
      customerId,
      orderId,
      to: 'PAYING',
      shippingAddress: address,
    });
    assert.deepEqual(
      [rerun.status, rerun.version],
      ['PENDING', 2],
      'an earlier status asked again changes nothing',
    );
    await assert.rejects(
      orders.transitionOrder({ customerId: uniqueId('other'), orderId, to: 'CANCELLED' }),
      NotFoundError,
    );
    const final = await orders.getOrder(customerId, orderId);
    assert.equal(final?.status, 'PENDING');
    assert.equal(final?.version, 2);
  });

  it('records suborders idempotently under routable ids and moves them along', async () => {
    const customerId = uniqueId('cust');
    const orderId = uniqueId('ord');
    await orders.createCheckoutOrder({ orderId, customerId, lines, expiresAt: null });
    const plan = [
      { warehouseId: 'wh-x', lines: [{ itemId: 'item-a', quantity: 1 }] },
      { warehouseId: 'wh-y', lines: [{ itemId: 'item-b', quantity: 2 }] },
    ];
    const created = await suborders.createSuborders({ customerId, orderId, suborders: plan });
    const again = await suborders.createSuborders({ customerId, orderId, suborders: plan });
    assert.deepEqual(again, created);
    assert.deepEqual(
      created.map((s) => s.suborderId),
      [`${orderId}.wh-x`, `${orderId}.wh-y`],
    );
    assert.deepEqual(parseSuborderId(created[0]!.suborderId), { orderId, warehouseId: 'wh-x' });

    const suborderId = created[0]!.suborderId;
    assert.equal(
      (await suborders.transitionSuborder({ customerId, suborderId, to: 'SHIPPED' })).status,
      'SHIPPED',
    );
    assert.equal((await suborders.transitionSuborder({ customerId, suborderId, to: 'SHIPPED' })).version, 1);
    await assert.rejects(
      suborders.transitionSuborder({ customerId, suborderId, to: 'CANCELLED' }),
      InvalidTransitionError,
    );

    const details = await orders.getOrder(customerId, orderId);
    assert.deepEqual(
      details?.suborders.map((s) => [s.warehouseId, s.status, s.lines]),
      [
        ['wh-x', 'SHIPPED', [{ itemId: 'item-a', quantity: 1 }]],
        ['wh-y', 'ALLOCATED', [{ itemId: 'item-b', quantity: 2 }]],
      ],
    );
    await assert.rejects(
      suborders.createSuborders({ customerId, orderId: uniqueId('missing'), suborders: plan }),
      NotFoundError,
    );
  });

  it('records the reason on the way to FAILED, and counts FAILED orders on every shard', async () => {
    const before = await orders.countWithStatus('FAILED');
    // Two customers on each shard, so the count has to add up every shard.
    const customers: string[] = [];
    for (const shard of [0, 0, 1, 1]) {
      let candidate = uniqueId('cust');
      while (shardSet.forCustomer(candidate) !== shardSet.shards[shard]) candidate = uniqueId('cust');
      customers.push(candidate);
    }
    for (const [i, customerId] of customers.entries()) {
      const orderId = uniqueId('ord');
      await orders.createCheckoutOrder({ orderId, customerId, lines, expiresAt: null });
      const header = await orders.transitionOrder({
        customerId,
        orderId,
        to: 'FAILED',
        failureReason: `startPaying failed: test ${i}`,
      });
      assert.equal(header.status, 'FAILED');
      assert.equal(header.failureReason, `startPaying failed: test ${i}`);
      assert.equal(
        (await orders.getOrder(customerId, orderId))?.failureReason,
        `startPaying failed: test ${i}`,
      );
    }
    assert.equal(await orders.countWithStatus('FAILED'), before + 4);
    await assert.rejects(
      orders.transitionOrder({ customerId: customers[0]!, orderId: 'absent', to: 'FAILED' }),
      NotFoundError,
    );
  });
});
