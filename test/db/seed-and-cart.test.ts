import assert from 'node:assert/strict';
import { NotFoundError, OutOfStockError } from '../../db/errors.js';
import { checkInvariants } from '../../db/invariants.js';
import { createCartRepository } from '../../db/repositories/cart-repository.js';
import { createCatalogRepository } from '../../db/repositories/catalog-repository.js';
import { createWarehouseRepository } from '../../db/repositories/warehouse-repository.js';
import {
  DEMO_WAREHOUSES,
  demoCatalogItems,
  demoItemId,
  seedDemoCatalog,
} from '../../db/seed-demo-catalog.js';
import type { ShardSet } from '../../db/shard-set.js';
import type { ShardCluster } from '../../scripts/lib/shard-cluster.js';
import { bytewiseBy } from '../support/byte-order.js';
import { startTestShards } from '../support/stack.js';
import { CURSOR_SECRET, settleAll, suiteShardSet, uniqueId } from './fixtures.js';

describe('demo catalog seed and carts', () => {
  let cluster: ShardCluster;
  let shardSet: ShardSet;

  before(async () => {
    cluster = await startTestShards(2, 'seed');
    shardSet = suiteShardSet({ urls: cluster.urls, poolSize: 20 });
  });
  after(async () => {
    await shardSet?.close();
    await cluster?.stop();
  });

  it('seeds 1,200 items over 3 warehouses quickly, deterministically, and only once', async () => {
    assert.deepEqual(demoCatalogItems(50), demoCatalogItems(50), 'the same data every run');
    const started = Date.now();
    const first = await seedDemoCatalog(shardSet, { items: 1_200 });
    const elapsed = Date.now() - started;
    assert.deepEqual(first, { warehouses: 3, itemsCreated: 1_200, itemsTotal: 1_200 });
    assert.ok(elapsed < 5_000, `seeding took ${elapsed} ms`);

    const again = await seedDemoCatalog(shardSet, { items: 1_200 });
    assert.equal(again.itemsCreated, 0, 'a second run creates nothing');

    let total = 0;
    for (const shard of shardSet.shards) {
      const [row] = await shard.sql<{ items: number; warehouses: number }[]>`
        select (select count(*)::int from items) as items, (select count(*)::int from warehouses) as warehouses`;
      assert.equal(row!.warehouses, 3, `${shard.id} has every warehouse`);
      assert.ok(row!.items > 400, `${shard.id} holds a fair share (${row!.items})`);
      total += row!.items;
    }
    assert.equal(total, 1_200);
    assert.deepEqual(
      await createWarehouseRepository({ shardSet }).listWarehouses(),
      [...DEMO_WAREHOUSES].sort(bytewiseBy((w) => w.warehouseId)),
    );
    assert.deepEqual(await checkInvariants(shardSet), [], 'seeded stock is consistent');

    const catalog = createCatalogRepository({ shardSet, cursorSecret: CURSOR_SECRET });
    const item = await catalog.getItem(demoItemId(1));
    const expected = demoCatalogItems(1)[0]!;
    assert.equal(item?.name, expected.name);
    assert.equal(item?.priceCents, expected.priceCents);
    assert.equal(
      item?.available,
      expected.stock.reduce((sum, s) => sum + s.quantity, 0),
    );
    const types = new Set(demoCatalogItems(1_200).map((i) => i.type));
    assert.ok(types.size >= 6);
  });

  it('adds to a cart only what is available and removes down to nothing', async () => {
    const carts = createCartRepository({ shardSet });
    const customerId = uniqueId('cust');
    const itemId = demoItemId(1);
    const available = (await createCatalogRepository({ shardSet, cursorSecret: CURSOR_SECRET }).getItem(
      itemId,
    ))!.available;
    assert.ok(available >= 2);

    await carts.addToCart({ customerId, itemId, quantity: 1 });
    const cart = await carts.addToCart({ customerId, itemId, quantity: available - 1 });
    assert.deepEqual(cart.lines, [{ itemId, quantity: available }]);
    const short = await carts.addToCart({ customerId, itemId, quantity: 1 }).catch((e: unknown) => e);
    assert.ok(short instanceof OutOfStockError);
    assert.deepEqual(short.lines, [{ itemId, requested: available + 1, available }]);
    await assert.rejects(carts.addToCart({ customerId, itemId: 'item-none', quantity: 1 }), NotFoundError);

    assert.deepEqual((await carts.removeFromCart({ customerId, itemId, quantity: 1 })).lines, [
      { itemId, quantity: available - 1 },
    ]);
    assert.deepEqual((await carts.removeFromCart({ customerId, itemId, quantity: 1_000 })).lines, []);
    assert.deepEqual((await carts.getCart(uniqueId('nobody'))).lines, []);
  });

  it('keeps every concurrent cart change (version-checked lines)', async () => {
    const carts = createCartRepository({ shardSet });
    const customerId = uniqueId('cust');
    const items = [demoItemId(2), demoItemId(3), demoItemId(4), demoItemId(5)];
    const { rejected } = await settleAll(20, (i) =>
      carts.addToCart({ customerId, itemId: items[i % 4]!, quantity: 1 }),
    );
    assert.deepEqual(rejected, []);
    const cart = await carts.getCart(customerId);
    assert.deepEqual(
      cart.lines.map((l) => l.quantity),
      [5, 5, 5, 5],
      'no lost update',
    );
    assert.equal(cart.version, 20);
    assert.equal((await carts.clearCart(customerId)).lines.length, 0);
  });
});
