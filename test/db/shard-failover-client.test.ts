import assert from 'node:assert/strict';
import path from 'node:path';
import postgres from 'postgres';
import { awaitReplicated } from '../../db/replicas/replication-barrier.js';
import { describeNodes } from '../../db/replicas/shard-nodes.js';
import { singleNodeUrl } from '../../db/replicas/shard-url.js';
import { createShardSet, type ShardSet } from '../../db/shard-set.js';
import { HaShardCluster } from '../../scripts/lib/auto-failover/ha-shard-cluster.js';
import type { Keeper } from '../../scripts/lib/auto-failover/keeper.js';
import { testRunDir } from '../support/run-dir.js';

/**
 * The shard set on a shard with a standby (pg_auto_failover): its pool follows the primary when the primary's
 * node dies and when it freezes (its connections then hang, and postgres.js would not move on by itself).
 */
describe('a shard with a synchronous standby, seen by its clients', function () {
  this.timeout(240_000);
  let cluster: HaShardCluster;
  let shardSet: ShardSet;

  before(async () => {
    const dir = path.join(testRunDir(), `shard-ha-${process.hrtime.bigint()}`);
    cluster = await HaShardCluster.start({
      shards: 1,
      replicas: 1,
      baseDir: dir,
      fallbackDir: `${dir}-fallback`,
      durable: true,
    });
    shardSet = createShardSet({ shardUrls: cluster.urls, poolSize: 4, connectTimeoutSeconds: 2 });
    await shardSet.shards[0]!.sql`create table if not exists writes (n int)`;
  });
  after(async () => {
    await shardSet?.close();
    await cluster?.stop();
  });

  async function primary(): Promise<Keeper> {
    await cluster.waitUntilSettled(120_000);
    const found = await cluster.primaryOf('shard-0');
    assert.ok(found, 'the shard has a primary');
    return found;
  }

  /** Writes through the shard set until one commits; returns how long that took. */
  async function writeThroughPool(timeoutMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      try {
        await Promise.race([
          shardSet.shards[0]!.sql`insert into writes values (1)`,
          new Promise((_, reject) => setTimeout(() => reject(new Error('no answer')), 2_000)),
        ]);
        return Date.now() - started;
      } catch (error) {
        if (Date.now() - started > timeoutMs) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  it('lists a primary and a standby with its replay lag', async () => {
    const before = await primary();
    const nodes = await describeNodes(cluster.urls[0]!);
    assert.deepEqual(nodes.map((n) => n.role).sort(), ['primary', 'standby']);
    assert.ok(nodes.every((n) => n.ok));
    assert.equal(nodes.find((n) => n.role === 'primary')!.address, before.address);
    const standby = nodes.find((n) => n.role === 'standby')!;
    assert.ok(typeof standby.lagBytes === 'number' && standby.lagBytes >= 0, JSON.stringify(standby));
  });

  /** Reads through the pool for reads that may lag until one answers; how long that took, and where. */
  async function readThroughStandbyPool(timeoutMs: number): Promise<{ tookMs: number; onStandby: boolean }> {
    const started = Date.now();
    for (;;) {
      try {
        const [row] = await Promise.race([
          shardSet.shards[0]!.replicaSql<{ standby: boolean }[]>`select pg_is_in_recovery() as standby`,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer')), 2_000)),
        ]);
        return { tookMs: Date.now() - started, onStandby: row!.standby };
      } catch (error) {
        if (Date.now() - started > timeoutMs) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  it('confirms a read only once the standby has what it saw: a commit the primary holds alone is not', async () => {
    const primaryNode = await primary();
    const standby = cluster.shards[0]!.nodes.find((node) => node.address !== primaryNode.address)!;
    const shard = shardSet.shards[0]!;
    await awaitReplicated(shard);
    const frozen = standby.freeze();
    try {
      // The commit waits for the frozen standby; cancelling the wait leaves it committed on the primary
      // alone, and visible there, as crash recovery leaves a killed primary's last commits.
      const held = shard.sql`insert into writes values (42)`.execute();
      await new Promise((resolve) => setTimeout(resolve, 200));
      held.cancel();
      await held.catch(() => undefined);
      const [seen] = await shard.sql<{ n: number }[]>`select count(*)::int as n from writes where n = 42`;
      assert.equal(seen!.n, 1, 'the primary shows the row its standby does not have');
      const barrier = awaitReplicated(shard).then(() => 'replicated' as const);
      const early = await Promise.race([
        barrier,
        new Promise((resolve) => setTimeout(() => resolve('waiting'), 1_000)),
      ]);
      assert.equal(early, 'waiting', 'the barrier waits while no standby has the row');
      standby.thaw(frozen);
      assert.equal(await barrier, 'replicated');
    } finally {
      standby.thaw(frozen);
    }
    const standbySql = postgres(singleNodeUrl(cluster.urls[0]!, standby.address), {
      max: 1,
      onnotice: () => {},
    });
    try {
      const [onStandby] = await standbySql<
        { n: number }[]
      >`select count(*)::int as n from writes where n = 42`;
      assert.equal(onStandby!.n, 1, 'once the barrier returned, the standby has the row');
    } finally {
      await standbySql.end();
    }
    await cluster.waitUntilSettled(120_000);
  });

  it('moves reads that may lag off a frozen standby to the primary, and back once it answers', async () => {
    const primaryNode = await primary();
    const standby = cluster.shards[0]!.nodes.find((node) => node.address !== primaryNode.address)!;
    // The watch places the pool on the standby within a probe round or two.
    const start = Date.now();
    while (!(await readThroughStandbyPool(5_000)).onStandby) {
      assert.ok(Date.now() - start < 10_000, 'reads reach the standby');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const frozen = standby.freeze();
    let moved: { tookMs: number; onStandby: boolean };
    try {
      moved = await readThroughStandbyPool(15_000);
      console.log(`      reads answered again ${moved.tookMs} ms after the standby froze`);
      assert.equal(moved.onStandby, false, 'the only standby is frozen: the primary answers');
      assert.ok(moved.tookMs < 8_000, `reads moved off the frozen standby in ${moved.tookMs} ms`);
    } finally {
      standby.thaw(frozen);
    }
    const thawed = Date.now();
    while (!(await readThroughStandbyPool(5_000)).onStandby) {
      assert.ok(Date.now() - thawed < 30_000, 'reads go back to the standby once it answers');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await cluster.waitUntilSettled(120_000);
  });

  it('follows a frozen primary to the promoted standby, and the thawed one rejoins as a standby', async () => {
    const old = await primary();
    await writeThroughPool(5_000);
    const frozen = old.freeze();
    try {
      const tookMs = await writeThroughPool(60_000);
      const promoted = await cluster.primaryOf('shard-0');
      assert.ok(promoted && promoted.address !== old.address, 'a standby was promoted');
      console.log(`      writes through the pool again ${tookMs} ms after the freeze`);
    } finally {
      old.thaw(frozen);
    }
    await cluster.waitUntilSettled(120_000);
    const nodes = await describeNodes(cluster.urls[0]!);
    assert.equal(nodes.find((n) => n.address === old.address)?.role, 'standby');
  });

  it('follows a killed primary node, keeping every acknowledged write', async () => {
    const old = await primary();
    const count = async () =>
      (await shardSet.shards[0]!.sql<{ n: number }[]>`select count(*)::int as n from writes`)[0]!.n;
    const before = await count();
    await writeThroughPool(5_000);
    await old.crashNode();
    await writeThroughPool(60_000);
    assert.equal(await count(), before + 2, 'both acknowledged writes are on the new primary');
    old.start();
    await cluster.waitUntilSettled(120_000);
  });
});
