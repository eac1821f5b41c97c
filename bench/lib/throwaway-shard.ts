/**
 * One migrated PostgreSQL shard of a benchmark's own, in a temporary directory, and a shard set on it;
 * `stop()` closes the pool, stops the server and removes the directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateShards } from '../../db/migrate.js';
import { createShardSet, type ShardSet } from '../../db/shard-set.js';
import { parseProvider } from '../../scripts/lib/postgres-binaries.js';
import { ShardCluster } from '../../scripts/lib/shard-cluster.js';

export interface ThrowawayShard {
  shardSet: ShardSet;
  /** The temporary directory, for other files of the run; removed by `stop()`. */
  dir: string;
  stop(): Promise<void>;
}

export async function startThrowawayShard(poolSize: number): Promise<ThrowawayShard> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-platform-bench-'));
  fs.chmodSync(dir, 0o755);
  console.log(`starting a throwaway shard in ${dir}`);
  const cluster = await ShardCluster.start({
    count: 1,
    baseDir: dir,
    fallbackDir: dir,
    provider: parseProvider(process.env['PG_PROVIDER']),
    durable: false,
  });
  const shardSet = createShardSet({ shardUrls: cluster.urls, poolSize, connectTimeoutSeconds: 5 });
  const stop = async () => {
    await shardSet.close();
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await migrateShards(cluster.urls);
  } catch (error) {
    await stop();
    throw error;
  }
  return { shardSet, dir, stop };
}
