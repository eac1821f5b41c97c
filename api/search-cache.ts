/**
 * A cache of GET /items answers, keyed by the normalized query. Entries live at most the TTL, and the whole
 * cache is cleared whenever an item or its stock changes (the shards NOTIFY every stock change; see
 * stock-events.ts), since every answer shows availability. A notification lost while a shard's LISTEN
 * connection reconnects is covered by clearing on reconnect, and in any case an answer is never older
 * than the TTL.
 *
 * Each clear starts a new epoch; an answer read from the shards is stored only if no clear happened while
 * it was being read, so a search racing a stock change cannot put the old availability back.
 */
import { LRUCache } from 'lru-cache';
import type { SearchQuery } from '../db/repositories/catalog-repository.js';

export interface SearchCache<V> {
  get(key: string): Promise<V | undefined>;
  /** The current epoch: take it before reading what `set` will store. */
  epoch(): Promise<number>;
  /** Stores `value` unless the cache was cleared since `epoch`. */
  set(key: string, value: V, epoch: number): Promise<void>;
  /** Drops every entry and starts a new epoch. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export interface MemorySearchCacheOptions {
  ttlSeconds: number;
  maxEntries: number;
  /** Milliseconds clock for TTL tracking; `performance.now` unless a test injects one. */
  now?: () => number;
}

/**
 * The key of a search: every field that changes the answer, in a fixed order. The text is kept as sent, not
 * trimmed: the page's `nextCursor` is bound to it.
 */
export function searchCacheKey(query: SearchQuery): string {
  return JSON.stringify([
    query.text ?? '',
    query.type ?? '',
    query.minPriceCents ?? null,
    query.maxPriceCents ?? null,
    query.limit,
    query.cursor ?? '',
  ]);
}

/** This process's own cache: an LRU bounded to `maxEntries`, each entry living `ttlSeconds`. */
export function createMemorySearchCache<V extends object>(options: MemorySearchCacheOptions): SearchCache<V> {
  const now = options.now;
  const lru = new LRUCache<string, V>({
    max: options.maxEntries,
    ttl: options.ttlSeconds * 1000,
    ttlResolution: 0,
    ...(now ? { perf: { now } } : {}),
  });
  let epoch = 0;
  return {
    async get(key) {
      return lru.get(key);
    },
    async epoch() {
      return epoch;
    },
    async set(key, value, since) {
      if (since === epoch) lru.set(key, value);
    },
    async clear() {
      epoch += 1;
      lru.clear();
    },
    async close() {
      lru.clear();
    },
  };
}
