/** `node --import tsx scripts/migrate.ts`: applies pending migrations to every shard of SHARD_URLS. */
import { loadConfig } from '../config/env.js';
import { migrateShards } from '../db/migrate.js';

const config = loadConfig();
const urls = config.db.shardUrls;
console.log(`migrating ${urls.length} shard(s)`);
try {
  await migrateShards(urls, {
    connectTimeoutSeconds: config.db.connectTimeoutSeconds,
    onProgress: (message) => console.log(message),
  });
  console.log('all shards migrated');
} catch (error) {
  console.error('migration failed:', error);
  process.exitCode = 1;
}
