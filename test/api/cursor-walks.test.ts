/** Cursor pagination over HTTP: every row exactly once, in order, across both shards. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { stockedItem } from '../support/catalog-fixture.js';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { begin, newShopper, type Shopper } from './support.js';

describe('api: cursor walks', function () {
  this.timeout(180_000);
  const live = usePlatform({ env: { RESERVATION_TTL_SECONDS: '120' }, operator: 'ops-walks' });

  /** `count` new shoppers, alternating between the two shards' customers. */
  async function shoppersOnEveryShard(count: number) {
    const shoppers: Shopper[] = [];
    while (shoppers.length < count) {
      const candidate = await newShopper();
      const wanted = shoppers.length % 2 === 0 ? live.db.shards.shards[0] : live.db.shards.shards[1];
      if (live.db.shards.forCustomer(candidate.customerId) === wanted) shoppers.push(candidate);
    }
    return shoppers;
  }

  /** Follows nextCursor from `first` to the end; the pages' sizes and every row. */
  async function walk<T>(token: string | undefined, first: string, key: 'items' | 'orders') {
    const sizes: number[] = [];
    const rows: T[] = [];
    let path: string | undefined = first;
    while (path) {
      const res = await api(live.platform, 'GET', path, { token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      sizes.push(res.body[key].length);
      rows.push(...res.body[key]);
      const separator: string = first.includes('?') ? '&' : '?';
      path = res.body.nextCursor
        ? `${first}${separator}cursor=${encodeURIComponent(res.body.nextCursor)}`
        : undefined;
      assert.ok(sizes.length < 20, 'the walk ends');
    }
    return { sizes, rows };
  }

  it('GET /items: seven items of one type in pages of three, from both shards', async () => {
    /** Seven items of a fresh type; the API picks their ids, so one time in 64 they share a shard. */
    async function sevenItems() {
      const type = `walk-${randomUUID().slice(0, 8)}`;
      const created: string[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await api(live.platform, 'POST', '/admin/items', {
          token: live.operator,
          body: { name: `Walker ${i}`, description: '', price: 100 + i, type, stock: [] },
        });
        assert.equal(res.status, 201);
        created.push(res.body.itemId);
      }
      return { type, created, shards: new Set(created.map((id) => live.db.shards.forItem(id).id)).size };
    }
    let seven = await sevenItems();
    for (let attempt = 0; seven.shards < 2 && attempt < 5; attempt++) seven = await sevenItems();
    const { type, created } = seven;
    assert.equal(seven.shards, 2, 'the items live on both shards');

    const { sizes, rows } = await walk<{ itemId: string }>(undefined, `/items?type=${type}&limit=3`, 'items');
    assert.deepEqual(sizes, [3, 3, 1]);
    const ids = rows.map((r) => r.itemId);
    assert.deepEqual(ids, [...created].sort(), 'each item once, by id (no query: equal rank)');

    const priced = await walk<{ price: number }>(
      undefined,
      `/items?type=${type}&minPrice=102&maxPrice=104&limit=2`,
      'items',
    );
    assert.deepEqual(priced.rows.map((r) => r.price).sort(), [102, 103, 104]);
  });

  it('GET /orders: newest first, each once; `since` cuts the older ones', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 20 });
    const shopper = await newShopper();
    const placed: { orderId: string; at: Date }[] = [];
    for (let i = 0; i < 5; i++) {
      const at = new Date();
      placed.push({ orderId: (await begin(live.platform, shopper, [{ itemId, quantity: 1 }])).orderId, at });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { sizes, rows } = await walk<{ orderId: string; orderedAt: string }>(
      shopper.token,
      '/orders?limit=2',
      'orders',
    );
    assert.deepEqual(sizes, [2, 2, 1]);
    assert.deepEqual(
      rows.map((r) => r.orderId),
      placed.map((p) => p.orderId).reverse(),
    );
    const since = placed[3]!.at.toISOString();
    const recent = await walk<{ orderId: string }>(shopper.token, `/orders?since=${since}&limit=1`, 'orders');
    assert.deepEqual(
      recent.rows.map((r) => r.orderId),
      [placed[4]!.orderId, placed[3]!.orderId],
    );
  });

  it('GET /admin/orders: a time range across every shard, oldest first, each once', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-west': 20 });
    const from = new Date();
    const shoppers = await shoppersOnEveryShard(6);
    const orderIds: string[] = [];
    for (const shopper of shoppers) {
      orderIds.push((await begin(live.platform, shopper, [{ itemId, quantity: 1 }])).orderId);
    }
    const to = new Date(Date.now() + 1000);
    const homes = new Set(shoppers.map((s) => live.db.shards.forCustomer(s.customerId).id));
    assert.equal(homes.size, 2, 'the customers live on both shards');

    const { rows } = await walk<{ orderId: string; orderedAt: string; customerId: string }>(
      live.operator,
      `/admin/orders?from=${from.toISOString()}&to=${to.toISOString()}&limit=2`,
      'orders',
    );
    const ids = rows.map((r) => r.orderId);
    assert.equal(new Set(ids).size, ids.length, 'no order twice');
    assert.deepEqual(
      ids.filter((id) => orderIds.includes(id)),
      orderIds,
      'every order of the range, oldest first',
    );
    const times = rows.map((r) => Date.parse(r.orderedAt));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
  });
});
