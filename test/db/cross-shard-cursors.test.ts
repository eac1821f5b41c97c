import assert from 'node:assert/strict';
import { compareBytewise } from '../../db/byte-order.js';
import { InvalidCursorError } from '../../db/cursor.js';
import { createCatalogRepository, type SearchQuery } from '../../db/repositories/catalog-repository.js';
import { createOrderRepository, type OrderPage } from '../../db/repositories/order-repository.js';
import { seedDemoCatalog } from '../../db/seed-demo-catalog.js';
import { seededRandom } from '../../db/seeded-random.js';
import type { ShardSet } from '../../db/shard-set.js';
import type { ShardCluster } from '../../scripts/lib/shard-cluster.js';
import { startTestShards } from '../support/stack.js';
import { CURSOR_SECRET, suiteShardSet } from './fixtures.js';

/** Walks every page of each cross-shard listing on 3 shards: every row exactly once, in order. */
describe('cursor pagination across 3 shards', () => {
  let cluster: ShardCluster;
  let shardSet: ShardSet;
  let orders: ReturnType<typeof createOrderRepository>;
  let catalog: ReturnType<typeof createCatalogRepository>;
  const BASE = Date.parse('2024-03-01T00:00:00.000Z');
  const placed: { orderId: string; customerId: string; orderedAt: number; cancelled: boolean }[] = [];

  before(async () => {
    cluster = await startTestShards(3, 'cursors');
    shardSet = suiteShardSet({ urls: cluster.urls });
    orders = createOrderRepository({ shardSet, cursorSecret: CURSOR_SECRET });
    catalog = createCatalogRepository({ shardSet, cursorSecret: CURSOR_SECRET });

    // 150 orders of 12 customers; few distinct timestamps, so ties on ordered_at are common and the
    // order id must break them. Ids mix case and separators to catch collation mismatches.
    const random = seededRandom(7);
    for (let n = 0; n < 150; n++) {
      const customerId = `cust-${n % 12}`;
      const orderId = `${n % 2 ? 'Ord' : 'ord'}_${String(Math.floor(random() * 1e6)).padStart(6, '0')}-${n}`;
      const orderedAt = BASE + Math.floor(random() * 20) * 60_000;
      const cancelled = n % 7 === 3;
      placed.push({ orderId, customerId, orderedAt, cancelled });
      await orders.createCheckoutOrder({
        orderId,
        customerId,
        lines: [{ itemId: 'item-1', quantity: 1, priceCents: 100 }],
        expiresAt: null,
      });
      if (cancelled) await orders.transitionOrder({ customerId, orderId, to: 'CANCELLED' });
      await shardSet.forCustomer(customerId).sql`
        update orders set ordered_at = ${new Date(orderedAt)} where order_id = ${orderId}`;
    }
    await seedDemoCatalog(shardSet, { items: 400 });
  });

  after(async () => {
    await shardSet?.close();
    await cluster?.stop();
  });

  async function walk<T>(first: (cursor?: string) => Promise<{ rows: T[]; nextCursor: string | undefined }>) {
    const rows: T[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await first(cursor);
      rows.push(...page.rows);
      cursor = page.nextCursor;
      pages++;
      assert.ok(pages < 1_000, 'the walk ends');
    } while (cursor !== undefined);
    return { rows, pages };
  }

  const ordersOf = (page: OrderPage) => ({ rows: page.orders, nextCursor: page.nextCursor });

  it('spreads the data over all 3 shards', async () => {
    for (const shard of shardSet.shards) {
      const [row] = await shard.sql<{ n: number }[]>`select count(*)::int as n from orders`;
      assert.ok(row!.n > 10, `${shard.id} holds ${row!.n} orders`);
    }
  });

  it("every customer's orders in a time range: oldest first, each exactly once", async () => {
    const from = new Date(BASE + 3 * 60_000);
    const to = new Date(BASE + 17 * 60_000);
    const expected = placed
      .filter((o) => o.orderedAt >= from.getTime() && o.orderedAt < to.getTime())
      .sort((a, b) => a.orderedAt - b.orderedAt || compareBytewise(a.orderId, b.orderId))
      .map((o) => o.orderId);
    assert.ok(expected.length > 50);

    const { rows, pages } = await walk(async (cursor) =>
      ordersOf(await orders.listOrdersInRange({ from, to, limit: 7, cursor })),
    );
    assert.deepEqual(
      rows.map((o) => o.orderId),
      expected,
    );
    assert.equal(pages, Math.ceil(expected.length / 7));
    assert.ok(
      rows.every((o) => o.lines.length === 1),
      'orders come with their lines',
    );
  });

  it('orders in a time range by status, or by customer: exactly those, oldest first, each once', async () => {
    const from = new Date(BASE + 2 * 60_000);
    const to = new Date(BASE + 18 * 60_000);
    const inRange = placed
      .filter((o) => o.orderedAt >= from.getTime() && o.orderedAt < to.getTime())
      .sort((a, b) => a.orderedAt - b.orderedAt || compareBytewise(a.orderId, b.orderId));

    const cancelled = inRange.filter((o) => o.cancelled).map((o) => o.orderId);
    assert.ok(cancelled.length > 5);
    const byStatus = await walk(async (cursor) =>
      ordersOf(await orders.listOrdersInRange({ from, to, status: 'CANCELLED', limit: 4, cursor })),
    );
    assert.deepEqual(
      byStatus.rows.map((o) => o.orderId),
      cancelled,
    );
    assert.ok(byStatus.rows.every((o) => o.status === 'CANCELLED'));

    const mine = inRange.filter((o) => o.customerId === 'cust-7').map((o) => o.orderId);
    assert.ok(mine.length > 3);
    const byCustomer = await walk(async (cursor) =>
      ordersOf(await orders.listOrdersInRange({ from, to, customerId: 'cust-7', limit: 3, cursor })),
    );
    assert.deepEqual(
      byCustomer.rows.map((o) => o.orderId),
      mine,
    );

    const both = inRange.filter((o) => o.customerId === 'cust-3' && !o.cancelled).map((o) => o.orderId);
    const reserved = await orders.listOrdersInRange({
      from,
      to,
      customerId: 'cust-3',
      status: 'RESERVED',
      limit: 100,
    });
    assert.deepEqual(
      reserved.orders.map((o) => o.orderId),
      both,
    );

    const firstPage = await orders.listOrdersInRange({ from, to, status: 'CANCELLED', limit: 2 });
    await assert.rejects(
      orders.listOrdersInRange({ from, to, limit: 2, cursor: firstPage.nextCursor }),
      InvalidCursorError,
      'a cursor is bound to its filters',
    );
  });

  it("a customer's orders: newest first, with a since filter, each exactly once", async () => {
    const customerId = 'cust-5';
    const since = new Date(BASE + 5 * 60_000);
    const expected = placed
      .filter((o) => o.customerId === customerId && o.orderedAt >= since.getTime())
      .sort((a, b) => b.orderedAt - a.orderedAt || compareBytewise(b.orderId, a.orderId))
      .map((o) => o.orderId);
    const { rows } = await walk(async (cursor) =>
      ordersOf(await orders.listCustomerOrders({ customerId, limit: 3, cursor, since })),
    );
    assert.deepEqual(
      rows.map((o) => o.orderId),
      expected,
    );
  });

  /** The reference answer, straight from SQL without keysets or limits, sorted here. */
  async function everyHit(query: SearchQuery): Promise<string[]> {
    const all: { itemId: string; rank: number }[] = [];
    for (const { sql } of shardSet.shards) {
      const text = query.text ?? '';
      const rows = await sql<{ itemId: string; rank: number }[]>`
        select item_id as "itemId",
               ${text ? sql`ts_rank(search_vector, websearch_to_tsquery('english', ${text}))` : sql`0::real`} as rank
        from items
        where (${text} = '' or search_vector @@ websearch_to_tsquery('english', ${text}))
          and (${query.type ?? null}::text is null or item_type = ${query.type ?? null})
          and price_cents between ${query.minPriceCents ?? 0} and ${query.maxPriceCents ?? 2 ** 31 - 1}`;
      all.push(...rows);
    }
    return all.sort((a, b) => b.rank - a.rank || compareBytewise(a.itemId, b.itemId)).map((h) => h.itemId);
  }

  const searches: Omit<SearchQuery, 'limit'>[] = [
    { text: 'steel' },
    { text: 'materials -steel', type: 'electronics' },
    { text: '', minPriceCents: 5_000, maxPriceCents: 15_000 },
  ];
  for (const query of searches) {
    it(`item search ${JSON.stringify(query)}: ranked, merged, each hit exactly once`, async () => {
      const expected = await everyHit({ ...query, limit: 100 });
      assert.ok(expected.length > 20, `enough hits to page through (${expected.length})`);
      const { rows } = await walk(async (cursor) => {
        const page = await catalog.searchItems({ ...query, limit: 9, cursor });
        return { rows: page.items, nextCursor: page.nextCursor };
      });
      assert.deepEqual(
        rows.map((h) => h.itemId),
        expected,
      );
      for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1]!.rank >= rows[i]!.rank, 'rank never rises');
      for (const hit of rows) {
        if (query.type !== undefined) assert.equal(hit.type, query.type);
        if (query.minPriceCents !== undefined) assert.ok(hit.priceCents >= query.minPriceCents);
        if (query.maxPriceCents !== undefined) assert.ok(hit.priceCents <= query.maxPriceCents);
      }
    });
  }

  it('ranks name matches (weight A) above description-only matches (weight B)', async () => {
    const common = { priceCents: 100, type: 'test', stock: [] };
    await catalog.createItems([
      { ...common, itemId: 'zz-in-description', name: 'Plain mug', description: 'Glazed with zephyr blue' },
      { ...common, itemId: 'zz-in-name', name: 'Zephyr mug', description: 'Glazed in blue' },
    ]);
    const page = await catalog.searchItems({ text: 'zephyr', limit: 10 });
    assert.deepEqual(
      page.items.map((hit) => hit.itemId),
      ['zz-in-name', 'zz-in-description'],
    );
    assert.ok(page.items[0]!.rank > page.items[1]!.rank);
    assert.equal(page.nextCursor, undefined);
  });

  it('rejects a tampered cursor, or one from another listing, as InvalidCursorError (a 400)', async () => {
    const page = await catalog.searchItems({ text: 'steel', limit: 5 });
    const cursor = page.nextCursor!;
    const flipped = `${cursor.slice(0, 10)}${cursor[10] === 'A' ? 'B' : 'A'}${cursor.slice(11)}`;
    await assert.rejects(
      catalog.searchItems({ text: 'steel', limit: 5, cursor: flipped }),
      InvalidCursorError,
    );
    await assert.rejects(
      catalog.searchItems({ text: 'steel', limit: 5, cursor: 'garbage' }),
      InvalidCursorError,
    );
    await assert.rejects(catalog.searchItems({ text: 'wool', limit: 5, cursor }), InvalidCursorError);
    await assert.rejects(
      orders.listCustomerOrders({ customerId: 'cust-1', limit: 5, cursor }),
      InvalidCursorError,
    );
    const mine = await orders.listCustomerOrders({ customerId: 'cust-1', limit: 2 });
    await assert.rejects(
      orders.listCustomerOrders({ customerId: 'cust-2', limit: 2, cursor: mine.nextCursor }),
      InvalidCursorError,
      "a cursor is bound to its customer's listing",
    );
  });
});
