/**
 * The thin vertical slice through real processes: HTTP → API → update-with-start of the order
 * workflow → activity → order row on the customer's shard → the workflow's answer back over HTTP.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/common';
import { orderIdForKey } from '../../api/idempotency.js';
import { orderWorkflowId } from '../../workflows/definitions.js';
import { stockCounters, stockedItem } from '../support/catalog-fixture.js';
import { api, startPlatform, tokenFor } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { testStack } from '../support/stack.js';

describe('e2e: checkout slice through the real API and workers', function () {
  this.timeout(180_000);
  const live = usePlatform({ env: { RESERVATION_TTL_SECONDS: '3' } });
  let itemId: string;

  before(async () => {
    itemId = await stockedItem(live.db.repos, { 'wh-east': 5 }, 2599);
  });

  it('reports Temporal and every shard healthy', async () => {
    const res = await api(live.platform, 'GET', '/health');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.dependencies.map((d: { name: string; ok: boolean }) => [d.name, d.ok]),
      [
        ['temporal', true],
        ['shard-0', true],
        ['shard-1', true],
      ],
    );
  });

  it('begins a checkout: the workflow writes the order on the customer shard and answers', async () => {
    const customerId = `c-${randomUUID()}`;
    const token = await tokenFor(customerId);
    const res = await api(live.platform, 'POST', '/checkout?op=BEGIN', {
      token,
      body: { cart: [{ itemId, quantity: 2 }] },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const { orderId, paymentUrl, expiresAt } = res.body;
    assert.match(orderId, /^ord_[0-9a-f]{32}$/);
    assert.equal(paymentUrl, `${live.platform.baseUrl}/checkout/${orderId}/payment`);
    assert.ok(Date.parse(expiresAt) > Date.now(), 'expiresAt lies in the future');
    assert.equal((await stockCounters(live.db.repos, itemId)).available, 3, 'two units held');

    // The row is on the customer's shard, and on no other.
    const home = live.db.shards.forCustomer(customerId);
    for (const shard of live.db.shards.shards) {
      const rows =
        await shard.sql`select status, total_cents::int as total_cents, customer_id from orders where order_id = ${orderId}`;
      if (shard.id === home.id) {
        assert.deepEqual(
          rows.map((r) => ({ ...r })),
          [{ status: 'RESERVED', total_cents: 5198, customer_id: customerId }],
        );
      } else {
        assert.equal(rows.length, 0, `order must not be on ${shard.id}`);
      }
    }

    // The API serves it back from the shard; another customer cannot see it.
    const mine = await api(live.platform, 'GET', `/orders/${orderId}`, { token });
    assert.equal(mine.status, 200);
    assert.equal(mine.body.status, 'RESERVED');
    assert.equal(mine.body.total, 5198);
    const theirs = await api(live.platform, 'GET', `/orders/${orderId}`, {
      token: await tokenFor('someone-else'),
    });
    assert.equal(theirs.status, 404);
    assert.equal(theirs.headers.get('content-type'), 'application/problem+json');

    // Operators see it in Temporal with its search attributes.
    const description = await testStack()
      .temporal.client.workflow.getHandle(orderWorkflowId(orderId))
      .describe();
    assert.deepEqual(description.searchAttributes['OrderStatus'], ['RESERVED']);
    assert.deepEqual(description.searchAttributes['CustomerId'], [customerId]);

    // With a 3 s reservation the workflow's timer expires the order, on the shard too.
    const deadline = Date.now() + 30_000;
    let status = 'RESERVED';
    while (status === 'RESERVED' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = (await api(live.platform, 'GET', `/orders/${orderId}`, { token })).body.status;
    }
    assert.equal(status, 'EXPIRED');
    assert.equal((await stockCounters(live.db.repos, itemId)).available, 5, 'the hold was released');
  });

  it('answers 422 naming unknown items, and writes nothing', async () => {
    const customerId = `c-${randomUUID()}`;
    const res = await api(live.platform, 'POST', '/checkout?op=BEGIN', {
      token: await tokenFor(customerId),
      body: { cart: [{ itemId: 'no-such-item', quantity: 1 }] },
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.type, '/problems/unknown-items');
    assert.deepEqual(res.body.itemIds, ['no-such-item']);
    const rows = await live.db.shards.forCustomer(customerId)
      .sql`select 1 from orders where customer_id = ${customerId}`;
    assert.equal(rows.length, 0);
  });

  it('refuses a BEGIN for more than is available before any workflow starts: 409 naming the short lines', async () => {
    const scarce = await stockedItem(live.db.repos, { 'wh-east': 2 }, 1000);
    const customerId = `c-${randomUUID()}`;
    const idempotencyKey = `k-${randomUUID()}`;
    const res = await api(live.platform, 'POST', '/checkout?op=BEGIN', {
      token: await tokenFor(customerId),
      headers: { 'Idempotency-Key': idempotencyKey },
      body: {
        cart: [
          { itemId, quantity: 1 },
          { itemId: scarce, quantity: 3 },
        ],
      },
    });
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.type, '/problems/out-of-stock');
    assert.deepEqual(res.body.lines, [{ itemId: scarce, requested: 3, available: 2 }]);
    // The key names the one workflow this BEGIN could have started: Temporal never saw it.
    const temporal = testStack().temporal.client;
    await assert.rejects(
      temporal.workflow.getHandle(orderWorkflowId(orderIdForKey(customerId, idempotencyKey))).describe(),
      WorkflowNotFoundError,
    );
    const started = [];
    for await (const w of temporal.workflow.list({ query: `CustomerId="${customerId}"` })) started.push(w);
    assert.deepEqual(started, []);
    assert.equal((await stockCounters(live.db.repos, scarce)).available, 2, 'nothing held');
    const rows = await live.db.shards.forCustomer(customerId)
      .sql`select 1 from orders where customer_id = ${customerId}`;
    assert.equal(rows.length, 0);
  });

  it('refuses a request without a valid token or with a bad body, as problem+json', async () => {
    const noToken = await api(live.platform, 'POST', '/checkout?op=BEGIN', {
      body: { cart: [{ itemId, quantity: 1 }] },
    });
    assert.equal(noToken.status, 401);
    assert.equal(noToken.body.type, '/problems/unauthorized');
    const badBody = await api(live.platform, 'POST', '/checkout?op=BEGIN', {
      token: await tokenFor('c-1'),
      body: { cart: [{ itemId, quantity: -3 }] },
    });
    assert.equal(badBody.status, 400);
    assert.deepEqual(
      badBody.body.fields.map((f: { field: string }) => f.field),
      ['cart.0.quantity'],
    );
    const badJson = await api(live.platform, 'POST', '/checkout?op=BEGIN', {
      token: await tokenFor('c-1'),
      body: '{"cart": [',
    });
    assert.equal(badJson.status, 400);
  });

  it('reports 503 naming a shard that is down', async () => {
    const deadUrl = `postgres://postgres@127.0.0.1:1/orders`;
    const degraded = await startPlatform(
      { SHARD_URLS: [...testStack().shardUrls, deadUrl].join(','), DB_CONNECT_TIMEOUT_SECONDS: '1' },
      ['api'],
      { waitUntilHealthy: false },
    );
    try {
      let res = await api(degraded, 'GET', '/health').catch(() => undefined);
      for (let i = 0; i < 100 && res === undefined; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        res = await api(degraded, 'GET', '/health').catch(() => undefined);
      }
      assert.equal(res?.status, 503);
      assert.deepEqual(res.body.down, ['shard-2']);
      assert.equal(res.body.dependencies.find((d: { name: string }) => d.name === 'shard-0').ok, true);
    } finally {
      await degraded.stop();
    }
  });
});
