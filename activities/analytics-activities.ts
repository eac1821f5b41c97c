/**
 * The analytics export's steps. DuckDB lets one process write the warehouse file at a time, so these run in
 * the order worker only (one replica of it), and one at a time within it. Each step is idempotent: it copies
 * rows by primary key from its shard's watermark on, so a retried or repeated step changes nothing more.
 */
import { Context } from '@temporalio/activity';
import { exportShard, type ShardExportCounts } from '../analytics/shard-export.js';
import { openWarehouse } from '../analytics/warehouse.js';
import type { ShardSet } from '../db/shard-set.js';

export interface AnalyticsActivityDeps {
  shardSet: ShardSet;
  /** The DuckDB file (ANALYTICS_DB_PATH). */
  warehousePath: string;
}

export function createAnalyticsActivities(deps: AnalyticsActivityDeps) {
  let previous: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(job: () => Promise<T>): Promise<T> => {
    const next = previous.then(job, job);
    previous = next.catch(() => {});
    return next;
  };
  return {
    async analyticsShardIds(): Promise<string[]> {
      return deps.shardSet.shards.map((shard) => shard.id);
    },

    async exportShardToWarehouse(shardId: string): Promise<ShardExportCounts> {
      return oneAtATime(async () => {
        const warehouse = await openWarehouse(deps.warehousePath);
        try {
          return await exportShard(deps.shardSet.byId(shardId), warehouse, {
            onBatch: () => Context.current().heartbeat(),
          });
        } finally {
          warehouse.close();
        }
      });
    },
  };
}

export type AnalyticsActivities = ReturnType<typeof createAnalyticsActivities>;
