import type { Tracer } from '@opentelemetry/api';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import { drizzle, type PostgresJsDatabase, type PostgresJsQueryResultHKT } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { DbConfig } from '../config/env.js';
import { tracedSql } from '../observability/sql-spans.js';
import { HashRing, shardIdForIndex } from './hash-ring.js';
import { PrimaryWatch } from './replicas/primary-watch.js';
import { hostsOf, withSessionAttrs } from './replicas/shard-url.js';
import { StandbyReads } from './replicas/standby-reads.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type ShardDb = PostgresJsDatabase<Schema>;
/** A shard's drizzle database or a transaction on it. */
export type ShardQueryable = PgDatabase<PostgresJsQueryResultHKT, Schema>;

export interface Shard {
  /** `shard-<i>`: the index of its URL in SHARD_URLS. */
  readonly id: string;
  /** The shard's primary: every write, and every read that must be current. */
  readonly sql: postgres.Sql;
  readonly db: ShardDb;
  /**
   * Reads that may lag a little (catalog search): a standby that answers when the shard has one, else the
   * primary.
   */
  readonly replicaSql: postgres.Sql;
  readonly replicaDb: ShardDb;
  /** The connection LISTEN runs on (the primary: notifications are not replicated). */
  readonly listenSql: postgres.Sql;
  /** Its URL in SHARD_URLS (one node, or every node of the shard). */
  readonly url: string;
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
 * A shard with standbys (a multi-host URL) gets a primary watch, a pool for reads that may lag, and its
 * own LISTEN connection. With a tracer, every pool makes a span per statement run inside a trace.
 */
export function createShardSet(config: DbConfig, tracer?: Tracer): ShardSet {
  if (config.shardUrls.length === 0) throw new RangeError('a shard set needs at least one shard URL');
  const closers: (() => Promise<void>)[] = [];
  const shards: Shard[] = config.shardUrls.map((url, index) => {
    const id = shardIdForIndex(index);
    const makePool = (poolUrl: string, max = config.poolSize) => {
      const pool = postgres(poolUrl, {
        max,
        connect_timeout: config.connectTimeoutSeconds,
        onnotice: () => {},
        connection: { application_name: `order-platform:${id}` },
      });
      return tracer ? tracedSql(pool, id, tracer) : pool;
    };
    if (hostsOf(url).length === 1) {
      const sql = makePool(url);
      const db = drizzleKeepingDateParsing(sql);
      closers.push(() => sql.end({ timeout: 5 }));
      return { id, sql, db, replicaSql: sql, replicaDb: db, listenSql: sql, url };
    }
    // `primary`, whatever the URL says: postgres.js takes a PostgreSQL 14+ hot standby for `read-write`
    // (it trusts default_transaction_read_only, which a standby reports as off).
    const primaryUrl = withSessionAttrs(url, 'primary');
    const standbyReads: StandbyReads = new StandbyReads({
      url,
      makePool: (poolUrl) => makePool(poolUrl),
      primary: () => watch.sql,
    });
    const watch = new PrimaryWatch({
      url: primaryUrl,
      connectTimeoutSeconds: config.connectTimeoutSeconds,
      makePool: (poolUrl) => makePool(poolUrl),
      onReadings: (readings) => standbyReads.follow(readings),
    });
    watch.start();
    const listenSql = makePool(primaryUrl, 1);
    closers.push(
      () => watch.close(),
      () => standbyReads.close(),
      () => listenSql.end({ timeout: 5 }),
    );
    return {
      id,
      get sql() {
        return watch.sql;
      },
      get db() {
        return dbOf(watch.sql);
      },
      get replicaSql() {
        return standbyReads.sql;
      },
      get replicaDb() {
        return dbOf(standbyReads.sql);
      },
      listenSql,
      url,
    };
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
      await Promise.all(closers.map((close) => close()));
    },
  };
}

const dbs = new WeakMap<postgres.Sql, ShardDb>();

/** The drizzle database over a pool, made once per pool (a primary watch replaces the pool on failover). */
function dbOf(sql: postgres.Sql): ShardDb {
  let db = dbs.get(sql);
  if (!db) {
    db = drizzleKeepingDateParsing(sql);
    dbs.set(sql, db);
  }
  return db;
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
