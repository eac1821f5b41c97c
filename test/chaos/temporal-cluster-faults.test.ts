/**
 * Temporal's own failures, against the production-shaped cluster (its own PostgreSQL; frontend, matching, worker and
 * two history hosts as separate processes): a history host, the frontend, matching and Temporal's database killed
 * (kill -9) under a steady load of shoppers, each restarted. Every run ends with the usual verdict (nothing lost,
 * oversold, leaked or charged twice; every acknowledged order terminal) and prints each fault's recovery time (fault
 * cleared → the first order transition after it). Replay a seed with
 * CHAOS_SEED=<seed> npm test -- test/chaos/temporal-cluster-faults.test.ts --grep '<scenario letter>'.
 */
import assert from 'node:assert/strict';
import { type HistoryHostKill, killHistoryHost } from './harness/history-shards.js';
import { runScenario } from './harness/run-scenario.js';
import { assertClean, options, untilAcknowledged } from './harness/scenario-options.js';

/*
 * The reservation window is the scenarios' usual short one. A payment update whose workflow task is lost as its
 * history shard moves (a host killed or back) is lost with it: the shopper's call waits out the update's 30 s RPC
 * deadline, by when the reservation has lapsed, and the order expires, giving back what the lost task did (the
 * card voided or refunded, allocations and holds released: docs/temporal-cluster.md). The verdict checks all of it.
 */

/** The longest the surviving history host may take to own a dead host's shards (membership, then acquisition). */
const TAKEOVER_BOUND_MS = 45_000;

function describeKill(kill: HistoryHostKill): string {
  return (
    `${kill.host} (shards ${kill.shards.join(', ')}) killed: taken over by ${kill.takenBy.join(', ')} after ` +
    `${kill.takeoverMs ?? '?'} ms; restarted, it owned shards again after ${kill.returnedMs ?? '?'} ms, ` +
    `orders moving ${kill.recoveryMs ?? '?'} ms after the restart`
  );
}

describe('chaos: the Temporal cluster loses a history host, its frontend and matching, its database', function () {
  this.timeout(600_000);

  it('l) each history host is killed (kill -9) once under load: the other takes over its shards; restarted, it takes some back', async () => {
    const kills: HistoryHostKill[] = [];
    const report = await runScenario(
      options('l-history-host-killed', {
        temporal: 'cluster',
        // Eight shards, so that each host owns some (the ring places them by hash) and a kill always moves shards.
        historyShards: 8,
        orders: 200,
        concurrency: 12,
        async faults(ctx) {
          for (const [k, host] of ['temporal-history-1', 'temporal-history-2'].entries()) {
            await untilAcknowledged(ctx, 15 + 50 * k);
            await ctx.pause(0, 1_500);
            const kill = await killHistoryHost(ctx, host, 3_000);
            ctx.log(describeKill(kill));
            kills.push(kill);
          }
        },
      }),
    );
    assertClean(report);
    assert.equal(kills.length, 2);
    for (const kill of kills) {
      assert.ok(kill.shards.length > 0, `${kill.host} owned history shards when it was killed`);
      assert.ok(
        kill.takeoverMs !== undefined && kill.takeoverMs <= TAKEOVER_BOUND_MS,
        `${describeKill(kill)}: not within ${TAKEOVER_BOUND_MS} ms`,
      );
      assert.deepEqual(kill.takenBy, [otherHost(kill.host)], 'the surviving host took them');
      assert.ok(kill.returnedMs !== undefined, `${kill.host} owned shards again after its restart`);
      assert.ok(kill.recoveryMs !== undefined, `orders moved after ${kill.host} came back`);
    }
    assert.ok(report.driver.acknowledged >= 100, 'enough orders were placed to mean something');
  });

  it('m) the frontend, then matching, then both are killed (kill -9) and restarted: the API and the workers reconnect', async () => {
    let placedBeforeLastRestart = 0;
    const report = await runScenario(
      options('m-frontend-matching-killed', {
        temporal: 'cluster',
        orders: 160,
        concurrency: 12,
        async faults(ctx) {
          const cluster = ctx.stack.temporalCluster;
          const services = [
            ['temporal-frontend'],
            ['temporal-matching'],
            ['temporal-frontend', 'temporal-matching'],
          ];
          for (const [k, names] of services.entries()) {
            await untilAcknowledged(ctx, 15 + 40 * k);
            await ctx.pause(0, 1_500);
            const procs = names.map((name) => cluster.service(name));
            await ctx.fault(
              `kill -9 ${names.join(' and ')}`,
              async () => {
                await Promise.all(procs.map((proc) => proc.crash()));
              },
              3_000 + Math.floor(ctx.random() * 2_000),
              async () => {
                placedBeforeLastRestart = ctx.acknowledged();
                for (const proc of procs) proc.start();
              },
            );
          }
        },
      }),
    );
    assertClean(report);
    assert.equal(report.faults.length, 3);
    for (const fault of report.faults)
      assert.ok(fault.recoveryMs !== undefined, `orders moved after ${fault.fault}`);
    assert.ok(
      report.driver.acknowledged > placedBeforeLastRestart,
      'the API placed orders after the last restart',
    );
    assert.ok(report.driver.acknowledged >= 100, 'enough orders were placed to mean something');
  });

  it("n) Temporal's PostgreSQL is killed (kill -9) under load and restarted 10 s later on its data directory", async () => {
    let placedBeforeRestart = 0;
    const report = await runScenario(
      options('n-temporal-db-killed', {
        temporal: 'cluster',
        orders: 160,
        concurrency: 12,
        async faults(ctx) {
          await untilAcknowledged(ctx, 40);
          await ctx.pause(0, 1_500);
          await ctx.fault(
            "kill -9 Temporal's PostgreSQL",
            () => ctx.stack.temporalCluster.db.crash(),
            10_000,
            () => {
              placedBeforeRestart = ctx.acknowledged();
              return ctx.stack.restartTemporalDb();
            },
          );
        },
      }),
    );
    assertClean(report);
    assert.equal(report.faults.length, 1);
    assert.ok(report.faults[0]!.recoveryMs !== undefined, 'orders moved after the database came back');
    assert.ok(report.driver.acknowledged > placedBeforeRestart, 'the API placed orders after the restart');
    assert.ok(report.driver.acknowledged >= 100, 'enough orders were placed to mean something');
  });
});

function otherHost(host: string): string {
  return host === 'temporal-history-1' ? 'temporal-history-2' : 'temporal-history-1';
}
