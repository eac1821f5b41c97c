/**
 * The whole shopper journey over HTTP against the real API, workers, Temporal and shards, and the happy
 * path of every other route (operators and operations).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { eventually, stockCounters } from '../support/catalog-fixture.js';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { ADDRESS, CARD_OK, newShopper, placeOrder } from './support.js';

describe('api: the shopper journey, and every route on its happy path', function () {
  this.timeout(180_000);
  const live = usePlatform({ env: { RESERVATION_TTL_SECONDS: '60' }, operator: 'ops-journey' });
  const startedAt = new Date(Date.now() - 1000);

  async function newItem(stock: { warehouseId: string; quantity: number }[], price = 2500) {
    const word = `lantern${randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const created = await api(live.platform, 'POST', '/admin/items', {
      token: live.operator,
      body: {
        name: `Solar ${word}`,
        description: 'Folds flat, charges by day',
        price,
        type: 'camping',
        stock,
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.itemId, /^item-[0-9a-f]{24}$/);
    assert.equal(created.headers.get('location'), `/items/${created.body.itemId}`);
    return { itemId: created.body.itemId as string, word };
  }

  it('search → cart → begin → payment details → submit → my orders → cancel', async () => {
    const { itemId, word } = await newItem([
      { warehouseId: 'wh-east', quantity: 5 },
      { warehouseId: 'wh-west', quantity: 3 },
    ]);
    const shopper = await newShopper();
    const { token } = shopper;

    const found = await api(
      live.platform,
      'GET',
      `/items?query=${word}&type=camping&minPrice=2000&maxPrice=3000`,
    );
    assert.equal(found.status, 200);
    assert.equal(found.headers.get('cache-control'), 'public, max-age=30');
    assert.deepEqual(found.body, {
      items: [
        {
          itemId,
          name: `Solar ${word}`,
          description: 'Folds flat, charges by day',
          price: 2500,
          type: 'camping',
          available: 8,
        },
      ],
      nextCursor: null,
      limit: 20,
    });
    const one = await api(live.platform, 'GET', `/items/${itemId}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.available, 8);
    assert.equal(one.headers.get('cache-control'), 'public, max-age=30');

    const added = await api(live.platform, 'PATCH', '/cart?op=ADD', { token, body: { itemId, quantity: 3 } });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.deepEqual(added.body, { items: [{ itemId, quantity: 3 }] });
    const removed = await api(live.platform, 'PATCH', '/cart?op=REMOVE', {
      token,
      body: { itemId, quantity: 1 },
    });
    assert.deepEqual(removed.body, { items: [{ itemId, quantity: 2 }] });
    const cart = await api(live.platform, 'GET', '/cart', { token });
    assert.equal(cart.status, 200);
    assert.deepEqual(cart.body, { items: [{ itemId, quantity: 2 }] });
    assert.equal(cart.headers.get('cache-control'), 'private, no-cache');

    // No body: BEGIN checks out the cart.
    const begun = await api(live.platform, 'POST', '/checkout?op=BEGIN', { token });
    assert.equal(begun.status, 201, JSON.stringify(begun.body));
    const { orderId, paymentUrl } = begun.body;
    assert.equal(paymentUrl, `${live.platform.baseUrl}/checkout/${orderId}/payment`);
    assert.equal((await api(live.platform, 'GET', `/items/${itemId}`)).body.available, 6, 'two units held');

    const paid = await api(live.platform, 'POST', new URL(paymentUrl).pathname, {
      token,
      body: { paymentDetails: CARD_OK, shippingAddress: ADDRESS },
    });
    assert.equal(paid.status, 202, JSON.stringify(paid.body));
    assert.deepEqual(paid.body, { orderId, status: 'RESERVED' });

    const submitted = await api(live.platform, 'POST', '/checkout?op=SUBMIT', { token, body: { orderId } });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.deepEqual(submitted.body, { orderId, status: 'PENDING' });

    const mine = await api(live.platform, 'GET', '/orders', { token });
    assert.equal(mine.status, 200);
    assert.equal(mine.headers.get('cache-control'), 'private, no-cache');
    assert.equal(mine.body.orders.length, 1);
    assert.deepEqual(
      { ...mine.body.orders[0], orderedAt: undefined, expiresAt: undefined },
      {
        orderId,
        status: 'PENDING',
        lines: [{ itemId, quantity: 2, price: 2500 }],
        total: 5000,
        orderedAt: undefined,
        expiresAt: undefined,
      },
    );
    assert.equal(mine.body.nextCursor, null);
    const detail = await eventually(
      async () => (await api(live.platform, 'GET', `/orders/${orderId}`, { token })).body,
      (o) => o.suborders?.length === 1,
    );
    assert.equal(detail.suborders[0].warehouseId, 'wh-east', 'one shipment from the warehouse that has both');

    const cancelled = await api(live.platform, 'POST', '/checkout?op=CANCEL', { token, body: { orderId } });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.status, 'CANCELLED');
    assert.equal((await api(live.platform, 'GET', `/orders/${orderId}`, { token })).body.status, 'CANCELLED');
    assert.equal((await stockCounters(live.db.repos, itemId)).available, 8, 'every unit back on sale');
  });

  it('operators: warehouses, restock once per adjustment, orders in a time range, ship and deliver', async () => {
    const warehouses = await api(live.platform, 'GET', '/admin/warehouses', { token: live.operator });
    assert.equal(warehouses.status, 200);
    assert.deepEqual(
      warehouses.body.map((w: { warehouseId: string }) => w.warehouseId),
      ['wh-central', 'wh-east', 'wh-west'],
    );
    assert.deepEqual(Object.keys(warehouses.body[0]).sort(), ['name', 'region', 'warehouseId']);

    const { itemId } = await newItem([{ warehouseId: 'wh-east', quantity: 1 }], 700);
    const adjustmentId = `grn-${randomUUID()}`;
    const restock = () =>
      api(live.platform, 'POST', '/admin/warehouses/wh-central/stock', {
        token: live.operator,
        body: { itemId, quantity: 4, adjustmentId },
      });
    const first = await restock();
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body, {
      applied: true,
      adjustmentId,
      itemId,
      warehouseId: 'wh-central',
      physical: 4,
      warehouseAvailable: 4,
      available: 5,
    });
    const again = await restock();
    assert.deepEqual(again.body, { ...first.body, applied: false }, 'a repeat changes nothing');
    assert.equal((await stockCounters(live.db.repos, itemId)).available, 5);

    const shopper = await newShopper();
    const orderId = await placeOrder(live.platform, shopper, [{ itemId, quantity: 4 }]);
    const range = await api(
      live.platform,
      'GET',
      `/admin/orders?from=${startedAt.toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}&limit=100`,
      { token: live.operator },
    );
    assert.equal(range.status, 200, JSON.stringify(range.body));
    const listed = range.body.orders.find((o: { orderId: string }) => o.orderId === orderId);
    assert.equal(listed?.customerId, shopper.customerId);
    assert.equal(listed?.total, 2800);

    const order = await eventually(
      async () => (await api(live.platform, 'GET', `/orders/${orderId}`, { token: shopper.token })).body,
      (o) => o.suborders?.length === 1,
    );
    const suborderId = order.suborders[0].suborderId as string;
    assert.equal(suborderId, `${orderId}.wh-central`);
    const shipped = await api(live.platform, 'POST', `/admin/suborders/${suborderId}/ship`, {
      token: live.operator,
    });
    assert.equal(shipped.status, 200, JSON.stringify(shipped.body));
    assert.equal(shipped.body.status, 'SHIPPED');
    const delivered = await api(live.platform, 'POST', `/admin/suborders/${suborderId}/deliver`, {
      token: live.operator,
    });
    assert.equal(delivered.status, 200, JSON.stringify(delivered.body));
    assert.deepEqual(delivered.body, {
      suborderId,
      warehouseId: 'wh-central',
      lines: [{ itemId, quantity: 4 }],
      status: 'DELIVERED',
    });
  });

  it('operations: health, metrics, the OpenAPI document and the docs page with its own assets', async () => {
    const health = await api(live.platform, 'GET', '/health');
    assert.equal(health.status, 200);
    assert.deepEqual(
      health.body.dependencies.map((d: { name: string }) => d.name),
      ['temporal', 'shard-0', 'shard-1'],
    );
    // A shard without standbys is one node: its primary, asked directly.
    for (const shard of health.body.dependencies.slice(1)) {
      assert.equal(shard.nodes.length, 1, JSON.stringify(shard));
      assert.deepEqual(
        { ...shard.nodes[0], address: undefined },
        {
          address: undefined,
          role: 'primary',
          ok: true,
          lagBytes: 0,
        },
      );
      assert.match(shard.nodes[0].address, /^127\.0\.0\.1:\d+$/);
    }

    const metrics = await api(live.platform, 'GET', '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(
      metrics.body,
      /^http_requests_total\{method="GET",route="\/health",op="",status="200"\} \d+$/m,
    );

    const doc = await api(live.platform, 'GET', '/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    assert.ok(doc.body.paths['/checkout']?.post);

    const page = await fetch(`${live.platform.baseUrl}/docs`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(sources.length >= 3, html);
    for (const source of sources) {
      assert.match(source, /^\/docs\/assets\//, 'every asset is served by the API itself');
      const asset = await fetch(`${live.platform.baseUrl}${source}`);
      assert.equal(asset.status, 200, source);
      assert.ok((await asset.arrayBuffer()).byteLength > 0, source);
    }
  });
});
