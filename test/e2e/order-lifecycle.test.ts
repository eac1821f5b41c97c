/**
 * The order lifecycle on the real stack: real API, order worker and warehouse worker processes, PostgreSQL
 * shards, and Temporal in both topologies: the dev server `npm start` runs by default, and the cluster of
 * `TEMPORAL=cluster` (its own PostgreSQL, a process per service, two history hosts). Counters are read from the shards at every step and the
 * four invariants of db/invariants.ts are checked at the end.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { checkInvariants } from '../../db/invariants.js';
import { replayStoredHistories } from '../../scripts/lib/stored-histories.js';
import { ORDER_WORKFLOW_TYPE } from '../../workflows/definitions.js';
import { eventually, stockCounters, stockedItem } from '../support/catalog-fixture.js';
import { api, tokenFor } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { testRunDir } from '../support/run-dir.js';
import { testStack } from '../support/stack.js';
import { SUITE_HISTORY_SHARDS, useTemporalCluster } from '../support/temporal-cluster-suite.js';
import { bundleWorkflows } from '../support/workflow-bundles.js';

const CARD_OK = { cardNumber: '4242424242424242', expMonth: 12, expYear: 2040, cvc: '123' };
const CARD_DECLINED = { ...CARD_OK, cardNumber: '4000000000000002' };
const ADDRESS = {
  name: 'Ada Lovelace',
  line1: '1 Main St',
  city: 'Newark',
  postalCode: '07102',
  country: 'US',
};

/** Where the suite's Temporal runs: the dev server every suite shares, or a cluster of the suite's own. */
interface Topology {
  name: string;
  /** Registers the hooks that start it, if any; returns its frontend's address, read once it is up. */
  use(): () => string;
}

const TOPOLOGIES: Topology[] = [
  { name: 'the Temporal dev server', use: () => () => testStack().temporalAddress },
  {
    name: `a Temporal cluster (two history hosts, ${SUITE_HISTORY_SHARDS} history shards)`,
    use: () => {
      const suite = useTemporalCluster();
      return () => suite.address;
    },
  },
];

for (const topology of TOPOLOGIES) describeLifecycle(topology);

function describeLifecycle(topology: Topology): void {
  describe(`e2e: the order lifecycle on the real stack, on ${topology.name}`, function () {
    this.timeout(240_000);
    const temporalAddress = topology.use();
    const live = usePlatform({
      env: () => ({ RESERVATION_TTL_SECONDS: '60', TEMPORAL_ADDRESS: temporalAddress() }),
      operator: 'ops',
    });

    const shopper = async () => {
      const customerId = `c-${randomUUID()}`;
      return { customerId, token: await tokenFor(customerId) };
    };

    async function begin(token: string, cart: { itemId: string; quantity: number }[]) {
      const begun = await api(live.platform, 'POST', '/checkout?op=BEGIN', { token, body: { cart } });
      assert.equal(begun.status, 201, JSON.stringify(begun.body));
      return { orderId: begun.body.orderId as string, paymentPath: new URL(begun.body.paymentUrl).pathname };
    }

    async function pay(token: string, paymentPath: string, card = CARD_OK) {
      const paid = await api(live.platform, 'POST', paymentPath, {
        token,
        body: { paymentDetails: card, shippingAddress: ADDRESS },
      });
      assert.equal(paid.status, 202, JSON.stringify(paid.body));
    }

    async function beginAndPay(token: string, cart: { itemId: string; quantity: number }[], card = CARD_OK) {
      const { orderId, paymentPath } = await begin(token, cart);
      await pay(token, paymentPath, card);
      return orderId;
    }

    const order = async (token: string, orderId: string) =>
      (await api(live.platform, 'GET', `/orders/${orderId}`, { token })).body;

    it('reserve → pay → split → ship → deliver, with the counters right at every step', async () => {
      const itemId = await stockedItem(live.db.repos, { 'wh-east': 2, 'wh-west': 5 }, 1500);
      const { customerId, token } = await shopper();
      assert.deepEqual(await stockCounters(live.db.repos, itemId), {
        available: 7,
        warehouseAvailable: { 'wh-east': 2, 'wh-west': 5 },
        physical: { 'wh-east': 2, 'wh-west': 5 },
      });

      const { orderId, paymentPath } = await begin(token, [{ itemId, quantity: 3 }]);
      const afterBegin = await stockCounters(live.db.repos, itemId);
      assert.equal(afterBegin.available, 4, 'three units held by the reservation');
      assert.deepEqual(
        afterBegin.warehouseAvailable,
        { 'wh-east': 2, 'wh-west': 5 },
        'no warehouse touched yet',
      );
      await pay(token, paymentPath);

      const submitted = await api(live.platform, 'POST', '/checkout?op=SUBMIT', { token, body: { orderId } });
      assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
      assert.equal(submitted.body.status, 'PENDING');

      // Fewest shipments first: only wh-west can send all three units.
      const split = await eventually(
        () => order(token, orderId),
        (o) => o.suborders.length === 1,
      );
      assert.deepEqual(
        split.suborders.map((s: { warehouseId: string; status: string; lines: unknown }) => [
          s.warehouseId,
          s.status,
          s.lines,
        ]),
        [['wh-west', 'ALLOCATED', [{ itemId, quantity: 3 }]]],
      );
      const allocated = await stockCounters(live.db.repos, itemId);
      assert.equal(allocated.available, 4);
      assert.deepEqual(allocated.warehouseAvailable, { 'wh-east': 2, 'wh-west': 2 });
      assert.deepEqual(allocated.physical, { 'wh-east': 2, 'wh-west': 5 }, 'nothing left the building yet');

      const suborderId = split.suborders[0].suborderId as string;
      const shipped = await api(live.platform, 'POST', `/admin/suborders/${suborderId}/ship`, {
        token: live.operator,
      });
      assert.equal(shipped.status, 200, JSON.stringify(shipped.body));
      assert.equal(shipped.body.status, 'SHIPPED');
      assert.deepEqual((await stockCounters(live.db.repos, itemId)).physical, { 'wh-east': 2, 'wh-west': 2 });
      await eventually(
        () => order(token, orderId),
        (o) => o.status === 'SHIPPED',
      );

      const refusedCancel = await api(live.platform, 'POST', '/checkout?op=CANCEL', {
        token,
        body: { orderId },
      });
      assert.equal(refusedCancel.status, 409);
      assert.match(refusedCancel.body.detail, /already shipped/);

      const delivered = await api(live.platform, 'POST', `/admin/suborders/${suborderId}/deliver`, {
        token: live.operator,
      });
      assert.equal(delivered.status, 200);
      const final = await eventually(
        () => order(token, orderId),
        (o) => o.status === 'DELIVERED',
      );
      assert.equal(final.total, 4500);

      const ledger = await live.db.repos.payments.listForOrder(customerId, orderId);
      assert.deepEqual(ledger.map((e) => [e.operation, e.outcome, e.amountCents]).sort(), [
        ['AUTHORIZE', 'SUCCEEDED', 4500],
        ['CAPTURE', 'SUCCEEDED', 4500],
      ]);
      assert.deepEqual(await checkInvariants(live.db.shards, { itemIds: [itemId], orderIds: [orderId] }), []);
    });

    it('a declined card releases the stock and SUBMIT answers 402', async () => {
      const itemId = await stockedItem(live.db.repos, { 'wh-central': 4 });
      const { token } = await shopper();
      const orderId = await beginAndPay(token, [{ itemId, quantity: 2 }], CARD_DECLINED);
      const submitted = await api(live.platform, 'POST', '/checkout?op=SUBMIT', { token, body: { orderId } });
      assert.equal(submitted.status, 402, JSON.stringify(submitted.body));
      // The decline closed the order before SUBMIT came: the answer comes from the workflow's result.
      assert.deepEqual(submitted.body, { orderId, status: 'PAYMENT_FAILED', declineReason: 'card_declined' });
      assert.equal((await stockCounters(live.db.repos, itemId)).available, 4);
      assert.deepEqual(await checkInvariants(live.db.shards, { itemIds: [itemId], orderIds: [orderId] }), []);
    });

    it('cancel after payment: allocations released, payment refunded, stock back', async () => {
      const itemId = await stockedItem(live.db.repos, { 'wh-east': 1, 'wh-west': 1 }, 10000);
      const { customerId, token } = await shopper();
      const orderId = await beginAndPay(token, [{ itemId, quantity: 2 }]);
      assert.equal(
        (await api(live.platform, 'POST', '/checkout?op=SUBMIT', { token, body: { orderId } })).status,
        200,
      );
      await eventually(
        () => order(token, orderId),
        (o) => o.suborders.length === 2,
      );
      const cancelled = await api(live.platform, 'POST', '/checkout?op=CANCEL', { token, body: { orderId } });
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      assert.equal(cancelled.body.status, 'CANCELLED');
      assert.deepEqual(await stockCounters(live.db.repos, itemId), {
        available: 2,
        warehouseAvailable: { 'wh-east': 1, 'wh-west': 1 },
        physical: { 'wh-east': 1, 'wh-west': 1 },
      });
      const ledger = await live.db.repos.payments.listForOrder(customerId, orderId);
      assert.deepEqual(ledger.map((e) => e.operation).sort(), ['AUTHORIZE', 'CAPTURE', 'REFUND']);
      const view = await order(token, orderId);
      assert.deepEqual(
        view.suborders.map((s: { status: string }) => s.status),
        ['CANCELLED', 'CANCELLED'],
      );
      assert.deepEqual(await checkInvariants(live.db.shards, { itemIds: [itemId], orderIds: [orderId] }), []);
    });

    it('cancel through the real `temporal` CLI (signal `cancel`) releases the reservation', async () => {
      const itemId = await stockedItem(live.db.repos, { 'wh-central': 3 });
      const { token } = await shopper();
      const begun = await api(live.platform, 'POST', '/checkout?op=BEGIN', {
        token,
        body: { cart: [{ itemId, quantity: 3 }] },
      });
      assert.equal(begun.status, 201);
      assert.equal((await stockCounters(live.db.repos, itemId)).available, 0);
      const { stdout } = await promisify(execFile)(testStack().temporalCli, [
        'workflow',
        'signal',
        '--address',
        temporalAddress(),
        '--workflow-id',
        `order-${begun.body.orderId}`,
        '--name',
        'cancel',
      ]);
      assert.match(stdout, /Signal workflow succeeded/i);
      await eventually(
        () => order(token, begun.body.orderId),
        (o) => o.status === 'CANCELLED',
      );
      assert.equal((await stockCounters(live.db.repos, itemId)).available, 3);
    });

    it('flash sale: 100 concurrent checkouts for 20 units place exactly 20 orders; 80 are told what is short', async () => {
      const itemId = await stockedItem(live.db.repos, { 'wh-east': 8, 'wh-west': 12 }, 999);
      const shoppers = await Promise.all(Array.from({ length: 100 }, shopper));
      const results = await Promise.all(
        shoppers.map(({ token }) =>
          api(live.platform, 'POST', '/checkout?op=BEGIN', {
            token,
            body: { cart: [{ itemId, quantity: 1 }] },
          }),
        ),
      );
      const won = results.filter((r) => r.status === 201);
      const lost = results.filter((r) => r.status === 409);
      assert.equal(won.length, 20, `statuses: ${results.map((r) => r.status).join(',')}`);
      assert.equal(lost.length, 80);
      for (const r of lost) {
        assert.equal(r.body.type, '/problems/out-of-stock');
        assert.deepEqual(r.body.lines, [{ itemId, requested: 1, available: 0 }]);
      }
      assert.equal((await stockCounters(live.db.repos, itemId)).available, 0);

      // Every winner pays and is placed; nothing is oversold.
      const winners = shoppers.filter((_, i) => results[i]!.status === 201);
      const placed = await Promise.all(
        winners.map(async ({ token }, i) => {
          const orderId = won[i]!.body.orderId as string;
          const paid = await api(live.platform, 'POST', `/checkout/${orderId}/payment`, {
            token,
            body: { paymentDetails: CARD_OK, shippingAddress: ADDRESS },
          });
          assert.equal(paid.status, 202);
          return api(live.platform, 'POST', '/checkout?op=SUBMIT', { token, body: { orderId } });
        }),
      );
      assert.deepEqual(
        placed.map((p) => p.status),
        Array(20).fill(200),
      );
      const counters = await stockCounters(live.db.repos, itemId);
      assert.equal(counters.available, 0);
      assert.ok(Object.values(counters.warehouseAvailable).every((n) => n >= 0));
      const orderIds = won.map((r) => r.body.orderId as string);
      await eventually(
        async () => (await stockCounters(live.db.repos, itemId)).warehouseAvailable,
        (w) => (w['wh-east'] ?? 0) + (w['wh-west'] ?? 0) === 0,
        { timeoutMs: 60_000 },
      );
      assert.deepEqual(await checkInvariants(live.db.shards, { itemIds: [itemId], orderIds }), []);
    });

    it('every order it ran replays against today’s workflow code (the start-up check, closed orders too)', async () => {
      // Written here rather than through scripts/build-workflow-bundle.ts, whose top-level await would make
      // mocha load this file as a second copy of the suite's modules.
      const bundlePath = path.join(testRunDir(), `lifecycle-bundle-${process.hrtime.bigint()}.js`);
      fs.writeFileSync(bundlePath, (await bundleWorkflows()).code);
      const check = await replayStoredHistories({
        address: temporalAddress(),
        namespace: 'default',
        bundlePath,
        query: `WorkflowType="${ORDER_WORKFLOW_TYPE}" AND TaskQueue="${live.platform.env['ORDER_TASK_QUEUE']}"`,
      });
      assert.ok(check.checked >= 5, `only ${check.checked} histories found`);
      assert.deepEqual(check.stale, []);
    });
  });
}
