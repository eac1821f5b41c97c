import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { isTransientDbError } from '../../db/errors.js';
import { migrateShards } from '../../db/migrate.js';
import { createStockRepository } from '../../db/repositories/stock-repository.js';
import { createShardSet, type ShardSet } from '../../db/shard-set.js';
import { parseProvider } from '../../scripts/lib/postgres-binaries.js';
import { PostgresServer } from '../../scripts/lib/postgres-server.js';
import { ShardCluster } from '../../scripts/lib/shard-cluster.js';
import { testRunDir } from '../support/run-dir.js';
import { createStockedItem, uniqueId } from './fixtures.js';

/** A shard that is down must fail fast with an error activities can hand to Temporal for a retry. */
describe('a shard that is down', () => {
  const CONNECT_TIMEOUT_SECONDS = 2;
  let cluster: ShardCluster;
  let shardSet: ShardSet;
  let restarted: PostgresServer | undefined;

  before(async () => {
    // Durable: a non-durable test server (synchronous_commit=off, fsync=off) loses its recent
    // commits on kill -9, and this test restarts the crashed shard and expects its data back.
    const dir = path.join(testRunDir(), `down-shard-${process.hrtime.bigint()}`);
    cluster = await ShardCluster.start({
      count: 1,
      baseDir: dir,
      fallbackDir: dir,
      provider: parseProvider(process.env['PG_PROVIDER']),
      durable: true,
    });
    await migrateShards(cluster.urls);
    shardSet = createShardSet({
      shardUrls: cluster.urls,
      poolSize: 4,
      connectTimeoutSeconds: CONNECT_TIMEOUT_SECONDS,
    });
  });
  after(async () => {
    await shardSet?.close();
    await restarted?.stop();
    await cluster?.stop();
  });

  async function timedFailure(run: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
    const started = Date.now();
    try {
      await run();
    } catch (error) {
      return { error, ms: Date.now() - started };
    }
    assert.fail('expected the call to fail');
  }

  it('gives a transient error at once when the server is killed, and recovers when it is back', async () => {
    const itemId = await createStockedItem(shardSet, { a: 5 });
    const stock = createStockRepository({ shardSet });
    await stock.reserve({ orderId: uniqueId('ord'), itemId, quantity: 1, expiresAt: null });

    const server = cluster.servers[0]!;
    await server.crash();
    const { error, ms } = await timedFailure(() =>
      stock.reserve({ orderId: uniqueId('ord'), itemId, quantity: 1, expiresAt: null }),
    );
    assert.ok(isTransientDbError(error), `transient, got ${String(error)}`);
    assert.ok(ms < CONNECT_TIMEOUT_SECONDS * 1000 + 1000, `failed in ${ms} ms`);

    // PostgresServer.start() on the crashed instance is a no-op (its pid check ignores a signal exit),
    // so the restart uses a fresh handle on the same data directory and port.
    restarted = new PostgresServer(server.options);
    await restarted.start();
    const orderId = uniqueId('ord');
    let reserved = false;
    // The pool drops its dead connections; a retry (what Temporal would do) finds the shard again.
    for (let attempt = 0; attempt < 5 && !reserved; attempt++) {
      try {
        await stock.reserve({ orderId, itemId, quantity: 1, expiresAt: null });
        reserved = true;
      } catch (retryError) {
        assert.ok(isTransientDbError(retryError), String(retryError));
      }
    }
    assert.ok(reserved, 'the same pool works again once the shard is back');
    assert.equal((await stock.getStock(itemId))?.available, 3);
  });

  it('gives a transient CONNECT_TIMEOUT within the bound when the server accepts but never answers', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const blackHole = createShardSet({
      shardUrls: [`postgres://postgres@127.0.0.1:${port}/orders`],
      poolSize: 1,
      connectTimeoutSeconds: CONNECT_TIMEOUT_SECONDS,
    });
    try {
      const { error, ms } = await timedFailure(() => blackHole.shards[0]!.sql`select 1`);
      assert.equal((error as { code?: string }).code, 'CONNECT_TIMEOUT');
      assert.ok(isTransientDbError(error));
      assert.ok(
        ms >= CONNECT_TIMEOUT_SECONDS * 1000 - 100 && ms < CONNECT_TIMEOUT_SECONDS * 1000 + 1500,
        `${ms} ms`,
      );
    } finally {
      await blackHole.close();
      silent.close();
    }
  });

  it('classifies server-side and business errors correctly', () => {
    assert.equal(isTransientDbError({ code: '40001' }), true);
    assert.equal(isTransientDbError({ code: '40P01' }), true);
    assert.equal(isTransientDbError({ code: '57P01' }), true);
    assert.equal(isTransientDbError({ code: '53300' }), true);
    assert.equal(isTransientDbError({ code: '08006' }), true);
    assert.equal(isTransientDbError(new Error('wrapped', { cause: { code: 'ECONNREFUSED' } })), true);
    assert.equal(isTransientDbError({ code: '23505' }), false, 'unique violation is a bug, not weather');
    assert.equal(isTransientDbError({ code: '23514' }), false);
    assert.equal(isTransientDbError(new RangeError('bad input')), false);
    assert.equal(isTransientDbError(undefined), false);
  });
});
