import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** Any fixed number: the session-level advisory lock that serialises migrators racing on one shard. */
const MIGRATION_LOCK_KEY = 7_310_420_001;

export interface MigrateOptions {
  connectTimeoutSeconds?: number;
  onProgress?: (message: string) => void;
}

/**
 * Brings every shard to the latest schema with drizzle's migrator. Applied migrations are recorded in
 * `drizzle.__drizzle_migrations` on each shard, so a second run applies nothing.
 */
export async function migrateShards(urls: readonly string[], options: MigrateOptions = {}): Promise<void> {
  await Promise.all(
    urls.map(async (url, index) => {
      const started = Date.now();
      await migrateShard(url, options.connectTimeoutSeconds ?? 10);
      options.onProgress?.(`shard-${index}: schema up to date (${Date.now() - started} ms)`);
    }),
  );
}

async function migrateShard(url: string, connectTimeoutSeconds: number): Promise<void> {
  // One connection, so the advisory lock is held by the session that runs the migrations.
  const sql = postgres(url, { max: 1, connect_timeout: connectTimeoutSeconds, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
