/**
 * Both order workflow types on the real stack. Orders of the legacy `orderWorkflow` that were in flight
 * when BEGIN switched to orderWorkflowV2 are paid, submitted, shipped, delivered and cancelled through
 * the same API; and what one placed order costs the Temporal server, per type, is measured here.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { checkInvariants } from '../../db/invariants.js';
import {
  beginCheckoutUpdate,
  fulfillmentWorkflowId,
  LEGACY_ORDER_WORKFLOW_TYPE,
  orderWorkflowId,
} from '../../workflows/definitions.js';
import type { BeginCheckoutResult } from '../../workflows/types.js';
import { ADDRESS, CARD_OK, newShopper, type Shopper } from '../api/support.js';
import { eventually, stockedItem } from '../support/catalog-fixture.js';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { testStack } from '../support/stack.js';

type Cart = { itemId: string; quantity: number }[];

describe('e2e: legacy and V2 orders side by side', function () {
  this.timeout(240_000);
  const live = usePlatform({ env: { RESERVATION_TTL_SECONDS: '120' }, operator: 'ops' });
  let temporal: Client;

  before(async () => {
    temporal = testStack().temporal.client;
  });

  /** BEGIN as the API did before the switch: update-with-start of the legacy type. */
  async function beginLegacy(shopper: Shopper, cart: Cart): Promise<string> {
    const orderId = `ord_${randomUUID().replaceAll('-', '')}`;
    const begun: BeginCheckoutResult = await temporal.workflow.executeUpdateWithStart(beginCheckoutUpdate, {
      args: [{ lines: cart }],
      startWorkflowOperation: new WithStartWorkflowOperation(LEGACY_ORDER_WORKFLOW_TYPE, {
        workflowId: orderWorkflowId(orderId),
        taskQueue: live.platform.env['ORDER_TASK_QUEUE']!,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [
          {
            orderId,
            customerId: shopper.customerId,
            reservationTtlSeconds: 120,
            publicBaseUrl: live.platform.baseUrl,
            warehouseTaskQueue: live.platform.env['WAREHOUSE_TASK_QUEUE']!,
          },
        ],
      }),
    });
    assert.equal(begun.ok, true, JSON.stringify(begun));
    return orderId;
  }

  async function beginV2(shopper: Shopper, cart: Cart): Promise<string> {
    const res = await api(live.platform, 'POST', '/checkout?op=BEGIN', {
      token: shopper.token,
      body: { cart },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.orderId;
  }

  /** Payment details and SUBMIT through the API; the order is PENDING. */
  async function payAndSubmit(shopper: Shopper, orderId: string): Promise<void> {
    const paid = await api(live.platform, 'POST', `/checkout/${orderId}/payment`, {
      token: shopper.token,
      body: { paymentDetails: CARD_OK, shippingAddress: ADDRESS },
    });
    assert.equal(paid.status, 202, JSON.stringify(paid.body));
    const submitted = await api(live.platform, 'POST', '/checkout?op=SUBMIT', {
      token: shopper.token,
      body: { orderId },
    });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.equal(submitted.body.status, 'PENDING');
  }

  const order = async (shopper: Shopper, orderId: string) =>
    (await api(live.platform, 'GET', `/orders/${orderId}`, { token: shopper.token })).body;

  const workflowType = async (orderId: string) =>
    (await temporal.workflow.getHandle(orderWorkflowId(orderId)).describe()).type;

  /** Events and completed workflow tasks of a workflow, once its history has stopped growing. */
  async function settledCost(workflowId: string): Promise<{ events: number; workflowTasks: number }> {
    let last = -1;
    for (;;) {
      const events = (await temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      if (events.length === last) {
        const workflowTasks = events.filter((e) => e.workflowTaskCompletedEventAttributes).length;
        return { events: events.length, workflowTasks };
      }
      last = events.length;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }

  it('a legacy order in flight is paid, submitted, split, shipped and delivered through the API', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 3 }, 1200);
    const shopper = await newShopper();
    const orderId = await beginLegacy(shopper, [{ itemId, quantity: 2 }]);
    assert.equal(await workflowType(orderId), 'orderWorkflow');
    await payAndSubmit(shopper, orderId);
    const split = await eventually(
      () => order(shopper, orderId),
      (o) => o.suborders.length === 1,
    );
    const suborderId = split.suborders[0].suborderId as string;
    for (const action of ['ship', 'deliver']) {
      const res = await api(live.platform, 'POST', `/admin/suborders/${suborderId}/${action}`, {
        token: live.operator,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    await eventually(
      () => order(shopper, orderId),
      (o) => o.status === 'DELIVERED',
    );
    assert.deepEqual(await checkInvariants(live.db.shards, { itemIds: [itemId], orderIds: [orderId] }), []);
  });

  it('a legacy order in flight is cancelled through the API: refunded, restocked', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 1, 'wh-west': 1 }, 800);
    const shopper = await newShopper();
    const orderId = await beginLegacy(shopper, [{ itemId, quantity: 2 }]);
    await payAndSubmit(shopper, orderId);
    await eventually(
      () => order(shopper, orderId),
      (o) => o.suborders.length === 2,
    );
    const cancelled = await api(live.platform, 'POST', '/checkout?op=CANCEL', {
      token: shopper.token,
      body: { orderId },
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.status, 'CANCELLED');
    const ledger = await live.db.repos.payments.listForOrder(shopper.customerId, orderId);
    assert.deepEqual(ledger.map((e) => e.operation).sort(), ['AUTHORIZE', 'CAPTURE', 'REFUND']);
    assert.deepEqual(await checkInvariants(live.db.shards, { itemIds: [itemId], orderIds: [orderId] }), []);
  });

  it('one placed order (BEGIN → payment → SUBMIT → split, warehouse notified) costs V2 far fewer events', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 10 }, 500);
    const cart = [{ itemId, quantity: 1 }];
    const legacyShopper = await newShopper();
    const legacyId = await beginLegacy(legacyShopper, cart);
    await payAndSubmit(legacyShopper, legacyId);
    const v2Shopper = await newShopper();
    const v2Id = await beginV2(v2Shopper, cart);
    assert.equal(await workflowType(v2Id), 'orderWorkflowV2');
    await payAndSubmit(v2Shopper, v2Id);
    for (const [shopper, id] of [
      [legacyShopper, legacyId],
      [v2Shopper, v2Id],
    ] as const) {
      await eventually(
        () => order(shopper, id),
        (o) => o.suborders.length === 1,
      );
    }
    const [legacyOrder, legacyChild, v2] = await Promise.all([
      settledCost(orderWorkflowId(legacyId)),
      settledCost(fulfillmentWorkflowId(legacyId)),
      settledCost(orderWorkflowId(v2Id)),
    ]);
    const legacy = {
      events: legacyOrder.events + legacyChild.events,
      workflowTasks: legacyOrder.workflowTasks + legacyChild.workflowTasks,
    };
    console.log(
      `      one placed order: legacy ${legacy.events} events / ${legacy.workflowTasks} workflow tasks ` +
        `(order ${legacyOrder.events}/${legacyOrder.workflowTasks}, child ${legacyChild.events}/${legacyChild.workflowTasks}); ` +
        `V2 ${v2.events} events / ${v2.workflowTasks} workflow tasks`,
    );
    assert.ok(v2.events <= 38, `V2 events: ${v2.events}`);
    assert.ok(v2.workflowTasks <= 4, `V2 workflow tasks: ${v2.workflowTasks}`);
    assert.ok(v2.events * 2 < legacy.events, 'V2 costs less than half the events');
  });
});
