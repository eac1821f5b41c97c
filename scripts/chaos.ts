/**
 * The soak: `npm run chaos -- --orders 2000 --minutes 10 [--seed N] [--concurrency 24] [--replicas N] [--report file]`.
 * Runs the whole platform, drives shoppers through the API for up to --minutes while random faults land
 * (kill -9 of workers and the API, kill -9 of a shard's postmaster, Temporal server restarts, a flaky
 * payment gateway), then verifies every guarantee. With --replicas N (default SHARD_REPLICAS, else 0) each
 * shard has N standbys under pg_auto_failover, and the shard fault kills a primary's node instead: a standby
 * takes over and the old primary rejoins. Prints live progress, writes a JSON report, and exits non-zero on
 * any violation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type FailoverRecord, killPrimaryNode } from '../test/chaos/harness/failover.js';
import { type ChaosProgress, type FaultContext, runScenario } from '../test/chaos/harness/run-scenario.js';
// @ts-expect-error plain .mjs without type declarations
import { ensureTemporalCli } from './install-temporal-cli.mjs';
import { PROJECT_ROOT } from './lib/project-paths.js';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '2000' },
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string' },
    concurrency: { type: 'string', default: '48' },
    report: { type: 'string' },
    replicas: { type: 'string', default: process.env['SHARD_REPLICAS'] || '0' },
  },
});

function positive(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const orders = Math.round(positive('orders', values.orders));
const minutes = positive('minutes', values.minutes);
const concurrency = Math.round(positive('concurrency', values.concurrency));
const replicas = Number(values.replicas);
if (!Number.isInteger(replicas) || replicas < 0) {
  console.error(`--replicas must be 0 or a positive integer, got "${values.replicas}"`);
  process.exit(2);
}
const seed = values.seed === undefined ? Date.now() % 1_000_000 : Math.round(positive('seed', values.seed));
const stamp = new Date().toISOString().replaceAll(':', '-');
const dir = path.join(PROJECT_ROOT, '.data', 'chaos', stamp);
const reportFile = values.report ?? path.join(dir, 'report.json');
const loadDeadline = Date.now() + minutes * 60_000;

const FAULTS: ((ctx: FaultContext) => Promise<unknown>)[] = [
  (ctx) => ctx.killAndRestart('order-worker', 1_000 + Math.floor(ctx.random() * 5_000)),
  (ctx) => ctx.killAndRestart('warehouse-worker', 1_000 + Math.floor(ctx.random() * 5_000)),
  (ctx) => ctx.killAndRestart('api', 1_000 + Math.floor(ctx.random() * 3_000)),
  (ctx) => (replicas === 0 ? killShard(ctx) : killPrimary(ctx)),
  (ctx) =>
    ctx.fault(
      'Temporal dev server restart',
      () => ctx.stack.stopTemporal(),
      2_000 + Math.floor(ctx.random() * 4_000),
      () => ctx.stack.startTemporal(),
    ),
];

function killShard(ctx: FaultContext): Promise<unknown> {
  const index = Math.floor(ctx.random() * 2);
  const down = 5_000 + Math.floor(ctx.random() * 20_000);
  return ctx.fault(
    `kill -9 shard-${index} postmaster`,
    () => ctx.stack.crashShard(index),
    down,
    () => ctx.stack.restartShard(index),
  );
}

const failovers: FailoverRecord[] = [];

/** The primary node of a shard killed; it is restarted once a standby took over and rejoins as a standby. */
function killPrimary(ctx: FaultContext): Promise<unknown> {
  const index = Math.floor(ctx.random() * 2);
  return ctx.fault(
    `kill -9 shard-${index} primary node`,
    async () => {
      const record = await killPrimaryNode(ctx.stack, index);
      failovers.push(record);
      ctx.log(
        `shard-${index} failed over ${record.from} → ${record.to} in ${record.failoverMs} ms (orders moving after ${record.stalledOrdersMs ?? '?'} ms)`,
      );
    },
    0,
    async () => {},
  );
}

let progress: ChaosProgress = { begun: 0, acknowledged: 0, faults: 0, byStatus: {} };
const started = Date.now();
const ticker = setInterval(() => {
  const elapsed = Math.round((Date.now() - started) / 1000);
  console.log(
    `[chaos ${elapsed}s] shoppers ${progress.begun}/${orders}, orders ${progress.acknowledged} ${JSON.stringify(progress.byStatus)}, faults ${progress.faults}`,
  );
}, 5_000);

console.log(
  `chaos soak: ${orders} orders, up to ${minutes} min of load, ${replicas} standby(s) per shard, seed ${seed}, scratch ${path.relative(PROJECT_ROOT, dir)}`,
);
try {
  const report = await runScenario({
    name: 'soak',
    seed,
    dir,
    temporalCli: ensureTemporalCli(),
    orders,
    concurrency,
    itemCount: 40,
    stock: { 'wh-east': 30, 'wh-central': 30, 'wh-west': 30 },
    reservationTtlSeconds: 30,
    paymentFailureRate: 0.05,
    shardReplicas: replicas,
    log: (message) => console.log(`[chaos] ${message}`),
    onProgress: (p) => {
      progress = p;
    },
    async faults(ctx) {
      while (progress.begun < orders && Date.now() < loadDeadline) {
        await ctx.pause(10_000, 30_000);
        if (progress.begun >= orders) break;
        await FAULTS[Math.floor(ctx.random() * FAULTS.length)]!(ctx);
      }
    },
  });
  clearInterval(ticker);
  const recoveries = report.faults
    .map((f) => f.recoveryMs)
    .filter((ms): ms is number => ms !== undefined)
    .sort((a, b) => a - b);
  const failoverTimes = failovers.map((f) => f.failoverMs).sort((a, b) => a - b);
  const summary = {
    ...report,
    failovers,
    failover: {
      medianMs: failoverTimes.length ? failoverTimes[Math.floor((failoverTimes.length - 1) / 2)] : null,
      worstMs: failoverTimes.length ? failoverTimes[failoverTimes.length - 1] : null,
    },
    recovery: {
      medianMs: recoveries.length ? recoveries[Math.floor(recoveries.length / 2)] : null,
      worstMs: recoveries.length ? recoveries[recoveries.length - 1] : null,
      measured: recoveries.length,
    },
  };
  fs.mkdirSync(path.dirname(reportFile), { recursive: true });
  fs.writeFileSync(reportFile, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    `\nchaos soak done in ${Math.round(report.durationMs / 1000)} s: ${report.driver.acknowledged} orders ` +
      `${JSON.stringify(report.verdict.ordersByStatus)}, ${report.faults.length} faults, ` +
      `recovery median ${summary.recovery.medianMs} ms / worst ${summary.recovery.worstMs} ms, ` +
      (failovers.length
        ? `${failovers.length} failovers median ${summary.failover.medianMs} ms / worst ${summary.failover.worstMs} ms, `
        : '') +
      `${report.violations.length} violations`,
  );
  for (const v of report.violations) console.log(`  VIOLATION ${v}`);
  console.log(`report: ${reportFile}`);
  process.exit(report.violations.length === 0 ? 0 : 1);
} catch (error) {
  clearInterval(ticker);
  console.error(`chaos soak failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
}
