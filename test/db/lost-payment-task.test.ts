/**
 * A workflow task that took the shopper's payment and ran the steps after it as local activities (PAYING,
 * authorized, PENDING with the holds committed, captured, units allocated and suborders recorded) is lost
 * before the server persists it: the update's acceptance goes with it, and the order waits for payment
 * again while the shards and the gateway keep every effect. The real workflow and activities on the
 * suite's dev server and shards; the lost task's effects are made by calling the same activities directly,
 * while no worker runs.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createOrderWorkerActivities, createWarehouseWorkerActivities } from '../../activities/wiring.js';
import { checkInvariants } from '../../db/invariants.js';
import { createRepositories } from '../../db/repositories/index.js';
import type { ShardSet } from '../../db/shard-set.js';
import type { PaymentGateway } from '../../payment-gateway/gateway.js';
import { createSimulatedGateway, TEST_CARDS } from '../../payment-gateway/simulator.js';
import { activityFailureInterceptor } from '../../workers/activity-failures.js';
import {
  beginCheckoutUpdate,
  cancelSignal,
  ORDER_WORKFLOW_TYPE,
  orderStateQuery,
  orderWorkflowId,
  providePaymentUpdate,
  submitOrderUpdate,
} from '../../workflows/definitions.js';
import type { orderWorkflowV3 } from '../../workflows/order/order-workflow.js';
import { testStack } from '../support/stack.js';
import { bundleWorkflows } from '../support/workflow-bundles.js';
import { CURSOR_SECRET, createStockedItem, suiteShardSet, uniqueId } from './fixtures.js';

const ADDRESS = { name: 'Ada', line1: '1 Main St', city: 'Newark', postalCode: '07102', country: 'US' };
const UNITS = 5;
const QUANTITY = 2;

type Handle = WorkflowHandle<typeof orderWorkflowV3>;

interface BegunOrder {
  orderId: string;
  customerId: string;
  itemId: string;
  totalCents: number;
  handle: Handle;
}

describe('an unpaid order whose lost workflow task took the payment (real workflow, shards, dev server)', function () {
  this.timeout(120_000);
  let shardSet: ShardSet;
  let repos: ReturnType<typeof createRepositories>;
  let gateway: PaymentGateway;
  let activities: ReturnType<typeof createOrderWorkerActivities>;
  let bundle: WorkflowBundleWithSourceMap;
  const orderQueue = `orders-lost-${randomUUID().slice(0, 8)}`;
  const warehouseQueue = `${orderQueue}-warehouse`;

  before(async function () {
    this.timeout(300_000);
    shardSet = suiteShardSet();
    repos = createRepositories({ shardSet, cursorSecret: CURSOR_SECRET });
    gateway = createSimulatedGateway({
      ledger: repos.payments,
      tokenSecret: 'lost-task-test-secret',
      latencyMs: 0,
      failureRate: 0,
    });
    activities = createOrderWorkerActivities(repos, gateway);
    bundle = await bundleWorkflows();
  });
  after(() => shardSet?.close());

  /** Runs `body` while an order worker and a warehouse worker, as the real ones are built, poll. */
  async function withWorkers<T>(body: () => Promise<T>): Promise<T> {
    const { nativeConnection } = testStack().temporal;
    const orderWorker = await Worker.create({
      connection: nativeConnection,
      taskQueue: orderQueue,
      workflowBundle: bundle,
      activities,
      interceptors: { activity: [activityFailureInterceptor] },
    });
    const warehouseWorker = await Worker.create({
      connection: nativeConnection,
      taskQueue: warehouseQueue,
      activities: createWarehouseWorkerActivities(repos),
    });
    return warehouseWorker.runUntil(orderWorker.runUntil(body()));
  }

  /** An order of QUANTITY units, RESERVED; no worker runs once this returns. */
  async function begunOrder(reservationTtlSeconds: number): Promise<BegunOrder> {
    const itemId = await createStockedItem(shardSet, { a: UNITS });
    const orderId = uniqueId('ord');
    const customerId = uniqueId('c');
    const handle = await testStack().temporal.client.workflow.start<typeof orderWorkflowV3>(
      ORDER_WORKFLOW_TYPE,
      {
        workflowId: orderWorkflowId(orderId),
        taskQueue: orderQueue,
        args: [
          {
            orderId,
            customerId,
            reservationTtlSeconds,
            publicBaseUrl: 'http://shop.test',
            warehouseTaskQueue: warehouseQueue,
          },
        ],
      },
    );
    const { totalCents } = await withWorkers(async () => {
      const begun = await handle.executeUpdate(beginCheckoutUpdate, {
        args: [{ lines: [{ itemId, quantity: QUANTITY }] }],
      });
      assert.equal(begun.ok, true);
      return handle.query(orderStateQuery);
    });
    return { orderId, customerId, itemId, totalCents, handle };
  }

  const tokenFor = async (customerId: string) =>
    (
      await gateway.tokenize({
        customerId,
        card: {
          cardNumber: TEST_CARDS.approve,
          expMonth: 12,
          expYear: new Date().getFullYear() + 2,
          cvc: '123',
        },
      })
    ).paymentToken;

  /**
   * What the lost task did, step by step as the workflow runs them, up to `until`: authorized (the card
   * held, the row PAYING) or allocated (PENDING, captured, the units in a warehouse, the suborder recorded).
   */
  async function loseTaskThatTookPayment(order: BegunOrder, until: 'authorized' | 'allocated') {
    const key = { orderId: order.orderId, customerId: order.customerId };
    const { orderId, itemId, totalCents } = order;
    await activities.startPaying({ ...key, shippingAddress: ADDRESS });
    const paymentToken = await tokenFor(order.customerId);
    const authorized = await activities.authorizeCharge({ ...key, amountCents: totalCents, paymentToken });
    assert.ok(authorized.ok);
    if (until === 'authorized') return;
    await activities.confirmOrder({ ...key, itemIds: [itemId] });
    const { authorizationId } = authorized;
    await activities.capturePayment({ ...key, authorizationId, amountCents: totalCents });
    await activities.loadSplitInputs([itemId], orderId);
    const allocated = await activities.allocateSuborders({
      ...key,
      items: [{ itemId, parts: [{ warehouseId: 'wh-test-a', quantity: QUANTITY }] }],
      suborders: [{ warehouseId: 'wh-test-a', lines: [{ itemId, quantity: QUANTITY }] }],
    });
    assert.equal(allocated.ok, true);
    assert.equal((await repos.orders.getOrder(key.customerId, orderId))?.status, 'PENDING');
  }

  /** The workflow's end, awaited while the workers run: it must complete, not fail. */
  async function settled(handle: Handle) {
    const result = await withWorkers(() => handle.result());
    assert.equal((await handle.describe()).status.name, 'COMPLETED');
    return result;
  }

  /** Nothing the order took is kept: units, allocations, suborders, money; every invariant holds. */
  async function assertNothingKept(order: BegunOrder) {
    const { orderId, customerId, itemId } = order;
    assert.equal((await repos.stock.getStock(itemId))?.available, UNITS, 'every unit back in stock');
    const allocations = await repos.warehouseStock.listAllocations(orderId, itemId);
    assert.deepEqual(
      allocations.filter((a) => a.status === 'ALLOCATED' && a.quantity > 0),
      [],
      'no live allocation',
    );
    const suborders = await repos.suborders.listSuborders(customerId, orderId);
    assert.ok(
      suborders.every((s) => s.status === 'CANCELLED'),
      'every suborder cancelled',
    );
    const ledger = await repos.payments.listForOrder(customerId, orderId);
    const sum = (operation: string) =>
      ledger
        .filter((e) => e.operation === operation && e.outcome === 'SUCCEEDED')
        .reduce((total, e) => total + e.amountCents, 0);
    assert.equal(sum('CAPTURE') - sum('REFUND'), 0, 'nothing captured that is not refunded');
    if (sum('CAPTURE') === 0) assert.ok(sum('VOID') > 0, 'the authorization voided');
    assert.deepEqual(await checkInvariants(shardSet, { itemIds: [itemId], orderIds: [orderId] }), []);
  }

  it('expires: the lost task’s capture refunded, its allocation and holds given back, the row EXPIRED', async () => {
    const order = await begunOrder(3);
    await loseTaskThatTookPayment(order, 'allocated');
    const final = await settled(order.handle);
    assert.equal(final.status, 'EXPIRED');
    assert.equal((await repos.orders.getOrder(order.customerId, order.orderId))?.status, 'EXPIRED');
    const suborders = await repos.suborders.listSuborders(order.customerId, order.orderId);
    assert.equal(suborders.length, 1, 'the lost task’s suborder is there, cancelled');
    await assertNothingKept(order);
  });

  it('is cancelled before any payment is recorded: the lost task’s authorization voided, the row CANCELLED', async () => {
    const order = await begunOrder(300);
    await loseTaskThatTookPayment(order, 'authorized');
    await order.handle.signal(cancelSignal, { reason: 'changed my mind' });
    const final = await settled(order.handle);
    assert.equal(final.status, 'CANCELLED');
    assert.equal((await repos.orders.getOrder(order.customerId, order.orderId))?.status, 'CANCELLED');
    await assertNothingKept(order);
  });

  it('the shopper pays again in time: every step finds its effect done, the order is placed once', async () => {
    const order = await begunOrder(300);
    await loseTaskThatTookPayment(order, 'allocated');
    const { handle, orderId, customerId, itemId } = order;
    const placed = await withWorkers(async () => {
      await handle.executeUpdate(providePaymentUpdate, {
        args: [{ paymentToken: await tokenFor(customerId), shippingAddress: ADDRESS }],
      });
      return handle.executeUpdate(submitOrderUpdate);
    });
    assert.equal(placed.status, 'PENDING');
    const suborders = await repos.suborders.listSuborders(customerId, orderId);
    assert.deepEqual(
      suborders.map((s) => [s.warehouseId, s.status]),
      [['wh-test-a', 'ALLOCATED']],
    );
    assert.equal((await repos.stock.getStock(itemId))?.available, UNITS - QUANTITY);
    const ledger = await repos.payments.listForOrder(customerId, orderId);
    assert.deepEqual(ledger.map((e) => e.operation).sort(), ['AUTHORIZE', 'CAPTURE']);
    assert.deepEqual(await checkInvariants(shardSet, { itemIds: [itemId], orderIds: [orderId] }), []);
    await handle.terminate('test over');
  });
});
