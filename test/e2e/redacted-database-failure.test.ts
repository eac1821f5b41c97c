/**
 * A status write the database refuses, on the real platform: an order handed a shipping address with a
 * NUL (straight to the workflow, past the API's own check) makes the order worker's PAYING write fail
 * on its shard. The failure recorded in the history is non-retryable and the worker's log line says
 * what failed — and neither carries the address or the payment token the statement was sent with. The
 * order then ends FAILED with that reason, its unit for sale again, shown by the API and counted in
 * `/metrics`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { FAILURE } from '../../domain/failure-types.js';
import { orderWorkflowId, providePaymentUpdate } from '../../workflows/definitions.js';
import type { orderWorkflowV3 } from '../../workflows/order/order-workflow.js';
import { begin, newShopper } from '../api/support.js';
import { stockedItem } from '../support/catalog-fixture.js';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { newTemporalClient } from '../support/stack.js';

const PAYMENT_TOKEN = `tok_${randomUUID()}`;
const ADDRESS = {
  name: 'Ada\u0000Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};
const PERSONAL = ['Lovelace', 'St James', 'SW1Y', PAYMENT_TOKEN];
/** The step that writes PAYING with the address: a local activity today, a regular one in legacy orders. */
const PAYING_WRITES = ['startPaying', 'setOrderStatus'];
const REASON = /^startPaying failed: database call failed \(permanent\), code 22[0-9A-Z]{3}/;

describe('a status write the database refuses, on the real platform', function () {
  this.timeout(120_000);
  const live = usePlatform();
  let client: Client;

  before(async () => {
    client = await newTemporalClient();
  });
  after(async () => {
    await client?.connection.close();
  });

  it('is a non-retryable failure, logged and recorded without the address or the token', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 2 });
    const shopper = await newShopper();
    const { orderId } = await begin(live.platform, shopper, [{ itemId, quantity: 1 }]);
    const handle = client.workflow.getHandle(orderWorkflowId(orderId));
    try {
      await handle.executeUpdate(providePaymentUpdate, {
        args: [{ paymentToken: PAYMENT_TOKEN, shippingAddress: ADDRESS }],
      });

      let failed: { failure: object; type?: string | null; nonRetryable?: boolean | null } | undefined;
      for (let i = 0; i < 150 && !failed; i++) {
        const events = (await handle.fetchHistory()).events ?? [];
        // A regular activity's failure is an ActivityTaskFailed event; a local activity's, its marker's.
        const failure = events
          .map(
            (e) => e.activityTaskFailedEventAttributes?.failure ?? e.markerRecordedEventAttributes?.failure,
          )
          .find((f) => f?.applicationFailureInfo?.type === FAILURE.databaseRejected);
        if (failure) {
          failed = {
            failure,
            type: failure.applicationFailureInfo?.type,
            nonRetryable: failure.applicationFailureInfo?.nonRetryable,
          };
        } else {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      assert.ok(failed, 'the PAYING write failed as an activity failure');
      assert.equal(failed.type, FAILURE.databaseRejected);
      assert.equal(failed.nonRetryable, true, 'failed for good, not retried');
      const recorded = JSON.stringify(failed.failure);
      assert.match(recorded, /code 22[0-9A-Z]{3}/);
      for (const secret of PERSONAL) assert.ok(!recorded.includes(secret), `history failure has "${secret}"`);
      assert.doesNotMatch(recorded, /Failed query|params:/);

      // Every worker line is one JSON object, the SDK's own included.
      const entries = live.platform.output
        .filter((l) => l.startsWith('[order-worker] {'))
        .map((l) => JSON.parse(l.slice('[order-worker] '.length)) as Record<string, unknown>);
      const entry = entries.find(
        (e) => e['message'] === 'Activity failed' && PAYING_WRITES.includes(String(e['activityType'])),
      );
      assert.ok(entry, `the worker logs the failure: ${JSON.stringify(entries.slice(-5))}`);
      assert.equal(entry['service'], 'order-worker');
      assert.equal(entry['level'], 'warn');
      const error = entry['error'] as { name: string; message: string; type: string; nonRetryable: boolean };
      assert.equal(error.name, 'ApplicationFailure');
      assert.match(error.message, /^database call failed \(permanent\), code 22[0-9A-Z]{3}/);
      assert.equal(error.type, FAILURE.databaseRejected);
      assert.equal(error.nonRetryable, true);
      const all = live.platform.output.join('\n');
      for (const secret of PERSONAL) assert.ok(!all.includes(secret), `a log line has "${secret}"`);
      assert.doesNotMatch(all, /Failed query|params:/);
    } finally {
      await handle.terminate('test done').catch(() => undefined);
    }
  });

  async function failedOrdersMetric(): Promise<number> {
    const text = (await api(live.platform, 'GET', '/metrics')).body as string;
    const line = text.split('\n').find((l) => l.startsWith('orders_failed '));
    assert.ok(line, 'orders_failed is exposed');
    return Number(line.split(' ')[1]);
  }

  it('ends FAILED with the reason, gives the unit back, and is shown and counted', async () => {
    const failedBefore = await failedOrdersMetric();
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 2 });
    const shopper = await newShopper();
    const { orderId } = await begin(live.platform, shopper, [{ itemId, quantity: 1 }]);
    assert.equal((await live.db.repos.stock.getStock(itemId))?.available, 1);

    const handle = client.workflow.getHandle<typeof orderWorkflowV3>(orderWorkflowId(orderId));
    await handle.executeUpdate(providePaymentUpdate, {
      args: [{ paymentToken: `tok_${randomUUID()}`, shippingAddress: ADDRESS }],
    });
    const final = await handle.result();
    assert.equal(final.status, 'FAILED');
    assert.match(final.failureReason ?? '', REASON);
    assert.doesNotMatch(final.failureReason ?? '', /Lovelace|St James|SW1Y/);

    assert.equal((await live.db.repos.stock.getStock(itemId))?.available, 2, 'the unit is for sale again');
    const row = await live.db.repos.orders.getOrder(shopper.customerId, orderId);
    assert.equal(row?.status, 'FAILED');
    assert.equal(row?.failureReason, final.failureReason);

    const shown = await api(live.platform, 'GET', `/orders/${orderId}`, { token: shopper.token });
    assert.equal(shown.status, 200);
    assert.deepEqual(
      { status: shown.body.status, failureReason: shown.body.failureReason },
      { status: 'FAILED', failureReason: final.failureReason },
    );

    const submitted = await api(live.platform, 'POST', '/checkout?op=SUBMIT', {
      token: shopper.token,
      body: { orderId },
    });
    assert.equal(submitted.status, 409);
    assert.deepEqual(submitted.body, { orderId, status: 'FAILED', failureReason: final.failureReason });

    assert.equal(await failedOrdersMetric(), failedBefore + 1);
  });
});
