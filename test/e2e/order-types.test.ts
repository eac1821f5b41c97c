/**
 * Every order workflow type on the real stack. Orders in flight when BEGIN switched type (the legacy
 * `orderWorkflow` to orderWorkflowV2, V2 to orderWorkflowV3) are paid, submitted, shipped, delivered and
 * cancelled through the same API; and what one placed order costs the Temporal server, per type, is
 * measured here.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { checkInvariants } from '../../db/invariants.js';
import {
  beginCheckoutUpdate,
  fulfillmentWorkflowId,
  LEGACY_ORDER_WORKFLOW_TYPE,
  ORDER_WORKFLOW_TYPE,
  ORDER_WORKFLOW_V2_TYPE,
  orderWorkflowId,
} from '../../workflows/definitions.js';
import type { BeginCheckoutResult } from '../../workflows/types.js';
import { ADDRESS, CARD_OK, newShopper, type Shopper } from '../api/support.js';
import { eventually, stockedItem } from '../support/catalog-fixture.js';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { testStack } from '../support/stack.js';

type Cart = { itemId: string; quantity: number }[];

describe('e2e: legacy, V2 and V3 orders side by side', function () {
  this.timeout(240_000);
  const live = usePlatform({ env: { RESERVATION_TTL_SECONDS: '120' }, operator: 'ops' });
  let temporal: Client;

  before(async () => {
    temporal = testStack().temporal.client;
  });

  /** BEGIN as the API did before a switch: update-with-start of an older type. */
  async function beginAs(type: string, shopper: Shopper, cart: Cart): Promise<string> {
    const orderId = `ord_${randomUUID().replaceAll('-', '')}`;
    const begun: BeginCheckoutResult = await temporal.workflow.executeUpdateWithStart(beginCheckoutUpdate, {
      args: [{ lines: cart }],
      startWorkflowOperation: new WithStartWorkflowOperation(type, {
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

  const beginLegacy = (shopper: Shopper, cart: Cart) => beginAs(LEGACY_ORDER_WORKFLOW_TYPE, shopper, cart);

  async function beginThroughApi(shopper: Shopper, cart: Cart): Promise<string> {
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

  /** What a workflow's history holds once it has stopped growing: events, workflow tasks, patch markers, upserts. */
  async function settledCost(workflowId: string) {
    let last = -1;
    for (;;) {
      const events = (await temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      if (events.length === last) {
        const count = (matches: (e: (typeof events)[number]) => unknown) => events.filter(matches).length;
        return {
          events: events.length,
          workflowTasks: count((e) => e.workflowTaskCompletedEventAttributes),
          patchMarkers: count((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch'),
          upserts: count((e) => e.upsertWorkflowSearchAttributesEventAttributes),
        };
      }
      last = events.length;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }

  /** An order of `type` begun as before the switch is paid, submitted, split, shipped and delivered through the API. */
  async function deliveredThroughApi(type: string): Promise<void> {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 3 }, 1200);
    const shopper = await newShopper();
    const orderId = await beginAs(type, shopper, [{ itemId, quantity: 2 }]);
    assert.equal(await workflowType(orderId), type);
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
  }

  it('a legacy order in flight is paid, submitted, split, shipped and delivered through the API', () =>
    deliveredThroughApi(LEGACY_ORDER_WORKFLOW_TYPE));

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

  it('a V2 order in flight is paid, submitted, split, shipped and delivered through the API', () =>
    deliveredThroughApi(ORDER_WORKFLOW_V2_TYPE));

  it('one placed order (BEGIN → payment → SUBMIT → split, warehouse notified) costs each type fewer events', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 10 }, 500);
    const cart = [{ itemId, quantity: 1 }];
    const [legacyShopper, v2Shopper, v3Shopper] = [
      await newShopper(),
      await newShopper(),
      await newShopper(),
    ];
    const begun = {
      legacy: await beginLegacy(legacyShopper, cart),
      v2: await beginAs(ORDER_WORKFLOW_V2_TYPE, v2Shopper, cart),
      v3: await beginThroughApi(v3Shopper, cart),
    };
    assert.equal(await workflowType(begun.v3), ORDER_WORKFLOW_TYPE);
    assert.equal(ORDER_WORKFLOW_TYPE, 'orderWorkflowV3');
    for (const [shopper, id] of [
      [legacyShopper, begun.legacy],
      [v2Shopper, begun.v2],
      [v3Shopper, begun.v3],
    ] as const) {
      await payAndSubmit(shopper, id);
      await eventually(
        () => order(shopper, id),
        (o) => o.suborders.length === 1,
      );
    }
    const [legacyOrder, legacyChild, v2, v3] = await Promise.all([
      settledCost(orderWorkflowId(begun.legacy)),
      settledCost(fulfillmentWorkflowId(begun.legacy)),
      settledCost(orderWorkflowId(begun.v2)),
      settledCost(orderWorkflowId(begun.v3)),
    ]);
    const legacy = {
      events: legacyOrder.events + legacyChild.events,
      workflowTasks: legacyOrder.workflowTasks + legacyChild.workflowTasks,
    };
    console.log(
      `      one placed order: legacy ${legacy.events} events / ${legacy.workflowTasks} workflow tasks ` +
        `(order ${legacyOrder.events}/${legacyOrder.workflowTasks}, child ${legacyChild.events}/${legacyChild.workflowTasks}); ` +
        `V2 ${v2.events} / ${v2.workflowTasks} (${v2.patchMarkers} patch markers, ${v2.upserts} upserts); ` +
        `V3 ${v3.events} / ${v3.workflowTasks} (${v3.patchMarkers}, ${v3.upserts})`,
    );
    assert.ok(v2.events <= 38, `V2 events: ${v2.events}`);
    assert.ok(v2.workflowTasks <= 4, `V2 workflow tasks: ${v2.workflowTasks}`);
    assert.ok(v2.events * 2 < legacy.events, 'V2 costs less than half the events');
    // V3 records no patch markers and no TemporalChangeVersion upserts. (How many workflow tasks, and so
    // events, an order takes varies a little with when its SUBMIT arrives.)
    assert.ok(v2.patchMarkers > 0, `V2 patch markers: ${v2.patchMarkers}`);
    assert.equal(v3.patchMarkers, 0);
    assert.ok(v3.upserts < v2.upserts, `V3 upserts ${v3.upserts}, V2 ${v2.upserts}`);
    assert.ok(v3.events <= 38, `V3 events: ${v3.events}`);
    assert.ok(v3.workflowTasks <= 4, `V3 workflow tasks: ${v3.workflowTasks}`);
  });
});
