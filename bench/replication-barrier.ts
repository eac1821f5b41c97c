/**
 * `node --import tsx bench/replication-barrier.ts [--runs 3] [--clients 16] [--steps 200]`
 *
 * What the replication barrier (db/replicas/replication-barrier.ts) costs a step on a shard with a
 * synchronous standby. Starts its own pg_auto_failover shard (one primary, one standby) and runs, alternately,
 * `clients` concurrent clients doing `steps` step-like writes each (one keyed insert, as an effect row), with
 * and without the barrier after each; then the same for a repeated step (the insert finds its row, writes
 * nothing). Prints medians of the runs' steps/s and latency percentiles, and exits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { awaitReplicated } from '../db/replicas/replication-barrier.js';
import { createShardSet, type Shard } from '../db/shard-set.js';
import { HaShardCluster } from '../scripts/lib/auto-failover/ha-shard-cluster.js';
import { median, percentile } from './lib/sample-stats.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    clients: { type: 'string', default: '16' },
    steps: { type: 'string', default: '200' },
  },
});
const RUNS = Number(values.runs);
const CLIENTS = Number(values.clients);
const STEPS = Number(values.steps);

interface RunResult {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function run(shard: Shard, keyPrefix: string, barrier: boolean): Promise<RunResult> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let step = 0; step < STEPS; step++) {
        const stepStarted = performance.now();
        await shard.sql`insert into bench_effects (key) values (${`${keyPrefix}-${client}-${step}`})
          on conflict do nothing`;
        if (barrier) await awaitReplicated(shard);
        latencies.push(performance.now() - stepStarted);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

function summary(label: string, results: RunResult[]) {
  const f = (n: number) => n.toFixed(1);
  return `${label.padEnd(34)} ${f(median(results.map((r) => r.perSecond))).padStart(8)} steps/s   p50 ${f(
    median(results.map((r) => r.p50Ms)),
  )} ms   p99 ${f(median(results.map((r) => r.p99Ms)))} ms`;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-platform-barrier-bench-'));
fs.chmodSync(dir, 0o755);
process.stdout.write('starting a shard with a synchronous standby (pg_auto_failover)…\n');
const cluster = await HaShardCluster.start({
  shards: 1,
  replicas: 1,
  baseDir: path.join(dir, 'shards'),
  fallbackDir: path.join(dir, 'shards-fallback'),
  durable: true,
});
const shardSet = createShardSet({ shardUrls: cluster.urls, poolSize: CLIENTS, connectTimeoutSeconds: 5 });
try {
  await cluster.waitUntilSettled(120_000);
  const shard = shardSet.shards[0]!;
  await shard.sql`create table if not exists bench_effects (key text primary key)`;
  const results = { fresh: [[], []] as RunResult[][], repeated: [[], []] as RunResult[][] };
  for (let r = 0; r < RUNS; r++) {
    for (const [i, barrier] of [false, true].entries()) {
      const prefix = `run${r}-${barrier}`;
      results.fresh[i]!.push(await run(shard, prefix, barrier));
      results.repeated[i]!.push(await run(shard, prefix, barrier));
      process.stdout.write(`  run ${r + 1}/${RUNS} ${barrier ? 'with' : 'without'} the barrier done\n`);
    }
  }
  console.log(`\n${CLIENTS} clients × ${STEPS} steps, medians of ${RUNS} runs`);
  console.log(summary('new effect, no barrier', results.fresh[0]!));
  console.log(summary('new effect, barrier', results.fresh[1]!));
  console.log(summary('repeated step, no barrier', results.repeated[0]!));
  console.log(summary('repeated step, barrier', results.repeated[1]!));
} finally {
  await shardSet.close();
  await cluster.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
