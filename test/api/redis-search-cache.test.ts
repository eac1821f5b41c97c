/**
 * The Redis search cache (api/redis-search-cache.ts) on a throwaway redis-server: two API instances share
 * entries, one's clear hides them from the other, entries expire with the TTL, and a Redis that is gone
 * makes searches misses rather than errors.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRedisSearchCache } from '../../api/redis-search-cache.js';
import type { SearchCache } from '../../api/search-cache.js';
import { createLogger } from '../../observability/logger.js';
import { type RunningRedis, startRedis } from '../support/redis-server.js';

interface Page {
  items: string[];
}

const logger = createLogger('test', 'error');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('search cache (Redis)', function () {
  this.timeout(30_000);
  let redis: RunningRedis;
  const opened: SearchCache<Page>[] = [];
  const open = async (ttlSeconds = 60, prefix = `t-${randomUUID().slice(0, 8)}:`) => {
    const cache = createRedisSearchCache<Page>({ url: redis.url, ttlSeconds, logger, prefix });
    opened.push(cache);
    await cache.ready();
    return cache;
  };
  /** Two API instances on one Redis. */
  const pair = async () => {
    const prefix = `t-${randomUUID().slice(0, 8)}:`;
    return [await open(60, prefix), await open(60, prefix)] as const;
  };

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await Promise.all(opened.map((cache) => cache.close()));
    await redis?.stop();
  });

  it('one instance hits what another stored', async () => {
    const [a, b] = await pair();
    assert.equal(await b.get('shoes'), undefined);
    await a.set('shoes', { items: ['x'] }, await a.epoch());
    assert.deepEqual(await b.get('shoes'), { items: ['x'] });
  });

  it("one instance's clear hides every entry from the others, and answers read before it stay out", async () => {
    const [a, b] = await pair();
    const before = await b.epoch();
    await a.set('shoes', { items: ['x'] }, await a.epoch());
    await a.clear();
    assert.equal(await b.get('shoes'), undefined);
    await b.set('boots', { items: ['stale'] }, before);
    assert.equal(await a.get('boots'), undefined);
  });

  it('entries expire with the TTL', async () => {
    const cache = await open(1);
    await cache.set('shoes', { items: ['x'] }, await cache.epoch());
    assert.deepEqual(await cache.get('shoes'), { items: ['x'] });
    await sleep(1_200);
    assert.equal(await cache.get('shoes'), undefined);
  });

  it('without Redis, a search is a miss, not an error', async () => {
    const cache = createRedisSearchCache<Page>({ url: 'redis://127.0.0.1:1', ttlSeconds: 60, logger });
    opened.push(cache);
    await cache.set('shoes', { items: ['x'] }, await cache.epoch());
    assert.equal(await cache.get('shoes'), undefined);
    await cache.clear();
  });
});
