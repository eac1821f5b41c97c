import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRepositories, type Repositories } from '../../db/repositories/index.js';
import type { ShardSet } from '../../db/shard-set.js';
import { PROJECT_ROOT } from '../../scripts/lib/project-paths.js';
import type { ShardCluster } from '../../scripts/lib/shard-cluster.js';
import { orderWorkflowId } from '../../workflows/definitions.js';
import { startTestShards, testStack } from '../support/stack.js';
import { CURSOR_SECRET, createStockedItem, suiteShardSet, uniqueId } from './fixtures.js';

const run = promisify(execFile);

interface CliOutcome {
  code: number;
  stdout: string;
}

/** `npm run verify` as an operator runs it: its own process, the shards from SHARD_URLS. */
describe('npm run verify', function () {
  this.timeout(120_000);
  let cluster: ShardCluster;
  let shardSet: ShardSet;
  let repos: Repositories;

  async function verify(shardUrls: readonly string[], ...args: string[]): Promise<CliOutcome> {
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', ...args], {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          SHARD_URLS: shardUrls.join(','),
          TEMPORAL_ADDRESS: testStack().temporalAddress,
        },
      });
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      if (typeof failed.code !== 'number') throw error;
      return { code: failed.code, stdout: `${failed.stdout}${failed.stderr}` };
    }
  }

  /** The summary row of one invariant: [rows examined, violations]. */
  function summaryRow(stdout: string, invariant: number): [number, number] {
    const row = stdout.split('\n').find((line) => line.startsWith(`${invariant}  `));
    const match = row?.match(/(\d+)\s+(\d+)\s*$/);
    assert.ok(match, `no summary row for invariant ${invariant} in:\n${stdout}`);
    return [Number(match[1]), Number(match[2])];
  }

  // Private, empty shards: the rows each check examines are exactly the ones made here.
  let itemIds: string[];
  let order: { customerId: string; orderId: string };

  before(async () => {
    cluster = await startTestShards(2, 'verify-cli');
    shardSet = suiteShardSet({ urls: cluster.urls });
    repos = createRepositories({ shardSet, cursorSecret: CURSOR_SECRET });
    itemIds = [
      await createStockedItem(shardSet, { a: 5, b: 5 }),
      await createStockedItem(shardSet, { a: 3 }),
      await createStockedItem(shardSet, { b: 7 }),
    ];
    const customerId = uniqueId('cust');
    const orderId = uniqueId('ord');
    const created = await repos.orders.createCheckoutOrder({
      orderId,
      customerId,
      lines: [{ itemId: itemIds[0]!, quantity: 2, priceCents: 1_000 }],
      expiresAt: null,
    });
    await repos.orders.transitionOrder({ customerId, orderId, to: 'PAYING' });
    const charge = { customerId, orderId, amountCents: created.totalCents, outcome: 'SUCCEEDED' } as const;
    await repos.payments.recordOnce(`${orderId}:auth`, { ...charge, operation: 'AUTHORIZE' });
    await repos.orders.transitionOrder({ customerId, orderId, to: 'PENDING' });
    await repos.payments.recordOnce(`${orderId}:capture`, { ...charge, operation: 'CAPTURE' });
    order = { customerId, orderId };
  });
  after(async () => {
    await shardSet?.close();
    await cluster?.stop();
  });

  it('passes consistent shards, saying what it examined on each', async () => {
    const { code, stdout } = await verify(cluster.urls);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /all invariants hold/);
    for (const invariant of [1, 2, 3]) assert.deepEqual(summaryRow(stdout, invariant), [3, 0]);
    assert.deepEqual(summaryRow(stdout, 4), [1, 0]);
    assert.deepEqual(summaryRow(stdout, 5), [0, 0]);
    for (const shard of ['shard-0', 'shard-1']) {
      assert.match(stdout, new RegExp(`^${shard}: invariant 4 .*orders, 0 violation`, 'm'));
    }
  });

  it('fails on an order captured twice and on stock that does not add up, naming them', async () => {
    await repos.payments.recordOnce(`${order.orderId}:capture-again`, {
      ...order,
      operation: 'CAPTURE',
      amountCents: 2_000,
      outcome: 'SUCCEEDED',
    });
    const bumped = itemIds.slice(1);
    for (const itemId of bumped) {
      await shardSet.forItem(itemId)
        .sql`update stock set available = available + 1 where item_id = ${itemId}`;
    }
    try {
      const { code, stdout } = await verify(cluster.urls, '--limit', '1');
      assert.equal(code, 1, stdout);
      assert.deepEqual(summaryRow(stdout, 1), [3, 2]);
      assert.deepEqual(summaryRow(stdout, 2), [3, 0]);
      assert.deepEqual(summaryRow(stdout, 4), [1, 2]);
      assert.match(
        stdout,
        new RegExp(`VIOLATED invariant 4 .*\\n  shard-\\d ${order.orderId}: 2 successful captures`),
      );
      assert.match(stdout, /VIOLATED invariant 1 [^\n]*\n {2}shard-\d item-\w+: stock\.available/);
      assert.match(stdout, /… and 1 more \(raise --limit/);
      assert.match(stdout, /4 violation\(s\) found/);
    } finally {
      await shardSet.forCustomer(order.customerId).sql`
        delete from payments where idempotency_key = ${`${order.orderId}:capture-again`}`;
      for (const itemId of bumped) {
        await shardSet.forItem(itemId)
          .sql`update stock set available = available - 1 where item_id = ${itemId}`;
      }
    }
    assert.equal((await verify(cluster.urls)).code, 0, 'green again once the corruption is undone');
  });

  it('fails on a finished order that still holds stock, naming it', async () => {
    const customerId = uniqueId('cust');
    const orderId = uniqueId('ord');
    const itemId = itemIds[1]!;
    await repos.orders.createCheckoutOrder({
      orderId,
      customerId,
      lines: [{ itemId, quantity: 1, priceCents: 1_000 }],
      expiresAt: null,
    });
    await repos.stock.reserve({ orderId, itemId, quantity: 1, expiresAt: null });
    // What an expiry that forgot to give the units back would leave: the counters still add up (1–3).
    await repos.orders.transitionOrder({ customerId, orderId, to: 'EXPIRED' });
    try {
      const { code, stdout } = await verify(cluster.urls);
      assert.equal(code, 1, stdout);
      assert.deepEqual(summaryRow(stdout, 1), [3, 0]);
      assert.deepEqual(summaryRow(stdout, 5), [1, 1]);
      assert.match(
        stdout,
        new RegExp(`${itemId}: EXPIRED order ${orderId} still holds 1 unit\\(s\\) RESERVED`),
      );
    } finally {
      await repos.stock.release({ orderId, itemId });
    }
    const released = await verify(cluster.urls);
    assert.equal(released.code, 0, released.stdout);
    assert.deepEqual(summaryRow(released.stdout, 5), [0, 0]);
  });

  it('with --temporal, names an unfinished order whose workflow is not running', async () => {
    const lost = await verify(cluster.urls, '--temporal');
    assert.equal(lost.code, 1, lost.stdout);
    assert.deepEqual(summaryRow(lost.stdout, 6), [1, 1]);
    assert.match(
      lost.stdout,
      new RegExp(
        `VIOLATED invariant 6 .*\\n  shard-\\d ${order.orderId}: PENDING order, its workflow does not exist`,
      ),
    );

    // Any running execution under the order's workflow id will do: nothing polls its task queue.
    const handle = await testStack().temporal.client.workflow.start('orderWorkflowV3', {
      workflowId: orderWorkflowId(order.orderId),
      taskQueue: `verify-cli-${uniqueId('nobody')}`,
      args: [],
    });
    try {
      const running = await verify(cluster.urls, '--temporal');
      assert.equal(running.code, 0, running.stdout);
      assert.deepEqual(summaryRow(running.stdout, 6), [1, 0]);
    } finally {
      await handle.terminate('verify-cli test done');
    }
  });

  it('exits 2 when a shard cannot be reached', async () => {
    const { code, stdout } = await verify(['postgres://nobody@127.0.0.1:1/none']);
    assert.equal(code, 2, stdout);
    assert.match(stdout, /could not check/);
  });
});
