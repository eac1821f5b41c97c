/** Idempotency-Key on BEGIN: same key and body → the same order, once; another body → 422. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { stockCounters, stockedItem } from '../support/catalog-fixture.js';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { assertProblem, newShopper, type Shopper } from './support.js';

describe('api: Idempotency-Key on POST /checkout?op=BEGIN', function () {
  this.timeout(180_000);
  const live = usePlatform({ env: { RESERVATION_TTL_SECONDS: '120' } });

  const beginWithKey = (shopper: Shopper, key: string, cart: { itemId: string; quantity: number }[]) =>
    api(live.platform, 'POST', '/checkout?op=BEGIN', {
      token: shopper.token,
      body: { cart },
      headers: { 'Idempotency-Key': key },
    });

  it('answers a repeat with the same order and holds the stock once; another body is 422', async () => {
    const a = await stockedItem(live.db.repos, { 'wh-east': 10 });
    const b = await stockedItem(live.db.repos, { 'wh-west': 10 });
    const shopper = await newShopper();
    const key = `key-${randomUUID()}`;

    const first = await beginWithKey(shopper, key, [
      { itemId: a, quantity: 2 },
      { itemId: b, quantity: 1 },
    ]);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.match(first.body.orderId, /^ord_[0-9a-f]{32}$/);
    // The same lines in another order are the same request.
    const repeat = await beginWithKey(shopper, key, [
      { itemId: b, quantity: 1 },
      { itemId: a, quantity: 2 },
    ]);
    assert.equal(repeat.status, 201);
    assert.deepEqual(repeat.body, first.body);
    assert.equal((await stockCounters(live.db.repos, a)).available, 8, 'held once');
    assert.equal((await stockCounters(live.db.repos, b)).available, 9, 'held once');

    const changed = await beginWithKey(shopper, key, [{ itemId: a, quantity: 3 }]);
    assertProblem(changed, 422, '/problems/idempotency-key-reused');
    assert.deepEqual(changed.body.fields, [
      { field: 'Idempotency-Key', message: 'already used with a different request' },
    ]);
    assert.equal((await stockCounters(live.db.repos, a)).available, 8, 'the different body reserved nothing');

    const orders = await api(live.platform, 'GET', '/orders', { token: shopper.token });
    assert.deepEqual(
      orders.body.orders.map((o: { orderId: string }) => o.orderId),
      [first.body.orderId],
    );
  });

  it('keeps answering after the order has finished, and a key is only ever one customer’s', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-central': 5 });
    const shopper = await newShopper();
    const key = `key-${randomUUID()}`;
    const cart = [{ itemId, quantity: 1 }];
    const first = await beginWithKey(shopper, key, cart);
    assert.equal(first.status, 201);
    const cancelled = await api(live.platform, 'POST', '/checkout?op=CANCEL', {
      token: shopper.token,
      body: { orderId: first.body.orderId },
    });
    assert.equal(cancelled.body.status, 'CANCELLED');
    assert.equal((await stockCounters(live.db.repos, itemId)).available, 5);

    // The workflow has closed: the key still names that order, and nothing is reserved again.
    const afterwards = await beginWithKey(shopper, key, cart);
    assert.equal(afterwards.status, 201, JSON.stringify(afterwards.body));
    assert.deepEqual(afterwards.body, first.body);
    assert.equal((await stockCounters(live.db.repos, itemId)).available, 5);
    assertProblem(
      await beginWithKey(shopper, key, [{ itemId, quantity: 2 }]),
      422,
      '/problems/idempotency-key-reused',
    );

    const other = await newShopper();
    const theirs = await beginWithKey(other, key, cart);
    assert.equal(theirs.status, 201);
    assert.notEqual(theirs.body.orderId, first.body.orderId);
  });

  it('repeats a refusal, and concurrent repeats make one order', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 3 });
    const shopper = await newShopper();
    const tooMany = `key-${randomUUID()}`;
    for (let i = 0; i < 2; i++) {
      const refused = await beginWithKey(shopper, tooMany, [{ itemId, quantity: 4 }]);
      assertProblem(refused, 409, '/problems/out-of-stock');
      assert.deepEqual(refused.body.lines, [{ itemId, requested: 4, available: 3 }]);
    }

    const key = `key-${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => beginWithKey(shopper, key, [{ itemId, quantity: 2 }])),
    );
    assert.deepEqual(
      answers.map((r) => r.status),
      [201, 201, 201, 201, 201],
    );
    assert.equal(new Set(answers.map((r) => r.body.orderId)).size, 1);
    assert.equal((await stockCounters(live.db.repos, itemId)).available, 1);
  });
});
