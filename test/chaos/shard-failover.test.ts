/**
 * Shards with a synchronous standby under real faults: the primary's node killed, frozen, and a standby
 * killed, under a steady load of shoppers. Every run ends with the usual verdict (nothing lost, oversold,
 * leaked or charged twice) and prints each failover's time: fault → first write accepted by the new primary,
 * and fault → the shard's orders moving again.
 */
import assert from 'node:assert/strict';
import {
  type FailoverRecord,
  freezePrimary,
  killPrimaryNode,
  killPrimaryPostmaster,
  killStandbyNode,
} from './harness/failover.js';
import { runScenario } from './harness/run-scenario.js';
import { assertClean, options, untilAcknowledged } from './harness/scenario-options.js';

/** The longest a dead primary may stay unreplaced (the monitor's timing aims at a few seconds). */
const FAILOVER_BOUND_MS = 15_000;

/**
 * A primary whose postmaster alone died is restarted in place by its keeper (crash recovery, then its
 * synchronous standbys reconnect before a commit returns): slower than a failover, and bounded apart.
 */
const RESTART_BOUND_MS = 30_000;

const failovers: FailoverRecord[] = [];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function describeFailover(record: FailoverRecord): string {
  const straight =
    record.straightWrite === undefined ? '' : `, straight write to the old primary: ${record.straightWrite}`;
  return (
    `${record.shard} ${record.fault}: ${record.from} → ${record.to} in ${record.failoverMs} ms, ` +
    `orders moving after ${record.stalledOrdersMs ?? '?'} ms, old primary a standby again after ${record.rejoinMs} ms${straight}`
  );
}

function assertFailedOver(record: FailoverRecord): void {
  assert.notEqual(record.to, record.from, `${record.shard}: the new primary is another node`);
  assert.ok(
    record.failoverMs <= FAILOVER_BOUND_MS,
    `${describeFailover(record)}: over ${FAILOVER_BOUND_MS} ms`,
  );
  assert.ok(record.stalledOrdersMs !== undefined, `${record.shard}: orders moved again after the failover`);
}

describe('chaos: shards with a synchronous standby (pg_auto_failover)', function () {
  this.timeout(600_000);

  after(() => {
    if (failovers.length === 0) return;
    const times = failovers.map((f) => f.failoverMs);
    const stalls = failovers.flatMap((f) => (f.stalledOrdersMs === undefined ? [] : [f.stalledOrdersMs]));
    console.log(
      `      ${failovers.length} failovers: fault → first write on the new primary median ${median(times)} ms, worst ${Math.max(...times)} ms; ` +
        `fault → orders moving median ${median(stalls)} ms, worst ${Math.max(...stalls)} ms`,
    );
  });

  it('g) the primary node of each shard is killed twice under load: a standby takes over, the old primary rejoins', async () => {
    const mine: FailoverRecord[] = [];
    const report = await runScenario(
      options('g-primary-node-killed', {
        shardReplicas: 1,
        orders: 200,
        async faults(ctx) {
          for (const [k, shard] of [0, 1, 0, 1].entries()) {
            await untilAcknowledged(ctx, 15 + 30 * k);
            await ctx.pause(0, 1_000);
            const record = await killPrimaryNode(ctx.stack, shard);
            ctx.log(describeFailover(record));
            mine.push(record);
          }
        },
      }),
    );
    failovers.push(...mine);
    assertClean(report);
    assert.equal(mine.length, 4);
    for (const record of mine) assertFailedOver(record);
    // The second failover of each shard goes back to the node that was primary first.
    assert.equal(mine[2]!.to, mine[0]!.from);
    assert.equal(mine[3]!.to, mine[1]!.from);
    assert.ok(report.driver.acknowledged >= 120, 'enough orders were placed to mean something');
  });

  it("j) flash sale (300 shoppers, 50 units) while both shards' primary nodes are killed: exactly 50 placed", async () => {
    const mine: FailoverRecord[] = [];
    const report = await runScenario(
      options('j-flash-sale-failover', {
        shardReplicas: 1,
        reservationTtlSeconds: 30,
        orders: 300,
        concurrency: 40,
        itemCount: 1,
        stock: { 'wh-east': 20, 'wh-central': 15, 'wh-west': 15 },
        singleUnit: true,
        intent: 'complete',
        async faults(ctx) {
          // The item lives on one shard and its buyers' orders on both: both primaries die at once, early,
          // so that each shard still has orders in flight when it fails over (a sale of 50 units is over
          // before a second, separate failover would have settled).
          await untilAcknowledged(ctx, 5);
          const records = await Promise.all([0, 1].map((shard) => killPrimaryNode(ctx.stack, shard)));
          for (const record of records) ctx.log(describeFailover(record));
          mine.push(...records);
        },
      }),
    );
    failovers.push(...mine);
    assertClean(report);
    for (const record of mine) assertFailedOver(record);
    assert.equal(report.verdict.unitsSold, 50);
    const { DELIVERED, EXPIRED = 0, ...others } = report.verdict.ordersByStatus;
    assert.equal(DELIVERED, 50, JSON.stringify(report.verdict.ordersByStatus));
    // A hold that lapsed while its shopper waited out a failover goes back to the next shopper.
    assert.deepEqual(others, {}, JSON.stringify(report.verdict.ordersByStatus));
    assert.equal(report.driver.acknowledged, 50 + EXPIRED);
    assert.equal(report.driver.refusedOutOfStock, 300 - report.driver.acknowledged);
  });

  it('k) two standbys per shard: the primary postmaster alone is killed on each shard, its keeper alive; writes resume, nothing lost', async () => {
    const mine: FailoverRecord[] = [];
    const report = await runScenario(
      options('k-primary-postmaster-killed', {
        shardReplicas: 2,
        orders: 120,
        async faults(ctx) {
          for (const [k, shard] of [0, 1].entries()) {
            await untilAcknowledged(ctx, 15 + 30 * k);
            await ctx.pause(0, 1_000);
            const record = await killPrimaryPostmaster(ctx.stack, shard);
            ctx.log(describeFailover(record));
            mine.push(record);
          }
        },
      }),
    );
    assertClean(report);
    assert.equal(mine.length, 2);
    for (const record of mine) {
      assert.ok(
        record.failoverMs <= RESTART_BOUND_MS,
        `${describeFailover(record)}: over ${RESTART_BOUND_MS} ms`,
      );
    }
  });

  it('h) a frozen primary (SIGSTOP, 20 s) is failed over; resumed, it commits nothing and rejoins as a standby', async () => {
    const mine: FailoverRecord[] = [];
    const report = await runScenario(
      options('h-primary-frozen', {
        shardReplicas: 1,
        orders: 120,
        async faults(ctx) {
          await untilAcknowledged(ctx, 30);
          const record = await freezePrimary(ctx.stack, Math.floor(ctx.random() * 2), 20_000);
          ctx.log(describeFailover(record));
          mine.push(record);
        },
      }),
    );
    failovers.push(...mine);
    assertClean(report);
    assert.equal(mine.length, 1);
    assertFailedOver(mine[0]!);
    assert.match(
      mine[0]!.straightWrite ?? '',
      /^refused/,
      'no split brain: the resumed old primary commits nothing',
    );
  });

  it('i) a standby is killed: the primary keeps taking writes (committing alone) and the standby rejoins', async () => {
    let outcome: Awaited<ReturnType<typeof killStandbyNode>> | undefined;
    const report = await runScenario(
      options('i-standby-killed', {
        shardReplicas: 1,
        orders: 100,
        async faults(ctx) {
          await untilAcknowledged(ctx, 20);
          outcome = await killStandbyNode(ctx.stack, Math.floor(ctx.random() * 2), 10_000);
          ctx.log(
            `${outcome.shard} standby ${outcome.standby} killed: writes stalled ${outcome.writeStallMs} ms, ` +
              `primary kept: ${outcome.primaryKept}, standby back after ${outcome.rejoinMs} ms`,
          );
        },
      }),
    );
    assertClean(report);
    assert.ok(outcome, 'the standby was killed');
    assert.equal(outcome.primaryKept, true, 'the primary stays primary');
    assert.ok(outcome.writeStallMs <= FAILOVER_BOUND_MS, `writes stalled ${outcome.writeStallMs} ms`);
  });
});
