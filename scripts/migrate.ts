/**
 * `node --import tsx scripts/migrate.ts`: applies pending migrations to every shard of SHARD_URLS.
 * Shards that are still starting (connection refused, recovery in progress) are waited for, up to a minute.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../config/env.js';
import { isTransientDbError } from '../db/errors.js';
import { migrateShards } from '../db/migrate.js';

const WAIT_FOR_SHARDS_MS = 60_000;

const config = loadConfig();
const urls = config.db.shardUrls;
console.log(`migrating ${urls.length} shard(s)`);
const deadline = Date.now() + WAIT_FOR_SHARDS_MS;
for (;;) {
  try {
    await migrateShards(urls, {
      connectTimeoutSeconds: config.db.connectTimeoutSeconds,
      onProgress: (message) => console.log(message),
    });
    console.log('all shards migrated');
    break;
  } catch (error) {
    if (isTransientDbError(error) && Date.now() < deadline) {
      console.log(`a shard is not reachable yet (${(error as Error).message}); retrying in 2 s`);
      await sleep(2_000);
      continue;
    }
    console.error('migration failed:', error);
    process.exitCode = 1;
    break;
  }
}
