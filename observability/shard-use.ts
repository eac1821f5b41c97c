/**
 * Which shards a step used: a ShardSet whose lookups note the shard in the running step's record, so a
 * step's latency can be labelled by its shard without every repository call passing it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ShardSet } from '../db/shard-set.js';

export function createShardUseTracker() {
  // Every record open around the running code: a step's runs may nest (one per interceptor that asks).
  const current = new AsyncLocalStorage<readonly Set<string>[]>();
  const noted = <T extends { id: string }>(shard: T): T => {
    for (const used of current.getStore() ?? []) used.add(shard.id);
    return shard;
  };
  return {
    /** The same shards; each lookup (by item, customer or id) is noted in the step running it. */
    tracking(shardSet: ShardSet): ShardSet {
      return {
        shards: shardSet.shards,
        forItem: (itemId) => noted(shardSet.forItem(itemId)),
        forCustomer: (customerId) => noted(shardSet.forCustomer(customerId)),
        byId: (id) => noted(shardSet.byId(id)),
        close: () => shardSet.close(),
      };
    },
    /** Runs `step`, collecting into `used` the ids of the shards it looked up. */
    run<T>(used: Set<string>, step: () => Promise<T>): Promise<T> {
      return current.run([...(current.getStore() ?? []), used], step);
    },
  };
}

export type ShardUseTracker = ReturnType<typeof createShardUseTracker>;

/** `shard-0` for one shard, `none` or `several` otherwise: a label with few values. */
export function shardLabel(used: ReadonlySet<string>): string {
  if (used.size === 1) return [...used][0]!;
  return used.size === 0 ? 'none' : 'several';
}
