import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type postgres from 'postgres';
import { OutOfStockError, VersionConflictError } from '../../db/errors.js';
import { createStockRepository } from '../../db/repositories/stock-repository.js';
import type { ShardSet } from '../../db/shard-set.js';
import { createStockedItem, suiteShardSet, uniqueId } from './fixtures.js';

/**
 * A rival connection holds the stock row while our write blocks on it, then changes the row and commits.
 * A reservation (a conditional decrement) re-checks the committed row and needs no retry; a release reads
 * version v and blocks in its `UPDATE … WHERE version = v`, which then matches no row: a real lost race.
 */
describe('optimistic version checks', () => {
  let shardSet: ShardSet;

  before(() => {
    shardSet = suiteShardSet();
  });
  after(() => shardSet.close());

  /** The rival's change, written while it holds the stock row (a fragment run on the rival's connection). */
  const onRival =
    (strings: TemplateStringsArray, ...values: postgres.ParameterOrFragment<never>[]) =>
    (rival: postgres.ReservedSql) =>
      rival(strings, ...values);

  async function raceAgainstRival<T>(
    itemId: string,
    write: () => Promise<T>,
    rivalChange: (rival: postgres.ReservedSql) => Promise<unknown>,
  ): Promise<PromiseSettledResult<T>> {
    const shard = shardSet.forItem(itemId);
    const rival = await shard.sql.reserve();
    try {
      await rival`begin`;
      await rival`select version from stock where item_id = ${itemId} for update`;
      const outcome = Promise.allSettled([write()]);
      await waitUntilBlocked(shardSet, itemId);
      await rivalChange(rival);
      await rival`commit`;
      const [settled] = await outcome;
      return settled!;
    } finally {
      rival.release();
    }
  }

  it('a reservation blocked by the rival decides on the level the rival committed: no lost race', async () => {
    const itemId = await createStockedItem(shardSet, { a: 10 });
    const lost: number[] = [];
    const stock = createStockRepository({ shardSet, onLostRace: (_e, _k, attempt) => lost.push(attempt) });
    const orderId = uniqueId('ord');

    const outcome = await raceAgainstRival(
      itemId,
      () => stock.reserve({ orderId, itemId, quantity: 2, expiresAt: null }),
      onRival`update stock set version = version + 1 where item_id = ${itemId}`,
    );

    assert.equal(outcome.status, 'fulfilled');
    assert.deepEqual(lost, [], 'the conditional decrement waits for the row, it does not retry');
    const level = await stock.getStock(itemId);
    assert.equal(level?.available, 8);
    assert.equal(level?.version, 2, "the rival's bump and our reservation");
  });

  it('a reservation blocked by a rival that took the units is told short and writes nothing', async () => {
    const itemId = await createStockedItem(shardSet, { a: 10 });
    const stock = createStockRepository({ shardSet });
    const orderId = uniqueId('ord');

    const outcome = await raceAgainstRival(
      itemId,
      () => stock.reserve({ orderId, itemId, quantity: 2, expiresAt: null }),
      onRival`update stock set available = 1, version = version + 1 where item_id = ${itemId}`,
    );

    assert.equal(outcome.status, 'rejected');
    const error = (outcome as PromiseRejectedResult).reason as unknown;
    assert.ok(error instanceof OutOfStockError, `expected OutOfStockError, got ${String(error)}`);
    assert.deepEqual(error.lines, [{ itemId, requested: 2, available: 1 }]);
    const level = await stock.getStock(itemId);
    assert.deepEqual([level?.available, level?.version], [1, 1], "only the rival's change");
    assert.equal(await stock.getReservation({ orderId, itemId }), undefined, 'no effect row left behind');
  });

  it('a release that lost the race is retried and succeeds', async () => {
    const itemId = await createStockedItem(shardSet, { a: 10 });
    const lost: number[] = [];
    const stock = createStockRepository({
      shardSet,
      onLostRace: (_entity, _key, attempt) => lost.push(attempt),
    });
    const orderId = uniqueId('ord');
    await stock.reserve({ orderId, itemId, quantity: 2, expiresAt: null });

    const outcome = await raceAgainstRival(
      itemId,
      () => stock.release({ orderId, itemId }),
      onRival`update stock set version = version + 1 where item_id = ${itemId}`,
    );

    assert.equal(outcome.status, 'fulfilled');
    assert.deepEqual(lost, [1], 'exactly one lost race, retried on attempt 2');
    const level = await stock.getStock(itemId);
    assert.equal(level?.available, 10);
    assert.equal(level?.version, 3, "our reservation, the rival's bump and our release");
  });

  it('exhausted retries surface as VersionConflictError and change nothing', async () => {
    const itemId = await createStockedItem(shardSet, { a: 10 });
    const stock = createStockRepository({ shardSet, retry: { maxAttempts: 1 } });
    const orderId = uniqueId('ord');
    await stock.reserve({ orderId, itemId, quantity: 2, expiresAt: null });

    const outcome = await raceAgainstRival(
      itemId,
      () => stock.release({ orderId, itemId }),
      onRival`update stock set version = version + 1 where item_id = ${itemId}`,
    );

    assert.equal(outcome.status, 'rejected');
    const error = (outcome as PromiseRejectedResult).reason as unknown;
    assert.ok(error instanceof VersionConflictError, `expected VersionConflictError, got ${String(error)}`);
    assert.equal(error.attempts, 1);
    assert.equal(error.retryable, true);
    const level = await stock.getStock(itemId);
    assert.equal(level?.available, 8, 'the transaction rolled back');
    assert.equal(level?.version, 2, "our reservation and the rival's bump");
    assert.equal((await stock.getReservation({ orderId, itemId }))?.status, 'RESERVED', 'still held');
  });
});

async function waitUntilBlocked(shardSet: ShardSet, itemId: string): Promise<void> {
  const { sql } = shardSet.forItem(itemId);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where wait_event_type = 'Lock' and query like '%update stock set available%'`;
    if (row!.n > 0) return;
    await sleep(10);
  }
  throw new Error(`the reservation of ${itemId} never blocked on the rival's row lock`);
}
