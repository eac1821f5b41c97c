/**
 * Live stock: one LISTEN connection per shard on channel `stock_changed` (a trigger on `stock` notifies
 * every committed change of `available`), fanned out to the subscribers of each item.
 */
import { loggableError } from '../db/errors.js';
import { readStockLevels, type StockLevel } from '../db/repositories/stock-table.js';
import type { Shard, ShardSet } from '../db/shard-set.js';
import type { Logger } from '../observability/logger.js';

export const STOCK_CHANNEL = 'stock_changed';
export type { StockLevel };

export interface StockEvents {
  /**
   * Calls `onChange` with every later change of the item's stock. Resolves once the item's shard is
   * listened to; rejects when it cannot be (shard down). The returned function unsubscribes.
   */
  subscribe(itemId: string, onChange: (level: StockLevel) => void): Promise<() => void>;
  /**
   * Calls `onAnyChange` with every later stock change on any shard, and with none after a shard's LISTEN
   * connection reconnects (changes may have been missed). Resolves once every shard is listened to;
   * rejects when one cannot be, and then keeps trying that shard until it is. Returns an unsubscribe.
   */
  watchAll(onAnyChange: (level?: StockLevel) => void): Promise<() => void>;
  close(): Promise<void>;
}

export interface StockEventsDeps {
  shardSet: ShardSet;
  logger: Logger;
  /** How long to wait for a shard's LISTEN connection before giving up. */
  listenTimeoutMs?: number;
}

type Listener = (level: StockLevel) => void;

function parseLevel(payload: string): StockLevel | undefined {
  try {
    const value = JSON.parse(payload) as Partial<StockLevel>;
    if (
      typeof value.itemId === 'string' &&
      Number.isInteger(value.available) &&
      Number.isInteger(value.version)
    ) {
      return value as StockLevel;
    }
  } catch {
    // not ours: ignore
  }
  return undefined;
}

export function createStockEvents({
  shardSet,
  logger,
  listenTimeoutMs = 5_000,
}: StockEventsDeps): StockEvents {
  const listeners = new Map<string, Set<Listener>>();
  const listening = new Map<string, Promise<{ unlisten(): Promise<void> }>>();
  const watchers = new Set<(level?: StockLevel) => void>();

  const dispatch = (level: StockLevel) => {
    for (const listener of listeners.get(level.itemId) ?? []) listener(level);
  };

  /** After a reconnect, notifications sent while we were away are lost: re-read what subscribers watch. */
  async function resync(shard: Shard): Promise<void> {
    const itemIds = [...listeners.keys()].filter((id) => shardSet.forItem(id) === shard);
    if (itemIds.length === 0) return;
    try {
      for (const row of await readStockLevels(shard.sql, itemIds)) dispatch(row);
    } catch (error) {
      logger.warn('stock events: resync failed', { shard: shard.id, error: loggableError(error) });
    }
  }

  function listen(shard: Shard): Promise<unknown> {
    let started = listening.get(shard.id);
    if (!started) {
      started = shard.listenSql.listen(
        STOCK_CHANNEL,
        (payload) => {
          const level = parseLevel(payload);
          if (!level) return;
          dispatch(level);
          for (const watcher of watchers) watcher(level);
        },
        () => {
          for (const watcher of watchers) watcher();
          void resync(shard);
        },
      );
      listening.set(shard.id, started);
      // A failed start is forgotten, so the next subscriber tries again.
      started.catch(() => listening.delete(shard.id));
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no LISTEN on ${shard.id} within ${listenTimeoutMs} ms`)),
        listenTimeoutMs,
      );
    });
    return Promise.race([started, timeout]).finally(() => clearTimeout(timer));
  }

  let closed = false;
  /** Shards a watcher could not listen to at first: tried again every few seconds until they answer. */
  function retryListen(shards: readonly Shard[]): void {
    const timer = setTimeout(async () => {
      if (closed || watchers.size === 0) return;
      const results = await Promise.allSettled(shards.map((shard) => listen(shard)));
      const still = shards.filter((_, i) => results[i]?.status === 'rejected');
      if (still.length > 0) retryListen(still);
      else for (const watcher of watchers) watcher();
    }, listenTimeoutMs);
    timer.unref();
  }

  return {
    async subscribe(itemId, onChange) {
      await listen(shardSet.forItem(itemId));
      let set = listeners.get(itemId);
      if (!set) {
        set = new Set();
        listeners.set(itemId, set);
      }
      set.add(onChange);
      return () => {
        set.delete(onChange);
        if (set.size === 0 && listeners.get(itemId) === set) listeners.delete(itemId);
      };
    },

    async watchAll(onAnyChange) {
      watchers.add(onAnyChange);
      const unwatch = () => void watchers.delete(onAnyChange);
      const results = await Promise.allSettled(shardSet.shards.map((shard) => listen(shard)));
      const failed = shardSet.shards.filter((_, i) => results[i]?.status === 'rejected');
      if (failed.length > 0) {
        retryListen(failed);
        throw new Error(`no LISTEN on ${failed.map((shard) => shard.id).join(', ')}`);
      }
      return unwatch;
    },

    async close() {
      closed = true;
      watchers.clear();
      listeners.clear();
      const started = [...listening.values()];
      listening.clear();
      await Promise.allSettled(started.map(async (meta) => (await meta).unlisten()));
    },
  };
}
