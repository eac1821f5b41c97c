/** Auth: no token → 401, no operator role → 403, and another customer's order or payment URL → 404. */
import assert from 'node:assert/strict';
import { stockCounters, stockedItem } from '../support/catalog-fixture.js';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { ADDRESS, assertProblem, begin, CARD_OK, newShopper } from './support.js';

describe('api: auth, and customers kept apart', function () {
  this.timeout(180_000);
  const live = usePlatform({ env: { RESERVATION_TTL_SECONDS: '120' } });

  it("refuses every attempt on another customer's order, and changes nothing", async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 4 });
    const alice = await newShopper();
    const bob = await newShopper();
    const { orderId, paymentUrl } = await begin(live.platform, alice, [{ itemId, quantity: 2 }]);
    assert.equal(
      (
        await api(live.platform, 'PATCH', '/cart?op=ADD', {
          token: alice.token,
          body: { itemId, quantity: 1 },
        })
      ).status,
      200,
    );

    const attempts = [
      ['read the order', () => api(live.platform, 'GET', `/orders/${orderId}`, { token: bob.token })],
      [
        'use the payment URL',
        () =>
          api(live.platform, 'POST', new URL(paymentUrl).pathname, {
            token: bob.token,
            body: { paymentDetails: CARD_OK, shippingAddress: ADDRESS },
          }),
      ],
      [
        'submit it',
        () => api(live.platform, 'POST', '/checkout?op=SUBMIT', { token: bob.token, body: { orderId } }),
      ],
      [
        'cancel it',
        () => api(live.platform, 'POST', '/checkout?op=CANCEL', { token: bob.token, body: { orderId } }),
      ],
    ] as const;
    for (const [what, attempt] of attempts) {
      const res = await attempt();
      assert.equal(res.status, 404, `bob may not ${what}: ${JSON.stringify(res.body)}`);
      assertProblem(res, 404, '/problems/not-found');
    }

    const bobsOrders = await api(live.platform, 'GET', '/orders', { token: bob.token });
    assert.deepEqual(bobsOrders.body.orders, [], "alice's order is not in bob's list");
    const bobsCart = await api(live.platform, 'GET', '/cart', { token: bob.token });
    assert.deepEqual(bobsCart.body, { items: [] }, "alice's cart is not bob's");

    const mine = await api(live.platform, 'GET', `/orders/${orderId}`, { token: alice.token });
    assert.equal(mine.status, 200);
    assert.equal(mine.body.status, 'RESERVED', "bob's cancel did nothing");
    assert.equal((await stockCounters(live.db.repos, itemId)).available, 2, 'still held for alice');
    const alicesOwnPayment = await api(live.platform, 'POST', new URL(paymentUrl).pathname, {
      token: alice.token,
      body: { paymentDetails: CARD_OK, shippingAddress: ADDRESS },
    });
    assert.equal(alicesOwnPayment.status, 202, 'the order still takes its own customer’s payment');
  });

  it('needs a token on every personal route, and the operator role on every /admin route', async () => {
    const shopper = await newShopper();
    const personal = [
      ['GET', '/cart'],
      ['PATCH', '/cart?op=ADD'],
      ['POST', '/checkout?op=BEGIN'],
      ['POST', '/checkout/ord_00000000000000000000000000000000/payment'],
      ['GET', '/orders'],
      ['GET', '/orders/ord_00000000000000000000000000000000'],
    ] as const;
    const admin = [
      ['GET', '/admin/warehouses'],
      ['GET', '/admin/orders?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z'],
      ['POST', '/admin/items'],
      ['POST', '/admin/warehouses/wh-east/stock'],
      ['POST', '/admin/suborders/ord_00000000000000000000000000000000.wh-east/ship'],
      ['POST', '/admin/suborders/ord_00000000000000000000000000000000.wh-east/deliver'],
    ] as const;
    for (const [method, path] of [...personal, ...admin]) {
      const body = method === 'GET' ? undefined : {};
      assertProblem(await api(live.platform, method, path, { body }), 401, '/problems/unauthorized');
    }
    for (const [method, path] of admin) {
      assertProblem(
        await api(live.platform, method, path, {
          token: shopper.token,
          body: method === 'GET' ? undefined : {},
        }),
        403,
        '/problems/forbidden',
      );
    }
  });
});
