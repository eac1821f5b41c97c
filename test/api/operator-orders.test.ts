/**
 * Operators over HTTP: orders found by status and by customer, and an operator's cancel with its reason,
 * recorded on the order for later, refused once the order has shipped.
 */
import assert from 'node:assert/strict';
import { eventually, stockCounters, stockedItem } from '../support/catalog-fixture.js';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { assertProblem, newShopper, placeOrder, type Shopper } from './support.js';

describe('api: operators find orders by status or customer, and cancel with a reason', function () {
  this.timeout(180_000);
  const live = usePlatform({ env: { RESERVATION_TTL_SECONDS: '60' }, operator: 'ops-orders' });
  const from = new Date(Date.now() - 60_000).toISOString();
  const to = () => new Date(Date.now() + 60_000).toISOString();

  const orderOf = (shopper: Shopper, orderId: string) =>
    api(live.platform, 'GET', `/orders/${orderId}`, { token: shopper.token });
  const allocated = (shopper: Shopper, orderId: string) =>
    eventually(
      async () => (await orderOf(shopper, orderId)).body,
      (o) => o.suborders?.length === 1,
    );
  const adminOrders = async (query: string) => {
    const res = await api(live.platform, 'GET', `/admin/orders?from=${from}&to=${to()}&limit=100&${query}`, {
      token: live.operator,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.orders as {
      orderId: string;
      status: string;
      customerId: string;
      cancelReason?: string;
    }[];
  };

  it('cancels an unshipped order with the reason, finds it by status and customer, and refuses a shipped one', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 5 });
    const shopper = await newShopper();
    const kept = await placeOrder(live.platform, shopper, [{ itemId, quantity: 1 }]);
    const cancelled = await placeOrder(live.platform, shopper, [{ itemId, quantity: 2 }]);
    await allocated(shopper, kept);
    await allocated(shopper, cancelled);
    assert.equal((await stockCounters(live.db.repos, itemId)).available, 2);

    const res = await api(live.platform, 'POST', `/admin/orders/${cancelled}/cancel`, {
      token: live.operator,
      body: { reason: 'address is a parcel locker that is closed' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'CANCELLED');
    const reason = 'by operator ops-orders: address is a parcel locker that is closed';
    const mine = (await orderOf(shopper, cancelled)).body;
    assert.equal(mine.status, 'CANCELLED');
    assert.equal(mine.cancelReason, reason);
    assert.equal((await stockCounters(live.db.repos, itemId)).available, 4, 'its units are back');

    const seen = await api(
      live.platform,
      'GET',
      `/admin/orders/${cancelled}?customerId=${encodeURIComponent(shopper.customerId)}`,
      { token: live.operator },
    );
    assert.equal(seen.status, 200, JSON.stringify(seen.body));
    assert.equal(seen.body.cancelReason, reason);
    assert.equal(seen.body.customerId, shopper.customerId);
    assert.equal(seen.body.suborders.length, 1);
    const elsewhere = await api(live.platform, 'GET', `/admin/orders/${cancelled}?customerId=someone-else`, {
      token: live.operator,
    });
    assertProblem(elsewhere, 404, '/problems/not-found');

    const byCustomer = await adminOrders(`customerId=${encodeURIComponent(shopper.customerId)}`);
    assert.deepEqual(
      byCustomer.map((o) => [o.orderId, o.status]),
      [
        [kept, 'PENDING'],
        [cancelled, 'CANCELLED'],
      ],
    );
    assert.equal(byCustomer[1]!.cancelReason, reason);
    const byStatus = await adminOrders('status=CANCELLED');
    assert.ok(byStatus.some((o) => o.orderId === cancelled));
    assert.ok(!byStatus.some((o) => o.orderId === kept));
    assert.ok(byStatus.every((o) => o.status === 'CANCELLED'));
    const both = await adminOrders(`status=PENDING&customerId=${encodeURIComponent(shopper.customerId)}`);
    assert.deepEqual(
      both.map((o) => o.orderId),
      [kept],
    );

    const [suborder] = (await allocated(shopper, kept)).suborders;
    const shipped = await api(live.platform, 'POST', `/admin/suborders/${suborder.suborderId}/ship`, {
      token: live.operator,
    });
    assert.equal(shipped.status, 200, JSON.stringify(shipped.body));
    const late = await api(live.platform, 'POST', `/admin/orders/${kept}/cancel`, {
      token: live.operator,
      body: { reason: 'too late' },
    });
    assertProblem(late, 409, '/problems/conflict');
    assert.match(late.body.detail, /shipped/);
  });

  it('answers 404 for no such order, 400 without a reason, 403 for a shopper', async () => {
    const nobody = 'ord_00000000000000000000000000000000';
    const missing = await api(live.platform, 'POST', `/admin/orders/${nobody}/cancel`, {
      token: live.operator,
      body: { reason: 'lost' },
    });
    assertProblem(missing, 404, '/problems/not-found');
    const empty = await api(live.platform, 'POST', `/admin/orders/${nobody}/cancel`, {
      token: live.operator,
      body: { reason: '  ' },
    });
    assertProblem(empty, 400, '/problems/validation');
    const shopper = await newShopper();
    const forbidden = await api(live.platform, 'POST', `/admin/orders/${nobody}/cancel`, {
      token: shopper.token,
      body: { reason: 'mine' },
    });
    assertProblem(forbidden, 403, '/problems/forbidden');
  });
});
