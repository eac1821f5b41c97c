/**
 * The order workflow (the type BEGIN starts, orderWorkflowV3), every branch, with in-memory activities on
 * the time-skipping test server: the 5-minute reservation timer runs in a moment. The legacy types are
 * kept honest by the replay of their recorded histories (test/replay).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import {
  beginCheckoutUpdate,
  cancelOrderUpdate,
  cancelSignal,
  deliverSuborderUpdate,
  ORDER_WORKFLOW_TYPE,
  orderStateQuery,
  orderWorkflowId,
  providePaymentUpdate,
  shipSuborderUpdate,
  submitOrderUpdate,
} from '../../workflows/definitions.js';
import type { orderWorkflowV3 } from '../../workflows/order/order-workflow.js';
import { REFUSAL } from '../../workflows/refusals.js';
import type { OrderState } from '../../workflows/types.js';
import { createTimeSkippingEnv, registerOrderSearchAttributes } from '../support/time-skipping.js';
import {
  addItem,
  type FakeWorld,
  fakeOrderWorkerActivities,
  fakeWarehouseActivities,
  newWorld,
} from './fake-activities.js';

type Started = { orderId: string; handle: WorkflowHandle<typeof orderWorkflowV3> };
type StartOrder = (customerId?: string) => Promise<Started>;

const ADDRESS = { name: 'Ada', line1: '1 Main St', city: 'Newark', postalCode: '07102', country: 'US' };
const TTL_SECONDS = 300;

describe('order workflow (mocked activities, time-skipping server)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  before(async function () {
    this.timeout(600_000);
    [env, bundle] = await Promise.all([
      createTimeSkippingEnv(),
      bundleWorkflowCode({
        workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)),
      }),
    ]);
    await registerOrderSearchAttributes(env);
  });

  after(async () => {
    await env?.teardown();
  });

  /** Runs `body` with an order worker and a warehouse worker on fresh task queues (of `on`, else the file's server). */
  async function withWorkers<T>(
    world: FakeWorld,
    body: (start: StartOrder) => Promise<T>,
    on: TestWorkflowEnvironment = env,
  ): Promise<T> {
    const suffix = randomUUID().slice(0, 8);
    const orderQueue = `orders-${suffix}`;
    const warehouseQueue = `warehouse-${suffix}`;
    const orderWorker = await Worker.create({
      connection: on.nativeConnection,
      taskQueue: orderQueue,
      workflowBundle: bundle,
      activities: fakeOrderWorkerActivities(world),
    });
    const warehouseWorker = await Worker.create({
      connection: on.nativeConnection,
      taskQueue: warehouseQueue,
      activities: fakeWarehouseActivities(world),
    });
    const start: StartOrder = async (customerId = `c-${suffix}`) => {
      const orderId = `ord_${randomUUID().replaceAll('-', '')}`;
      const handle = await on.client.workflow.start<typeof orderWorkflowV3>(ORDER_WORKFLOW_TYPE, {
        workflowId: orderWorkflowId(orderId),
        taskQueue: orderQueue,
        args: [
          {
            orderId,
            customerId,
            reservationTtlSeconds: TTL_SECONDS,
            publicBaseUrl: 'http://shop.test',
            warehouseTaskQueue: warehouseQueue,
          },
        ],
      });
      return { orderId, handle };
    };
    return warehouseWorker.runUntil(orderWorker.runUntil(body(start)));
  }

  const begin = (handle: WorkflowHandle, lines: { itemId: string; quantity: number }[]) =>
    handle.executeUpdate(beginCheckoutUpdate, { args: [{ lines }] });
  const pay = (handle: WorkflowHandle, paymentToken = 'tok_ok') =>
    handle.executeUpdate(providePaymentUpdate, { args: [{ paymentToken, shippingAddress: ADDRESS }] });
  const state = (handle: WorkflowHandle): Promise<OrderState> => handle.query(orderStateQuery);

  /**
   * The workflow's final state, awaited in real time. `handle.result()` would let the test server skip
   * time while the last activities run, and skip past their start-to-close timeout on a busy machine.
   */
  async function settled(handle: WorkflowHandle<typeof orderWorkflowV3>): Promise<OrderState> {
    for (;;) {
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') {
        assert.equal(description.status.name, 'COMPLETED');
        return state(handle);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function placeOrder(start: StartOrder, lines: { itemId: string; quantity: number }[]) {
    const started = await start();
    const begun = await begin(started.handle, lines);
    assert.equal(begun.ok, true);
    await pay(started.handle);
    const placed = await started.handle.executeUpdate(submitOrderUpdate);
    assert.equal(placed.status, 'PENDING');
    return started;
  }

  async function suborderIds(handle: WorkflowHandle, count: number): Promise<string[]> {
    for (let i = 0; i < 100; i++) {
      const { suborders } = await state(handle);
      if (suborders.length === count) return suborders.map((s) => s.suborderId);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`expected ${count} suborders`);
  }

  it('happy path: reserve, pay, split, ship, deliver', async () => {
    const world = newWorld();
    addItem(world, 'kettle', 2500, { 'wh-east': 5, 'wh-west': 5 });
    await withWorkers(world, async (start) => {
      const { orderId, handle } = await start();
      const begun = await begin(handle, [{ itemId: 'kettle', quantity: 2 }]);
      assert.deepEqual(begun, {
        ok: true,
        orderId,
        paymentUrl: `http://shop.test/checkout/${orderId}/payment`,
        expiresAt: begun.ok ? begun.expiresAt : '',
      });
      assert.equal(world.stock.get('kettle'), 8, 'two units held');
      assert.deepEqual(await pay(handle), { orderId, status: 'RESERVED' });
      const submitted = await handle.executeUpdate(submitOrderUpdate);
      assert.deepEqual(submitted, { orderId, status: 'PENDING' });
      const [suborderId] = await suborderIds(handle, 1);
      assert.equal(suborderId, `${orderId}.wh-east`, 'nearest warehouse to a 07xxx ZIP');
      assert.deepEqual(world.notified, [suborderId]);
      assert.equal(
        (await handle.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: suborderId! }] })).status,
        'SHIPPED',
      );
      assert.equal(
        (await handle.executeUpdate(deliverSuborderUpdate, { args: [{ suborderId: suborderId! }] })).status,
        'DELIVERED',
      );
      const final = await settled(handle);
      assert.equal(final.status, 'DELIVERED');
      assert.deepEqual(world.orderStatuses, ['RESERVED', 'PAYING', 'PENDING', 'SHIPPED', 'DELIVERED']);
      assert.deepEqual(world.payments, [
        { op: 'AUTHORIZE', amountCents: 5000 },
        { op: 'CAPTURE', amountCents: 5000 },
      ]);
      assert.equal(world.warehouseStock.get('kettle')!.get('wh-east'), 3);
      assert.equal(world.allocations.get(`${orderId}|kettle|wh-east`)?.status, 'SHIPPED');
      const description = await handle.describe();
      assert.deepEqual(description.searchAttributes['OrderStatus'], ['DELIVERED']);
    });
  });

  it('a repeated begin returns the first answer and reserves once', async () => {
    const world = newWorld();
    addItem(world, 'mug', 900, { 'wh-east': 3 });
    await withWorkers(world, async (start) => {
      const { handle } = await start();
      const first = await begin(handle, [{ itemId: 'mug', quantity: 1 }]);
      const second = await begin(handle, [{ itemId: 'mug', quantity: 1 }]);
      assert.deepEqual(second, first);
      assert.equal(world.calls.filter((c) => c === 'reserve:mug').length, 1);
      assert.equal(world.stock.get('mug'), 2);
    });
  });

  it('all or nothing: a short line releases the lines already reserved and names what is short', async () => {
    const world = newWorld();
    addItem(world, 'lamp', 4000, { 'wh-east': 5 });
    addItem(world, 'bulb', 300, { 'wh-east': 1 });
    await withWorkers(world, async (start) => {
      const { handle } = await start();
      const result = await begin(handle, [
        { itemId: 'lamp', quantity: 2 },
        { itemId: 'bulb', quantity: 3 },
      ]);
      assert.deepEqual(result, {
        ok: false,
        reason: 'OUT_OF_STOCK',
        lines: [{ itemId: 'bulb', requested: 3, available: 1 }],
      });
      assert.equal(world.stock.get('lamp'), 5, 'the lamp hold was compensated');
      assert.equal(world.stock.get('bulb'), 1);
      assert.deepEqual(world.orderStatuses, [], 'no order row for a refused checkout');
      assert.equal((await settled(handle)).status, 'CHECKOUT_REFUSED');
    });
  });

  it('unknown items are named and nothing is reserved', async () => {
    const world = newWorld();
    await withWorkers(world, async (start) => {
      const { handle } = await start();
      assert.deepEqual(await begin(handle, [{ itemId: 'ghost', quantity: 1 }]), {
        ok: false,
        reason: 'UNKNOWN_ITEMS',
        itemIds: ['ghost'],
      });
      assert.equal(
        world.calls.some((c) => c.startsWith('reserve')),
        false,
      );
    });
  });

  it('expiry: after 5 minutes without payment every reservation is released', async () => {
    const world = newWorld();
    addItem(world, 'chair', 12000, { 'wh-west': 4 });
    await withWorkers(world, async (start) => {
      const { handle } = await start();
      await begin(handle, [{ itemId: 'chair', quantity: 4 }]);
      assert.equal(world.stock.get('chair'), 0);
      await env.sleep('290 seconds');
      assert.equal((await state(handle)).status, 'RESERVED', 'still held just before the deadline');
      await env.sleep('11 seconds');
      const final = await settled(handle);
      assert.equal(final.status, 'EXPIRED');
      assert.equal(world.stock.get('chair'), 4, 'released');
      assert.deepEqual(world.orderStatuses, ['RESERVED', 'EXPIRED']);
      assert.equal((await handle.describe()).status.name, 'COMPLETED');
    });
  });

  it('decline: releases the reservations and ends PAYMENT_FAILED, with the reason', async () => {
    const world = newWorld();
    world.declineCards.add('tok_declined');
    addItem(world, 'desk', 30000, { 'wh-east': 2 });
    await withWorkers(world, async (start) => {
      const { orderId, handle } = await start();
      await begin(handle, [{ itemId: 'desk', quantity: 1 }]);
      await pay(handle, 'tok_declined');
      // The decline closes the order in the payment's workflow task; the API answers a later SUBMIT
      // from the workflow's result.
      const final = await settled(handle);
      assert.deepEqual(
        { orderId: final.orderId, status: final.status, declineReason: final.payment.declineReason },
        { orderId, status: 'PAYMENT_FAILED', declineReason: 'card_declined' },
      );
      assert.equal(world.stock.get('desk'), 2);
      assert.deepEqual(world.orderStatuses, ['RESERVED', 'PAYING', 'PAYMENT_FAILED']);
      assert.equal(world.payments.filter((p) => p.op === 'CAPTURE').length, 0);
    });
  });

  it('transient gateway errors are retried until the authorization goes through', async () => {
    const world = newWorld();
    world.transientAuthorizeFailures = 2;
    addItem(world, 'pen', 200, { 'wh-east': 10 });
    await withWorkers(world, async (start) => {
      await placeOrder(start, [{ itemId: 'pen', quantity: 1 }]);
      assert.equal(world.calls.filter((c) => c === 'authorize').length, 3);
      assert.equal(world.payments.filter((p) => p.op === 'AUTHORIZE').length, 1);
    });
  });

  it('cancel before payment (the `cancel` signal): releases and ends CANCELLED', async () => {
    const world = newWorld();
    addItem(world, 'rug', 8000, { 'wh-west': 3 });
    await withWorkers(world, async (start) => {
      const { handle } = await start();
      await begin(handle, [{ itemId: 'rug', quantity: 2 }]);
      await handle.signal(cancelSignal, { reason: 'changed my mind' });
      assert.equal((await settled(handle)).status, 'CANCELLED');
      assert.equal(world.stock.get('rug'), 3);
      assert.deepEqual(world.payments, []);
    });
  });

  it('cancel after payment (Update): releases allocations, refunds, restocks', async () => {
    const world = newWorld();
    addItem(world, 'sofa', 50000, { 'wh-east': 1, 'wh-west': 1 });
    await withWorkers(world, async (start) => {
      const { orderId, handle } = await placeOrder(start, [{ itemId: 'sofa', quantity: 2 }]);
      await suborderIds(handle, 2);
      const result = await handle.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'test' }] });
      assert.deepEqual(result, { orderId, status: 'CANCELLED' });
      assert.deepEqual(
        world.payments.map((p) => p.op),
        ['AUTHORIZE', 'CAPTURE', 'REFUND'],
      );
      assert.equal(world.payments.at(-1)!.amountCents, 100000);
      assert.equal(world.allocations.get(`${orderId}|sofa|wh-east`)?.status, 'RELEASED');
      assert.equal(world.warehouseStock.get('sofa')!.get('wh-west'), 1);
      assert.equal(world.stock.get('sofa'), 2, 'restocked');
      assert.equal(world.orderStatuses.at(-1), 'CANCELLED');
      assert.deepEqual([...world.suborderStatuses.values()], ['CANCELLED', 'CANCELLED']);
    });
  });

  it('a cancel repeated while the refund runs (after fulfillment ended) is answered, not fatal', async () => {
    const world = newWorld();
    let openGate!: () => void;
    world.refundGate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    addItem(world, 'lamp', 3000, { 'wh-east': 1, 'wh-west': 1 });
    await withWorkers(world, async (start) => {
      const { orderId, handle } = await placeOrder(start, [{ itemId: 'lamp', quantity: 2 }]);
      await suborderIds(handle, 2);
      const first = handle.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'first' }] });
      while (!world.calls.includes('refund')) await new Promise((resolve) => setTimeout(resolve, 50));
      // The shopper's client timed out and retries; the fulfillment child has already finished.
      const second = handle.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'retry' }] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      openGate();
      assert.deepEqual(await first, { orderId, status: 'CANCELLED' });
      assert.deepEqual(await second, { orderId, status: 'CANCELLED' });
      assert.equal((await settled(handle)).status, 'CANCELLED');
      assert.equal(world.payments.filter((p) => p.op === 'REFUND').length, 1);
    });
  });

  it('partial shipments: PARTIALLY_SHIPPED, then SHIPPED; cancel is refused once anything shipped', async () => {
    const world = newWorld();
    addItem(world, 'tv', 70000, { 'wh-east': 1, 'wh-west': 1 });
    await withWorkers(world, async (start) => {
      const { handle } = await placeOrder(start, [{ itemId: 'tv', quantity: 2 }]);
      const [first, second] = await suborderIds(handle, 2);
      await handle.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: first! }] });
      await assert.rejects(
        handle.executeUpdate(cancelOrderUpdate, { args: [{}] }),
        (error: Error & { cause?: Error }) => /already shipped/.test(error.cause?.message ?? ''),
      );
      await handle.signal(cancelSignal); // ignored, not fatal
      assert.equal((await state(handle)).status, 'PARTIALLY_SHIPPED');
      await handle.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: second! }] });
      await handle.executeUpdate(deliverSuborderUpdate, { args: [{ suborderId: first! }] });
      await handle.executeUpdate(deliverSuborderUpdate, { args: [{ suborderId: second! }] });
      assert.equal((await settled(handle)).status, 'DELIVERED');
      assert.deepEqual(world.orderStatuses, [
        'RESERVED',
        'PAYING',
        'PENDING',
        'PARTIALLY_SHIPPED',
        'SHIPPED',
        'DELIVERED',
      ]);
      assert.deepEqual(
        world.payments.map((p) => p.op),
        ['AUTHORIZE', 'CAPTURE'],
      );
    });
  });

  it('refuses out-of-order messages with a reason', async () => {
    const world = newWorld();
    addItem(world, 'cup', 500, { 'wh-east': 5 });
    await withWorkers(world, async (start) => {
      const { handle } = await start();
      await begin(handle, [{ itemId: 'cup', quantity: 1 }]);
      await assert.rejects(handle.executeUpdate(submitOrderUpdate), (e: Error & { cause?: Error }) =>
        /payment details are missing/.test(e.cause?.message ?? ''),
      );
      await assert.rejects(
        handle.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: 'x.wh-east' }] }),
        (e: Error & { cause?: Error }) => /no suborder/.test(e.cause?.message ?? ''),
      );
      await handle.signal(cancelSignal);
      assert.equal((await settled(handle)).status, 'CANCELLED');
    });
  });
  /** The `type` of the ApplicationFailure an update validator refused with. */
  const refusedWith = (type: string) => (error: Error & { cause?: Error & { type?: string } }) =>
    error.cause?.type === type;

  it('refusals carry a type the API branches on', async () => {
    const world = newWorld();
    addItem(world, 'vase', 1500, { 'wh-east': 1, 'wh-west': 1 });
    await withWorkers(world, async (start) => {
      const { handle } = await start();
      await assert.rejects(handle.executeUpdate(submitOrderUpdate), refusedWith(REFUSAL.nothingToSubmit));
      await assert.rejects(begin(handle, []), refusedWith(REFUSAL.invalidCheckout));
      await begin(handle, [{ itemId: 'vase', quantity: 2 }]);
      await assert.rejects(handle.executeUpdate(submitOrderUpdate), refusedWith(REFUSAL.paymentMissing));
      await pay(handle, 'tok_first');
      await assert.rejects(pay(handle, 'tok_other'), refusedWith(REFUSAL.paymentAlreadyGiven));
      await handle.executeUpdate(submitOrderUpdate);
      const [first, second] = await suborderIds(handle, 2);
      await assert.rejects(
        handle.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: 'nope.wh-east' }] }),
        refusedWith(REFUSAL.unknownSuborder),
      );
      await assert.rejects(
        handle.executeUpdate(deliverSuborderUpdate, { args: [{ suborderId: first! }] }),
        refusedWith(REFUSAL.suborderConflict),
      );
      await handle.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: first! }] });
      await assert.rejects(
        handle.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: first! }] }),
        refusedWith(REFUSAL.suborderConflict),
      );
      await assert.rejects(
        handle.executeUpdate(cancelOrderUpdate, { args: [{}] }),
        refusedWith(REFUSAL.cancelRefused),
      );
      await assert.rejects(
        pay(handle, 'tok_first').then(() => pay(handle, 'tok_late')),
        refusedWith(REFUSAL.paymentAlreadyGiven),
      );
      await handle.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: second! }] });
    });
  });

  it('the deadline the shopper is told is the one the reservation timer enforces', async () => {
    const world = newWorld();
    world.beginDelayMs = 1500; // a slow reservation must not move the enforced deadline past the told one
    addItem(world, 'clock', 4000, { 'wh-east': 1 });
    await withWorkers(world, async (start) => {
      const { handle } = await start();
      const begun = await begin(handle, [{ itemId: 'clock', quantity: 1 }]);
      assert.ok(begun.ok);
      const told = Date.parse(begun.expiresAt);
      assert.equal((await state(handle)).expiresAt, begun.expiresAt);
      // The timer starts in the workflow task whose clock reading gave expiresAt, for exactly the TTL.
      const events = (await handle.fetchHistory()).events ?? [];
      const timerAt = events.findIndex((e) => e.timerStartedEventAttributes);
      assert.ok(timerAt > 0, 'a reservation timer was started');
      const taskStarted = events
        .slice(0, timerAt)
        .reverse()
        .find((e) => e.workflowTaskStartedEventAttributes)!;
      const clockMs =
        Number(taskStarted.eventTime!.seconds) * 1000 + Math.floor(taskStarted.eventTime!.nanos! / 1e6);
      const timeout = events[timerAt]!.timerStartedEventAttributes!.startToFireTimeout!;
      assert.equal(Number(timeout.seconds), TTL_SECONDS);
      assert.ok(
        Math.abs(clockMs + TTL_SECONDS * 1000 - told) <= 1,
        `told ${begun.expiresAt}, clock ${clockMs}`,
      );
      await handle.signal(cancelSignal);
      assert.equal((await settled(handle)).status, 'CANCELLED');
    });
  });

  it('a cancel while the split waits for warehouse stock is honoured: refund, restock', async () => {
    const world = newWorld();
    addItem(world, 'bike', 20000, { 'wh-east': 1 });
    world.warehouseStock.get('bike')!.set('wh-east', 0); // reservable, but no warehouse can send it now
    await withWorkers(world, async (start) => {
      const { orderId, handle } = await placeOrder(start, [{ itemId: 'bike', quantity: 1 }]);
      while (world.calls.filter((c) => c === 'loadSplitInputs').length < 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const cancelled = await handle.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'too slow' }] });
      assert.deepEqual(cancelled, { orderId, status: 'CANCELLED' });
      assert.deepEqual(
        world.payments.map((p) => p.op),
        ['AUTHORIZE', 'CAPTURE', 'REFUND'],
      );
      assert.equal(world.stock.get('bike'), 1, 'restocked');
      assert.equal(world.orderStatuses.at(-1), 'CANCELLED');
      assert.equal((await settled(handle)).status, 'CANCELLED');
    });
  });
  it('the split counts the units its own lost allocation holds: the last unit, taken by an attempt whose task was lost, ships', async () => {
    const world = newWorld();
    addItem(world, 'desk', 9000, { 'wh-east': 1 });
    await withWorkers(world, async (start) => {
      const { orderId, handle } = await start();
      await begin(handle, [{ itemId: 'desk', quantity: 1 }]);
      // An earlier run of the split allocated the last unit, then its workflow task was lost (a Temporal history
      // host died before recording it): the warehouse shows none left when the split runs again.
      world.allocations.set(`${orderId}|desk|wh-east`, { quantity: 1, status: 'ALLOCATED' });
      world.warehouseStock.get('desk')!.set('wh-east', 0);
      await pay(handle);
      assert.equal((await handle.executeUpdate(submitOrderUpdate)).status, 'PENDING');
      const [suborderId] = await suborderIds(handle, 1);
      assert.equal(suborderId, `${orderId}.wh-east`);
      await handle.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: suborderId! }] });
      await handle.executeUpdate(deliverSuborderUpdate, { args: [{ suborderId: suborderId! }] });
      assert.equal((await settled(handle)).status, 'DELIVERED');
      assert.equal(world.calls.filter((c) => c === 'loadSplitInputs').length, 1, 'planned once');
      assert.equal(world.warehouseStock.get('desk')!.get('wh-east'), 0, 'the unit was taken once');
      assert.equal(world.allocations.get(`${orderId}|desk|wh-east`)?.status, 'SHIPPED');
    });
  });

  it('a cancel sent while the card is being authorized is applied once the payment step ends: refunded, released', async () => {
    const world = newWorld();
    let openGate!: () => void;
    world.authorizeGate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    addItem(world, 'drum', 6000, { 'wh-east': 2 });
    await withWorkers(world, async (start) => {
      const { orderId, handle } = await start();
      await begin(handle, [{ itemId: 'drum', quantity: 2 }]);
      const paid = pay(handle);
      while (!world.calls.includes('authorize')) await new Promise((resolve) => setTimeout(resolve, 50));
      const cancelled = handle.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'wrong size' }] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      openGate();
      await paid;
      assert.deepEqual(await cancelled, { orderId, status: 'CANCELLED' });
      // The gateway calls run as local activities in one workflow task, which the cancel waits for.
      assert.deepEqual(
        world.payments.map((p) => p.op),
        ['AUTHORIZE', 'CAPTURE', 'REFUND'],
      );
      assert.equal(world.stock.get('drum'), 2, 'back in stock');
      assert.equal(world.orderStatuses.at(-1), 'CANCELLED');
      assert.equal((await settled(handle)).status, 'CANCELLED');
    });
  });

  it('a step no retry can fix fails the order: FAILED with the reason, holds released, authorization voided', async () => {
    const world = newWorld();
    world.permanentFailures.add('confirmOrder');
    addItem(world, 'lamp', 4000, { 'wh-east': 3 });
    await withWorkers(world, async (start) => {
      const { orderId, handle } = await start();
      await begin(handle, [{ itemId: 'lamp', quantity: 2 }]);
      assert.equal(world.stock.get('lamp'), 1);
      // The failure ends the order in the payment's own workflow task, as a decline does: the API answers
      // a later SUBMIT from the workflow's result.
      await pay(handle);
      const final = await settled(handle);
      assert.deepEqual(
        { orderId: final.orderId, status: final.status, failureReason: final.failureReason },
        {
          orderId,
          status: 'FAILED',
          failureReason: 'confirmOrder failed: database call failed (permanent), code 22P05',
        },
      );
      assert.equal(final.payment.outcome, 'VOIDED');
      assert.deepEqual(
        world.payments.map((p) => p.op),
        ['AUTHORIZE', 'VOID'],
      );
      assert.equal(world.stock.get('lamp'), 3, 'both units back in stock');
      assert.deepEqual(world.orderStatuses, ['RESERVED', 'PAYING', 'FAILED']);
    });
  });

  it('a capture refused after it took effect fails the order with the money refunded: the void finds it captured', async () => {
    const world = newWorld();
    world.captureRefusedAfterEffect = true;
    addItem(world, 'lamp', 4000, { 'wh-east': 3 });
    await withWorkers(world, async (start) => {
      const { handle } = await start();
      await begin(handle, [{ itemId: 'lamp', quantity: 1 }]);
      await pay(handle);
      const final = await settled(handle);
      assert.equal(final.status, 'FAILED');
      assert.match(final.failureReason ?? '', /^capturePayment failed: .*already captured/);
      assert.deepEqual(
        { outcome: final.payment.outcome, refundedCents: final.payment.refundedCents },
        { outcome: 'REFUNDED', refundedCents: 4000 },
      );
      assert.deepEqual(
        world.payments.map((p) => p.op),
        ['AUTHORIZE', 'CAPTURE', 'REFUND'],
      );
      assert.equal(world.stock.get('lamp'), 3, 'the unit back in stock');
    });
  });

  it('a step that keeps failing past its bound fails the order: allocations, stock and money back', async () => {
    const world = newWorld();
    world.warehouseDown = true;
    addItem(world, 'rug', 9000, { 'wh-west': 2 });
    // A server of its own: skipping six minutes on the file's server would also wake the orders earlier
    // tests left behind, whose workers are gone.
    const own = await createTimeSkippingEnv();
    await registerOrderSearchAttributes(own);
    try {
      await withWorkers(
        world,
        async (start) => {
          const { orderId, handle } = await placeOrder(start, [{ itemId: 'rug', quantity: 1 }]);
          const [suborderId] = await suborderIds(handle, 1);
          assert.equal((await state(handle)).status, 'PENDING', 'still retrying within the bound');
          await own.sleep('6 minutes');
          const final = await settled(handle);
          assert.deepEqual(
            { orderId: final.orderId, status: final.status, failureReason: final.failureReason },
            {
              orderId,
              status: 'FAILED',
              failureReason:
                'notifyWarehouse failed: kept failing for 5 minutes (last error: connect ECONNREFUSED (simulated warehouse outage))',
            },
          );
          assert.deepEqual(
            world.payments.map((p) => p.op),
            ['AUTHORIZE', 'CAPTURE', 'REFUND'],
          );
          assert.equal(final.payment.refundedCents, 9000);
          assert.equal(world.stock.get('rug'), 2, 'the unit is for sale again');
          assert.equal(world.warehouseStock.get('rug')!.get('wh-west'), 2, 'and back in its warehouse');
          assert.equal(world.suborderStatuses.get(suborderId!), 'CANCELLED');
          assert.equal(world.orderStatuses.at(-1), 'FAILED');
        },
        own,
      );
    } finally {
      await own.teardown();
    }
  });
});
