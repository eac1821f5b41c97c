/**
 * Every worker serves Prometheus metrics: the Temporal SDK's own and the platform's (reservations, step
 * latency by shard, payment gateway calls, orders by final and by open status); the API reports each
 * shard's writable primary. Checked on the real processes after real orders.
 */
import assert from 'node:assert/strict';
import { APPEAR_ONLY_AFTER_FAILURE, referencedMetricNames } from '../../ops/metric-references.js';
import { waitForPollers } from '../../scripts/lib/platform-processes.js';
import { stockedItem } from '../support/catalog-fixture.js';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { parsePrometheusText, type Sample, scrape, total } from '../support/prometheus-text.js';
import { testStack } from '../support/stack.js';
import { begin, CARD_DECLINED, newShopper, pay, placeOrder } from './support.js';

const OPEN_ORDERS_REFRESH_MS = 15_000;

describe('workers: Prometheus metrics', function () {
  this.timeout(180_000);
  const live = usePlatform({ env: { RESERVATION_TTL_SECONDS: '120' } });
  const workerUrl = (name: 'ORDER' | 'WAREHOUSE') =>
    `http://127.0.0.1:${live.platform.env[`${name}_WORKER_METRICS_PORT`]}/metrics`;

  // The platform is ready when its API is; the workers may still be starting, their endpoints not yet bound.
  before(async () => {
    const { env } = live.platform;
    await waitForPollers(testStack().temporalAddress, 'default', [
      { taskQueue: env['ORDER_TASK_QUEUE']!, kinds: ['workflow', 'activity'] },
      { taskQueue: env['WAREHOUSE_TASK_QUEUE']!, kinds: ['activity'] },
    ]);
  });

  async function until(what: string, scrapeIt: () => Promise<Sample[]>, holds: (s: Sample[]) => boolean) {
    const deadline = Date.now() + OPEN_ORDERS_REFRESH_MS + 10_000;
    for (;;) {
      const samples = await scrapeIt();
      if (holds(samples)) return samples;
      if (Date.now() > deadline) assert.fail(`${what} never held`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  it('count reservations, steps by shard, gateway calls and orders by status', async () => {
    const before = await scrape(workerUrl('ORDER'));
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 5 });
    const placed = await newShopper();
    await placeOrder(live.platform, placed, [{ itemId, quantity: 1 }]);
    const declined = await newShopper();
    // A checkout's first step holds the item on its shard and records the order on the customer's.
    const beganOn = (customerId: string) => {
      const shards = new Set([live.db.shards.forItem(itemId).id, live.db.shards.forCustomer(customerId).id]);
      return shards.size === 1 ? [...shards][0]! : 'several';
    };
    const refused = await begin(live.platform, declined, [{ itemId, quantity: 1 }]);
    await pay(live.platform, declined, refused.paymentUrl, CARD_DECLINED);
    const submitted = await api(live.platform, 'POST', '/checkout?op=SUBMIT', {
      token: declined.token,
      body: { orderId: refused.orderId },
    });
    assert.equal(submitted.status, 402);

    const after = await scrape(workerUrl('ORDER'));
    const delta = (name: string, labels: Record<string, string> = {}) =>
      total(after, name, labels) - total(before, name, labels);
    assert.equal(delta('order_reservations_total', { outcome: 'reserved' }), 2);
    assert.equal(delta('payment_gateway_calls_total', { operation: 'authorize', outcome: 'ok' }), 1);
    assert.equal(delta('payment_gateway_calls_total', { operation: 'authorize', outcome: 'declined' }), 1);
    assert.equal(delta('orders_finished_total', { status: 'PAYMENT_FAILED' }), 1);
    assert.equal(total(after, 'payment_gateway_breaker_state'), 0, 'the gateway breaker is closed');
    const expectedShards = [beganOn(placed.customerId), beganOn(declined.customerId)];
    for (const shard of new Set(expectedShards)) {
      assert.equal(
        delta('order_step_duration_seconds_count', { step: 'beginOrder', shard }),
        expectedShards.filter((s) => s === shard).length,
        `checkouts begun on ${shard}`,
      );
    }
    assert.ok(delta('temporal_workflow_task_execution_latency_count') > 0, 'the SDK times workflow tasks');
    assert.ok(total(after, 'temporal_worker_task_slots_available', { worker_type: 'WorkflowWorker' }) > 0);

    // The placed order waits for its shipment: open and PENDING in Temporal's visibility.
    await until(
      'orders_open{status="PENDING"} ≥ 1',
      () => scrape(workerUrl('ORDER')),
      (s) => total(s, 'orders_open', { status: 'PENDING' }) >= 1,
    );
    const open = await scrape(workerUrl('ORDER'));
    assert.equal(total(open, 'orders_paying_overdue'), 0);

    // The warehouse was told of the shipment by its own worker.
    const warehouse = await until(
      'the warehouse worker ran an activity',
      () => scrape(workerUrl('WAREHOUSE')),
      (s) => total(s, 'temporal_activity_execution_latency_count') > 0,
    );
    assert.ok(total(warehouse, 'order_step_duration_seconds_count') > 0);
  });

  it('the API reports a writable primary for every shard', async () => {
    const samples = (await api(live.platform, 'GET', '/metrics')).body as string;
    const shards = live.db.shards.shards.map((s) => s.id);
    for (const shard of shards)
      assert.match(samples, new RegExp(`^shard_writable_primary\\{shard="${shard}"\\} 1$`, 'm'));
  });

  // After the orders above: a renamed metric breaks this test, not an operator's dashboard or alert.
  it('exposes every metric a dashboard panel or an alert rule names', async () => {
    const apiText = (await api(live.platform, 'GET', '/metrics')).body as string;
    const exposed = new Set(
      [
        ...parsePrometheusText(apiText),
        ...(await scrape(workerUrl('ORDER'))),
        ...(await scrape(workerUrl('WAREHOUSE'))),
      ].map((s) => s.name),
    );
    const referenced = referencedMetricNames();
    assert.ok(referenced.size > 20, `only ${referenced.size} names found in ops/`);
    const missing = [...referenced].filter(
      (name) => !exposed.has(name) && !APPEAR_ONLY_AFTER_FAILURE.includes(name),
    );
    assert.deepEqual(missing, [], `named in ops/ but exposed by no process: ${missing.join(', ')}`);
  });
});
