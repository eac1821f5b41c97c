import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { VersionConflictError } from '../../db/errors.js';
import { createStockRepository } from '../../db/repositories/stock-repository.js';
import type { ShardSet } from '../../db/shard-set.js';
import { createStockedItem, suiteShardSet, uniqueId } from './fixtures.js';

/**
 * A real lost race: another connection holds the stock row, our reservation reads version v and blocks in
 * its `UPDATE … WHERE version = v`; the other transaction bumps the version and commits, so the update
 * matches no row.
 */
describe('optimistic version checks', () => {
  let shardSet: ShardSet;

  before(() => {
    shardSet = suiteShardSet();
  });
  after(() => shardSet.close());

  async function raceAgainstRival<T>(
    itemId: string,
    reserve: () => Promise<T>,
  ): Promise<PromiseSettledResult<T>> {
    const shard = shardSet.forItem(itemId);
    const rival = await shard.sql.reserve();
    try {
      await rival`begin`;
      await rival`select version from stock where item_id = ${itemId} for update`;
      const outcome = Promise.allSettled([reserve()]);
      await waitUntilBlocked(shardSet, itemId);
      await rival`update stock set version = version + 1 where item_id = ${itemId}`;
      await rival`commit`;
      const [settled] = await outcome;
      return settled!;
    } finally {
      rival.release();
    }
  }

  it('a lost race is retried and succeeds', async () => {
    const itemId = await createStockedItem(shardSet, { a: 10 });
    const lost: number[] = [];
    const stock = createStockRepository({
      shardSet,
      onLostRace: (_entity, _key, attempt) => lost.push(attempt),
    });
    const orderId = uniqueId('ord');

    const outcome = await raceAgainstRival(itemId, () =>
      stock.reserve({ orderId, itemId, quantity: 2, expiresAt: null }),
    );

    assert.equal(outcome.status, 'fulfilled');
    assert.deepEqual(lost, [1], 'exactly one lost race, retried on attempt 2');
    const level = await stock.getStock(itemId);
    assert.equal(level?.available, 8);
    assert.equal(level?.version, 2, "the rival's bump and our reservation");
  });

  it('exhausted retries surface as VersionConflictError and change nothing', async () => {
    const itemId = await createStockedItem(shardSet, { a: 10 });
    const stock = createStockRepository({ shardSet, retry: { maxAttempts: 1 } });
    const orderId = uniqueId('ord');

    const outcome = await raceAgainstRival(itemId, () =>
      stock.reserve({ orderId, itemId, quantity: 2, expiresAt: null }),
    );

    assert.equal(outcome.status, 'rejected');
    const error = (outcome as PromiseRejectedResult).reason as unknown;
    assert.ok(error instanceof VersionConflictError, `expected VersionConflictError, got ${String(error)}`);
    assert.equal(error.attempts, 1);
    assert.equal(error.retryable, true);
    const level = await stock.getStock(itemId);
    assert.equal(level?.available, 10, 'the transaction rolled back');
    assert.equal(level?.version, 1, "only the rival's bump");
    assert.equal(await stock.getReservation({ orderId, itemId }), undefined, 'no effect row left behind');
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
