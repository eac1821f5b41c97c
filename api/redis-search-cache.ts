/**
 * The search cache in Redis (REDIS_URL), shared by every API instance. The epoch is a counter in Redis:
 * a clear increments it, and entries are stored under their epoch, so one instance's clear hides every
 * instance's older entries at once (they expire with their TTL; give Redis a `maxmemory` with an LRU
 * policy to bound it). Redis unreachable: searches are misses and go to the shards; a failed clear is
 * logged, and its entries stay at most the TTL.
 */
import { Redis } from 'ioredis';
import { loggableError } from '../db/errors.js';
import type { Logger } from '../observability/logger.js';
import type { SearchCache } from './search-cache.js';

export interface RedisSearchCacheOptions {
  url: string;
  ttlSeconds: number;
  logger: Logger;
  /** Prefix of every key; lets tests share one server. */
  prefix?: string;
}

export function createRedisSearchCache<V>({
  url,
  ttlSeconds,
  logger,
  prefix = 'search-cache:',
}: RedisSearchCacheOptions): SearchCache<V> & { ready(): Promise<void> } {
  // Fail commands at once while disconnected instead of queueing them: a search must not wait on Redis.
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on('error', (error) => logger.debug('search cache: redis error', { error: loggableError(error) }));
  const epochKey = `${prefix}epoch`;
  const entryKey = (epoch: number, key: string) => `${prefix}${epoch}:${key}`;

  async function currentEpoch(): Promise<number> {
    return Number((await redis.get(epochKey)) ?? 0);
  }

  return {
    /** Resolves once connected (until then every search is a miss). */
    ready: () =>
      redis.status === 'ready' ? Promise.resolve() : new Promise((resolve) => redis.once('ready', resolve)),
    async get(key) {
      try {
        const raw = await redis.get(entryKey(await currentEpoch(), key));
        return raw === null ? undefined : (JSON.parse(raw) as V);
      } catch {
        return undefined;
      }
    },
    async epoch() {
      try {
        return await currentEpoch();
      } catch {
        return -1;
      }
    },
    async set(key, value, epoch) {
      // Stored under the epoch read before the search: after a clear nobody reads that epoch any more.
      if (epoch < 0) return;
      try {
        await redis.set(entryKey(epoch, key), JSON.stringify(value), 'PX', ttlSeconds * 1000);
      } catch {
        // a miss next time
      }
    },
    async clear() {
      try {
        await redis.incr(epochKey);
      } catch (error) {
        logger.warn('search cache: clear failed, entries stay until their TTL', {
          error: loggableError(error),
        });
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
