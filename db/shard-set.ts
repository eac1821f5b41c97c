import type { PgDatabase } from 'drizzle-orm/pg-core';
import { drizzle, type PostgresJsDatabase, type PostgresJsQueryResultHKT } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { DbConfig } from '../config/env.js';
import { HashRing, shardIdForIndex } from './hash-ring.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type ShardDb = PostgresJsDatabase<Schema>;
/** A shard's drizzle database or a transaction on it. */
export type ShardQueryable = PgDatabase<PostgresJsQueryResultHKT, Schema>;

export interface Shard {
  /** `shard-<i>`: the index of its URL in SHARD_URLS. */
  readonly id: string;
  readonly sql: postgres.Sql;
  readonly db: ShardDb;
}

export interface ShardSet {
  readonly shards: readonly Shard[];
  forItem(itemId: string): Shard;
  forCustomer(customerId: string): Shard;
  byId(id: string): Shard;
  close(): Promise<void>;
}

/**
 * One postgres.js pool per shard. Connections open lazily, so creating a ShardSet never fails because a
 * shard is down; a query to a down shard fails within `connectTimeoutSeconds` with a transient error.
 */
export function createShardSet(config: DbConfig): ShardSet {
  if (config.shardUrls.length === 0) throw new RangeError('a shard set needs at least one shard URL');
  const shards: Shard[] = config.shardUrls.map((url, index) => {
    const sql = postgres(url, {
      max: config.poolSize,
      connect_timeout: config.connectTimeoutSeconds,
      onnotice: () => {},
      connection: { application_name: `order-platform:${shardIdForIndex(index)}` },
    });
    return { id: shardIdForIndex(index), sql, db: drizzleKeepingDateParsing(sql) };
  });
  const byId = new Map(shards.map((shard) => [shard.id, shard]));
  const ring = new HashRing(shards.map((shard) => shard.id));

  const shardById = (id: string): Shard => {
    const shard = byId.get(id);
    if (!shard) throw new RangeError(`unknown shard: ${id}`);
    return shard;
  };

  return {
    shards,
    forItem: (itemId) => shardById(ring.shardFor(itemId)),
    forCustomer: (customerId) => shardById(ring.shardFor(customerId)),
    byId: shardById,
    close: async () => {
      await Promise.all(shards.map((shard) => shard.sql.end({ timeout: 5 })));
    },
  };
}

const TIMESTAMPTZ_OID = 1184;

/**
 * drizzle() swaps the client's timestamp parsers for pass-through ones (it parses strings itself), which
 * would make every raw `shard.sql` query return timestamptz columns as strings and mis-serialize Date
 * parameters. Every timestamp here is timestamptz, and drizzle's `mode: 'date'` columns accept a Date
 * from the driver as well, so the client keeps postgres.js's own Date handling for that type.
 */
function drizzleKeepingDateParsing(sql: postgres.Sql): ShardDb {
  const parse = sql.options.parsers[TIMESTAMPTZ_OID];
  const serialize = sql.options.serializers[TIMESTAMPTZ_OID];
  const db = drizzle(sql, { schema });
  if (parse) sql.options.parsers[TIMESTAMPTZ_OID] = parse;
  if (serialize) sql.options.serializers[TIMESTAMPTZ_OID] = serialize;
  return db;
}

/** Groups values by the shard their routing key maps to, keeping their order within each group. */
export function groupByShard<T>(
  values: readonly T[],
  shardFor: (value: T) => Shard,
): { shard: Shard; values: T[] }[] {
  const groups = new Map<string, { shard: Shard; values: T[] }>();
  for (const value of values) {
    const shard = shardFor(value);
    const group = groups.get(shard.id);
    if (group) group.values.push(value);
    else groups.set(shard.id, { shard, values: [value] });
  }
  return [...groups.values()];
}
