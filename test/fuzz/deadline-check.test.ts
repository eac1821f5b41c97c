/**
 * The fuzzing run's last check finds what it is there to find: an order left RESERVED past its
 * deadline, the units it still holds, and an order workflow that never got anywhere. Private shards, so
 * the planted rows stay out of the suite's shared ones; a private task queue on the suite's Temporal.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createRepositories, type Repositories } from '../../db/repositories/index.js';
import type { ShardSet } from '../../db/shard-set.js';
import { checkDeadlines, type DeadlineReport } from '../../scripts/fuzz/deadline-check.js';
import type { ShardCluster } from '../../scripts/lib/shard-cluster.js';
import { ORDER_WORKFLOW_TYPE } from '../../workflows/definitions.js';
import { CURSOR_SECRET, createStockedItem, suiteShardSet, uniqueId } from '../db/fixtures.js';
import { newTemporalClient, startTestShards, testStack } from '../support/stack.js';

const GRACE_SECONDS = 1;
const TTL_SECONDS = 1;

describe('the fuzzing run’s deadline check', function () {
  this.timeout(60_000);
  let cluster: ShardCluster;
  let shardSet: ShardSet;
  let repos: Repositories;
  let client: Client;
  const taskQueue = `fuzz-deadline-${randomUUID().slice(0, 8)}`;

  before(async () => {
    cluster = await startTestShards(2, 'fuzz-deadlines');
    shardSet = suiteShardSet({ urls: cluster.urls });
    repos = createRepositories({ shardSet, cursorSecret: CURSOR_SECRET });
    client = await newTemporalClient();
  });
  after(async () => {
    await client?.connection.close();
    await shardSet?.close();
    await cluster?.stop();
  });

  const check = (): Promise<DeadlineReport> =>
    checkDeadlines({
      shardUrls: cluster.urls,
      temporalAddress: testStack().temporalAddress,
      orderTaskQueue: taskQueue,
      reservationTtlSeconds: TTL_SECONDS,
      graceSeconds: GRACE_SECONDS,
    });

  async function checkout(expiresAt: Date): Promise<{ orderId: string; customerId: string; itemId: string }> {
    const itemId = await createStockedItem(shardSet, { a: 5 });
    const orderId = uniqueId('ord');
    const customerId = uniqueId('cust');
    await repos.stock.reserve({ orderId, itemId, quantity: 2, expiresAt });
    await repos.orders.createCheckoutOrder({
      orderId,
      customerId,
      lines: [{ itemId, quantity: 2, priceCents: 1_000 }],
      expiresAt,
    });
    return { orderId, customerId, itemId };
  }

  it('reports an order left RESERVED past its deadline and its held units, and nothing else', async () => {
    const longAgo = new Date(Date.now() - 10 * 60_000);
    const stuck = await checkout(longAgo);
    const expired = await checkout(longAgo);
    await repos.orders.transitionOrder({ ...expired, to: 'EXPIRED' });
    await repos.stock.release({ orderId: expired.orderId, itemId: expired.itemId });
    await checkout(new Date(Date.now() + 10 * 60_000));

    const report = await check();

    assert.equal(report.ordersChecked, 3);
    assert.deepEqual(report.byStatus, { RESERVED: 2, EXPIRED: 1 });
    assert.deepEqual(
      report.stuckOrders.map((o) => [o.orderId, o.status]),
      [[stuck.orderId, 'RESERVED']],
    );
    assert.deepEqual(
      report.heldReservations.map((r) => [r.orderId, r.itemId, r.quantity]),
      [[stuck.orderId, stuck.itemId, 2]],
    );
    assert.deepEqual(report.stuckWorkflows, []);
  });

  it('reports an order workflow still running, with no placed status, past TTL + grace', async () => {
    // No worker polls this queue: the workflow stays running without ever publishing a status.
    const handle = await client.workflow.start(ORDER_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: `order-${uniqueId('fuzz')}`,
      args: [
        {
          orderId: 'x',
          customerId: 'c',
          reservationTtlSeconds: 1,
          publicBaseUrl: '',
          warehouseTaskQueue: '',
        },
      ],
    });
    try {
      const early = await check();
      assert.deepEqual(early.stuckWorkflows, [], 'a workflow younger than TTL + grace is not judged yet');

      let report = early;
      const deadline = Date.now() + 30_000;
      while (report.stuckWorkflows.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        report = await check();
      }
      assert.deepEqual(
        report.stuckWorkflows.map((w) => [w.workflowId, w.status]),
        [[handle.workflowId, '(none)']],
      );
    } finally {
      await handle.terminate('test over');
    }
  });
});
