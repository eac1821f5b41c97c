import assert from 'node:assert/strict';
import { OutOfStockError } from '../../db/errors.js';
import { checkInvariants } from '../../db/invariants.js';
import { createStockRepository } from '../../db/repositories/stock-repository.js';
import type { ShardSet } from '../../db/shard-set.js';
import { createStockedItem, settleAll, suiteShardSet, uniqueId } from './fixtures.js';

describe('reservations on a hot item', () => {
  const WRITERS = 200;
  const STOCK = 50;
  let shardSet: ShardSet;

  before(() => {
    // One connection per writer: every reservation is its own transaction on its own connection.
    shardSet = suiteShardSet({ poolSize: WRITERS + 10 });
  });
  after(() => shardSet.close());

  it(`never oversells: ${STOCK} units, ${WRITERS} concurrent one-unit reservations`, async () => {
    const itemId = await createStockedItem(shardSet, { a: 30, b: 20 });
    let lostRaces = 0;
    const stock = createStockRepository({ shardSet, onLostRace: () => lostRaces++ });
    const shard = shardSet.forItem(itemId);
    await shard.sql`select 1`;

    const { fulfilled, rejected } = await settleAll(WRITERS, (i) =>
      stock.reserve({ orderId: uniqueId(`hot-${i}`), itemId, quantity: 1, expiresAt: null }),
    );

    assert.equal(fulfilled.length, STOCK, 'exactly the stock is reserved');
    assert.ok(fulfilled.every((r) => r.status === 'RESERVED' && r.quantity === 1));
    assert.equal(rejected.length, WRITERS - STOCK);
    for (const error of rejected) {
      assert.ok(error instanceof OutOfStockError, `expected OutOfStockError, got ${String(error)}`);
      assert.deepEqual(error.lines, [{ itemId, requested: 1, available: 0 }]);
    }

    const level = await stock.getStock(itemId);
    assert.equal(level?.available, 0);
    assert.equal(level?.version, STOCK, 'one version step per successful reservation, none for the losers');
    const [rows] = await shard.sql<{ n: number }[]>`
      select count(*)::int as n from stock_reservations where item_id = ${itemId} and status = 'RESERVED'`;
    assert.equal(rows!.n, STOCK, 'one effect row per success, none for the rejected');
    assert.deepEqual(await checkInvariants(shardSet, { itemIds: [itemId], orderIds: [] }), []);

    const [connections] = await shard.sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where application_name = ${`order-platform:${shard.id}`}`;
    assert.ok(connections!.n >= 100, `writers used separate connections (saw ${connections!.n})`);
    console.log(`      ${lostRaces} lost races retried for ${STOCK} successes`);
  });

  it('never oversells two hot items reserved together: 20 units each, 60 concurrent two-line orders', async () => {
    const first = await createStockedItem(shardSet, { a: 20 });
    let second = uniqueId('item');
    while (shardSet.forItem(second) !== shardSet.forItem(first)) second = uniqueId('item');
    await createStockedItem(shardSet, { b: 20 }, { itemId: second });
    const stock = createStockRepository({ shardSet });

    const { fulfilled, rejected } = await settleAll(60, (i) =>
      stock.reserveLines({
        orderId: uniqueId(`pair-${i}`),
        // Half the orders list the lines the other way round: the statement locks in one order anyway.
        lines:
          i % 2
            ? [
                { itemId: first, quantity: 1 },
                { itemId: second, quantity: 1 },
              ]
            : [
                { itemId: second, quantity: 1 },
                { itemId: first, quantity: 1 },
              ],
        expiresAt: null,
      }),
    );

    assert.equal(fulfilled.length, 20, 'exactly the stock is reserved, both lines at once');
    assert.equal(rejected.length, 40);
    for (const error of rejected) {
      assert.ok(error instanceof OutOfStockError, `expected OutOfStockError, got ${String(error)}`);
    }
    for (const itemId of [first, second]) {
      const level = await stock.getStock(itemId);
      assert.deepEqual([level?.available, level?.version], [0, 20]);
    }
    const [rows] = await shardSet.forItem(first).sql<{ n: number }[]>`
      select count(*)::int as n from stock_reservations where item_id in (${first}, ${second})`;
    assert.equal(rows!.n, 40, 'two effect rows per placed order, none for the refused');
    assert.deepEqual(await checkInvariants(shardSet, { itemIds: [first, second], orderIds: [] }), []);
  });
});
