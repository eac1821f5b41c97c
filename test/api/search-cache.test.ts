/**
 * GET /items through the API's search cache: a repeated search is a hit; a stock change made in a shard
 * behind the API's back (so only the shard's notification can tell it) and an operator's new item each make
 * the next search a miss with the new answer. The TTL is long, so only an invalidation can cause a miss.
 * Once with the API's in-process cache, once with the cache in a throwaway redis-server (REDIS_URL).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { type RunningRedis, startRedis } from '../support/redis-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const where of ['in process', 'in Redis'] as const) {
  describe(`api: search cache ${where}`, function () {
    this.timeout(120_000);
    let redis: RunningRedis | undefined;
    // Registered before usePlatform's hooks: Redis is up before the API starts, and stops after it.
    before(async () => {
      if (where === 'in Redis') redis = await startRedis();
    });
    after(async () => {
      await redis?.stop();
    });
    searchCacheCases(
      usePlatform({
        env: () => ({ SEARCH_CACHE_TTL_SECONDS: '600', ...(redis ? { REDIS_URL: redis.url } : {}) }),
        processes: ['api'],
        operator: 'ops-search-cache',
      }),
    );
    if (where === 'in Redis') {
      it('keeps its entries and epoch in Redis', async () => {
        const client = new Redis(redis!.url);
        try {
          const keys = await client.keys('search-cache:*');
          assert.ok(keys.includes('search-cache:epoch'), JSON.stringify(keys));
          assert.ok(keys.length > 1, JSON.stringify(keys));
        } finally {
          client.disconnect();
        }
      });
    }
  });
}

function searchCacheCases(live: ReturnType<typeof usePlatform>) {
  const type = `cache${randomUUID().slice(0, 8)}`;
  const itemId = `it-${randomUUID().slice(0, 12)}`;
  const search = () => api(live.platform, 'GET', `/items?type=${type}`);

  /** Searches until one is a miss (the cache was cleared), or fails after `timeoutMs`. */
  async function nextMiss(timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await search();
      assert.equal(res.status, 200);
      if (res.headers.get('x-cache') === 'miss') return res;
      assert.equal(res.headers.get('x-cache'), 'hit');
      if (Date.now() > deadline) throw new Error(`still a cache hit after ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  before(async () => {
    await live.db.repos.catalog.createItems([
      {
        itemId,
        name: 'Cached lantern',
        description: 'Made for a test',
        priceCents: 1500,
        type,
        stock: [{ warehouseId: 'wh-east', quantity: 5 }],
      },
    ]);
  });

  it('answers a repeated search from the cache', async () => {
    const first = await search();
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-cache'), 'miss');
    assert.deepEqual(
      first.body.items.map((item: { itemId: string; available: number }) => [item.itemId, item.available]),
      [[itemId, 5]],
    );
    // The item's own creation notifies too, possibly after the first search: wait for the first hit.
    let res = await search();
    for (let tries = 0; res.headers.get('x-cache') !== 'hit' && tries < 20; tries += 1) {
      await sleep(100);
      res = await search();
    }
    for (let i = 0; i < 3; i += 1) {
      res = await search();
      assert.equal(res.headers.get('x-cache'), 'hit');
      assert.deepEqual(res.body, first.body);
    }
  });

  it("a stock change in the item's shard makes the next search a miss with the new availability", async () => {
    assert.equal((await search()).headers.get('x-cache'), 'hit');
    await live.db.repos.warehouseStock.restock({
      adjustmentId: `adj-${randomUUID()}`,
      itemId,
      warehouseId: 'wh-east',
      quantity: 3,
    });
    const res = await nextMiss();
    assert.equal(res.body.items[0].available, 8);
    assert.equal((await search()).headers.get('x-cache'), 'hit');
  });

  it("an operator's new item makes the next search a miss that lists it", async () => {
    assert.equal((await search()).headers.get('x-cache'), 'hit');
    const created = await api(live.platform, 'POST', '/admin/items', {
      token: live.operator,
      body: {
        name: 'Second lantern',
        description: '',
        price: 1600,
        type,
        stock: [{ warehouseId: 'wh-east', quantity: 2 }],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const res = await search();
    assert.equal(res.headers.get('x-cache'), 'miss');
    assert.deepEqual(
      res.body.items.map((item: { itemId: string }) => item.itemId).sort(),
      [itemId, created.body.itemId].sort(),
    );
  });
}
