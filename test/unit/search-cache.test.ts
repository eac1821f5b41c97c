/** The in-process search cache (api/search-cache.ts): hits, misses, the TTL, the size bound, clears and epochs. */
import assert from 'node:assert/strict';
import { createMemorySearchCache, searchCacheKey } from '../../api/search-cache.js';

interface Page {
  items: string[];
}

function cacheWithClock(ttlSeconds = 5, maxEntries = 100) {
  let now = 1_000;
  const cache = createMemorySearchCache<Page>({ ttlSeconds, maxEntries, now: () => now });
  const advance = (ms: number) => {
    now += ms;
  };
  return { cache, advance };
}

async function store(cache: ReturnType<typeof cacheWithClock>['cache'], key: string, page: Page) {
  await cache.set(key, page, await cache.epoch());
}

describe('search cache (in process)', () => {
  it('misses an unknown search and hits one it stored', async () => {
    const { cache } = cacheWithClock();
    assert.equal(await cache.get('shoes'), undefined);
    await store(cache, 'shoes', { items: ['a'] });
    assert.deepEqual(await cache.get('shoes'), { items: ['a'] });
    assert.equal(await cache.get('boots'), undefined);
  });

  it('forgets an entry once its TTL has passed', async () => {
    const { cache, advance } = cacheWithClock(5);
    await store(cache, 'shoes', { items: ['a'] });
    advance(4_999);
    assert.deepEqual(await cache.get('shoes'), { items: ['a'] });
    advance(2);
    assert.equal(await cache.get('shoes'), undefined);
  });

  it('holds at most maxEntries, dropping the least recently used', async () => {
    const { cache } = cacheWithClock(5, 2);
    await store(cache, 'a', { items: ['a'] });
    await store(cache, 'b', { items: ['b'] });
    await cache.get('a');
    await store(cache, 'c', { items: ['c'] });
    assert.equal(await cache.get('b'), undefined);
    assert.deepEqual(await cache.get('a'), { items: ['a'] });
    assert.deepEqual(await cache.get('c'), { items: ['c'] });
  });

  it('clear drops every entry', async () => {
    const { cache } = cacheWithClock();
    await store(cache, 'a', { items: ['a'] });
    await store(cache, 'b', { items: ['b'] });
    await cache.clear();
    assert.equal(await cache.get('a'), undefined);
    assert.equal(await cache.get('b'), undefined);
  });

  it('does not store an answer read before a clear (a search racing a stock change)', async () => {
    const { cache } = cacheWithClock();
    const before = await cache.epoch();
    await cache.clear();
    await cache.set('shoes', { items: ['stale'] }, before);
    assert.equal(await cache.get('shoes'), undefined);
    await cache.set('shoes', { items: ['fresh'] }, await cache.epoch());
    assert.deepEqual(await cache.get('shoes'), { items: ['fresh'] });
  });

  it('keys a search by every field that changes its answer', () => {
    const base = { text: 'red shoes', type: 'shoe', minPriceCents: 100, maxPriceCents: 900, limit: 20 };
    const key = searchCacheKey(base);
    assert.equal(searchCacheKey({ ...base }), key);
    for (const changed of [
      { text: 'blue shoes' },
      { text: ' red shoes' },
      { type: 'boot' },
      { minPriceCents: 101 },
      { maxPriceCents: 901 },
      { limit: 21 },
      { cursor: 'abc' },
      { minPriceCents: undefined },
    ]) {
      assert.notEqual(searchCacheKey({ ...base, ...changed }), key, JSON.stringify(changed));
    }
  });
});
