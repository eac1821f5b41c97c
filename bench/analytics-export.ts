import path from 'node:path';
import { parseArgs } from 'node:util';
import { exportShard, type ShardExportCounts } from '../analytics/shard-export.js';
import { openWarehouse } from '../analytics/warehouse.js';
import { checkHeldStock } from '../db/held-stock-check.js';
import { runInvariantChecks } from '../db/invariants.js';
import { demoItemId, seedDemoCatalog } from '../db/seed-demo-catalog.js';
import type { Shard } from '../db/shard-set.js';
import { startThrowawayShard } from './lib/throwaway-shard.js';

const { values } = parseArgs({
  options: { orders: { type: 'string', default: '20000' }, items: { type: 'string', default: '5000' } },
});
const ORDERS = Number(values.orders);
const ITEMS = Number(values.items);

async function seedOrders(shard: Shard): Promise<void> {
  await shard.sql`
    with made as (
      insert into orders (order_id, customer_id, status, total_cents)
      select 'bench-' || n, 'cust-' || (n % 997), 'PENDING', 3000 from generate_series(1, ${ORDERS}) n
      returning order_id)
    insert into order_lines (order_id, item_id, quantity, price_cents)
    select order_id, item, 1, 1500 from made, unnest(${[demoItemId(1), demoItemId(2)]}::text[]) item`;
  await shard.sql`
    insert into payments (idempotency_key, customer_id, order_id, operation, amount_cents, outcome)
    select o.order_id || ':' || op, o.customer_id, o.order_id, op, 3000, 'SUCCEEDED'
    from orders o, unnest(array['AUTHORIZE', 'CAPTURE']) op where o.order_id like 'bench-%'`;
  await shard.sql`
    insert into stock_reservations (order_id, item_id, quantity, status)
    select order_id, item_id, quantity, 'COMMITTED' from order_lines where order_id like 'bench-%'`;
  // Shipped, so the stock counters still add up (checks 1–3).
  await shard.sql`
    insert into warehouse_allocations (order_id, item_id, warehouse_id, quantity, status)
    select order_id, item_id, 'wh-east', quantity, 'SHIPPED' from order_lines where order_id like 'bench-%'`;
  await shard.sql`
    insert into suborders (suborder_id, order_id, customer_id, warehouse_id, status)
    select order_id || '.wh-east', order_id, customer_id, 'wh-east', 'ALLOCATED' from orders
    where order_id like 'bench-%'`;
}

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
};

const describe = (counts: ShardExportCounts) =>
  Object.entries(counts)
    .map(([table, c]) => `${table} ${c.read} read/${c.changed} changed`)
    .join(', ');

async function main(): Promise<void> {
  const { shardSet, dir, stop } = await startThrowawayShard(4);
  try {
    const [, seedSeconds] = await timed(async () => {
      await seedDemoCatalog(shardSet, { items: ITEMS });
      await seedOrders(shardSet.shards[0]!);
    });
    console.log(`seeded ${ITEMS} items and ${ORDERS} orders in ${seedSeconds.toFixed(1)} s`);

    const [checks, verifySeconds] = await timed(() => runInvariantChecks(shardSet));
    const violations = checks.reduce((sum, c) => sum + c.violations.length, 0);
    console.log(`verify, checks 1–4: ${verifySeconds.toFixed(2)} s, ${violations} violation(s)`);
    const [held, heldSeconds] = await timed(() => checkHeldStock(shardSet));
    console.log(
      `verify, check 5: ${heldSeconds.toFixed(2)} s over ${held[0]!.rowsExamined} held reservations, ${held[0]!.violations.length} violation(s)`,
    );

    const warehouse = await openWarehouse(path.join(dir, 'analytics.duckdb'));
    try {
      const shard = shardSet.shards[0]!;
      const [first, firstSeconds] = await timed(() => exportShard(shard, warehouse));
      console.log(`first export: ${firstSeconds.toFixed(2)} s (${describe(first)})`);
      const [again, againSeconds] = await timed(() => exportShard(shard, warehouse));
      console.log(`second export, nothing new: ${againSeconds.toFixed(2)} s (${describe(again)})`);
      await shard.sql`
        update orders set status = 'CANCELLED', version = version + 1, updated_at = now()
        where order_id in (select order_id from orders where order_id like 'bench-%' limit ${Math.ceil(ORDERS / 100)})`;
      const [changed, changedSeconds] = await timed(() => exportShard(shard, warehouse));
      console.log(`third export, 1% changed: ${changedSeconds.toFixed(2)} s (${describe(changed)})`);
    } finally {
      warehouse.close();
    }
  } finally {
    await stop();
  }
}

await main();
