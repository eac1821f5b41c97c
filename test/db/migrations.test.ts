import assert from 'node:assert/strict';
import postgres from 'postgres';
import { migrateShards } from '../../db/migrate.js';
import { testStack } from '../support/stack.js';
import { uniqueId } from './fixtures.js';

/** Migrations run against a fresh database on the suite's first shard server. */
describe('shard migrations', () => {
  const database = uniqueId('migrations').replaceAll('-', '_');
  let url: string;
  let admin: postgres.Sql;

  before(async () => {
    const base = new URL(testStack().shardUrls[0]!);
    admin = postgres(base.toString(), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${database}`);
    base.pathname = `/${database}`;
    url = base.toString();
  });
  after(async () => {
    await admin.unsafe(`drop database if exists ${database} with (force)`);
    await admin.end();
  });

  async function inspect() {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const tables = await sql<{ name: string }[]>`
        select table_name as name from information_schema.tables where table_schema = 'public' order by 1`;
      const [applied] = await sql<
        { n: number }[]
      >`select count(*)::int as n from drizzle.__drizzle_migrations`;
      return { tables: tables.map((t) => t.name), applied: applied!.n };
    } finally {
      await sql.end();
    }
  }

  it('creates every table, and running again (even concurrently) applies nothing', async () => {
    await Promise.all([migrateShards([url]), migrateShards([url])]);
    const first = await inspect();
    assert.deepEqual(first.tables, [
      'cart_lines',
      'carts',
      'items',
      'order_lines',
      'orders',
      'payments',
      'stock',
      'stock_adjustments',
      'stock_reservations',
      'suborder_lines',
      'suborders',
      'warehouse_allocations',
      'warehouse_stock',
      'warehouses',
    ]);
    assert.ok(first.applied >= 1);

    await migrateShards([url]);
    assert.deepEqual(await inspect(), first);
  });

  it('enforces the last line of defence: CHECK constraints on counters and statuses', async () => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await sql`insert into warehouses (warehouse_id, name, region, latitude, longitude) values ('w', 'W', 'r', 0, 0)`;
      await sql`insert into items (item_id, name, price_cents, item_type) values ('i', 'Thing', 100, 't')`;
      const violations: [string, () => Promise<unknown>][] = [
        [
          'physical >= available',
          () =>
            sql`insert into warehouse_stock (item_id, warehouse_id, physical, available) values ('i', 'w', 1, 2)`,
        ],
        ['available >= 0', () => sql`insert into stock (item_id, available) values ('i', -1)`],
        [
          'valid status',
          () =>
            sql`insert into stock_reservations (order_id, item_id, quantity, status) values ('o', 'i', 1, 'HELD')`,
        ],
        [
          'valid order status',
          () =>
            sql`insert into orders (order_id, customer_id, status, total_cents) values ('o', 'c', 'LOST', 0)`,
        ],
        [
          'no negative money',
          () => sql`insert into items (item_id, name, price_cents, item_type) values ('j', 'X', -1, 't')`,
        ],
        [
          'no dot in warehouse ids',
          () =>
            sql`insert into warehouses (warehouse_id, name, region, latitude, longitude) values ('a.b', 'W', 'r', 0, 0)`,
        ],
      ];
      for (const [rule, attempt] of violations) {
        await assert.rejects(attempt(), (error: { code?: string }) => error.code === '23514', rule);
      }
      const [item] = await sql<{ matches: boolean }[]>`
        select search_vector @@ to_tsquery('english', 'thing') as matches from items where item_id = 'i'`;
      assert.equal(item?.matches, true, 'the generated tsvector column is filled in');
    } finally {
      await sql.end();
    }
  });
});
