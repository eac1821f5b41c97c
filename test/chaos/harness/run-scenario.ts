/**
 * One chaos run: start the stack, stock a catalog, drive shoppers through the API while faults land
 * at seeded random moments, fulfil what was placed, wait until every workflow is done, then verify.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { randomInt, seededRandom } from '../../../db/seeded-random.js';
import type { PlatformProcessName } from '../../../scripts/lib/platform-processes.js';
import { ChaosStack } from './chaos-stack.js';
import { HttpClient } from './http-client.js';
import { waitForQuiescence, workflowEnding } from './quiescence.js';
import { type Intent, ShopperDriver } from './shoppers.js';
import { type StockedItem, type Verdict, verifyRun } from './verify.js';

export interface FaultRecord {
  fault: string;
  injectedAtMs: number;
  clearedAtMs: number;
  /** Fault cleared → the first order transition after it; undefined if none was seen. */
  recoveryMs?: number;
}

export interface FaultContext {
  /** Shoppers acknowledged so far (faults can wait for the load to build up). */
  acknowledged(): number;
  /** Every shopper has finished (acknowledged or refused). */
  loadFinished(): boolean;
  stack: ChaosStack;
  random: () => number;
  /** Sleeps a seeded random time in [minMs, maxMs]. */
  pause(minMs: number, maxMs: number): Promise<void>;
  /** Runs `inject`, waits, runs `clear`, and measures how long orders take to move again. */
  fault(
    name: string,
    inject: () => Promise<void>,
    downMs: number,
    clear: () => Promise<void>,
  ): Promise<FaultRecord>;
  killAndRestart(name: PlatformProcessName, downMs: number): Promise<FaultRecord>;
  log(message: string): void;
}

export interface ScenarioOptions {
  name: string;
  seed: number;
  dir: string;
  temporalCli: string;
  orders: number;
  concurrency: number;
  /** Units per warehouse of every item. */
  stock: Record<'wh-east' | 'wh-central' | 'wh-west', number>;
  itemCount: number;
  /** Every shopper buys one unit of one item (a flash sale). */
  singleUnit?: boolean;
  reservationTtlSeconds: number;
  paymentFailureRate?: number;
  /** Milliseconds each gateway call takes (the gateway's calls are local activities of the order). */
  paymentLatencyMs?: number;
  /** Standbys per shard (pg_auto_failover); 0 or absent: one server per shard. */
  shardReplicas?: number;
  /** `dev` (default): the Temporal dev server; `cluster`: Temporal on its own PostgreSQL, a process per service. */
  temporal?: 'dev' | 'cluster';
  /** History shards of the Temporal cluster (`temporal: 'cluster'`); the stack's default when absent. */
  historyShards?: number;
  /** Fixed intent for every shopper (flash sale); default a mix. */
  intent?: Intent;
  faults(context: FaultContext): Promise<void>;
  log?: (message: string) => void;
  onProgress?: (progress: ChaosProgress) => void;
}

export interface ChaosProgress {
  begun: number;
  acknowledged: number;
  faults: number;
  /** Orders by the status the API last reported to their shopper. */
  byStatus: Record<string, number>;
}

export interface ScenarioReport {
  name: string;
  seed: number;
  durationMs: number;
  driver: ShopperDriver['stats'];
  faults: FaultRecord[];
  quiescence: { reached: boolean; waitedMs: number; stillRunning: string[] };
  verdict: Verdict;
  violations: string[];
}

const JWT_SECRET = 'chaos-secret';

export async function runScenario(options: ScenarioOptions): Promise<ScenarioReport> {
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed);
  const started = Date.now();
  log(`${options.name}: seed ${options.seed} (replay with CHAOS_SEED=${options.seed})`);
  const stack = await ChaosStack.start({
    dir: path.join(options.dir, options.name),
    temporalCli: options.temporalCli,
    shardCount: 2,
    reservationTtlSeconds: options.reservationTtlSeconds,
    paymentFailureRate: options.paymentFailureRate ?? 0,
    ...(options.paymentLatencyMs === undefined ? {} : { paymentLatencyMs: options.paymentLatencyMs }),
    jwtSecret: JWT_SECRET,
    ...(options.shardReplicas === undefined ? {} : { shardReplicas: options.shardReplicas }),
    ...(options.temporal === undefined ? {} : { temporal: options.temporal }),
    ...(options.historyShards === undefined ? {} : { historyShards: options.historyShards }),
    log,
  });
  // Ctrl-C stops every server this run started before the process exits.
  const interrupted = () => void stack.stop().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const items = await stockCatalog(stack, options);
    const http = new HttpClient({ baseUrl: stack.baseUrl, requestTimeoutMs: 30_000, deadlineMs: 180_000 });
    const driver = new ShopperDriver(http, JWT_SECRET, random);
    const faults: FaultRecord[] = [];
    let shoppersLeft = options.concurrency;
    const context = faultContext(stack, random, faults, started, log, {
      acknowledged: () => driver.stats.acknowledged,
      loadFinished: () => shoppersLeft === 0,
    });

    const itemIds = items.map((i) => i.itemId);
    let next = 0;
    const shopper = async () => {
      while (next < options.orders) {
        next++;
        await driver.shop(itemIds, options.intent, options.singleUnit).catch((error) => {
          driver.stats.gaveUp++;
          log(`shopper gave up: ${String(error).slice(0, 200)}`);
        });
        options.onProgress?.({
          begun: driver.stats.begun,
          acknowledged: driver.stats.acknowledged,
          faults: faults.length,
          byStatus: countBy(driver.orders.map((o) => o.lastStatus)),
        });
      }
      shoppersLeft--;
    };
    await Promise.all([...Array.from({ length: options.concurrency }, shopper), options.faults(context)]);
    log(`${options.name}: load done (${driver.stats.acknowledged} acknowledged); fulfilling`);
    await driver.fulfilAll();
    const quiescence = await waitForQuiescence(
      stack.temporalAddress,
      (options.reservationTtlSeconds + 120) * 1000,
    );
    const verdict = await verifyRun(stack.shardSet, stack.repos, driver.orders, items);
    const explained = await Promise.all(
      verdict.violations.map(async (violation) => {
        const orderId = /^not terminal: (\S+)/.exec(violation)?.[1];
        return orderId
          ? `${violation} (${await workflowEnding(stack.temporalAddress, `order-${orderId}`)})`
          : violation;
      }),
    );
    const violations = [...explained, ...stack.crashes.map((crash) => `crash: ${crash}`)];
    if (!quiescence.reached)
      violations.push(`still running after the wait: ${quiescence.stillRunning.slice(0, 10).join(', ')}`);
    return {
      name: options.name,
      seed: options.seed,
      durationMs: Date.now() - started,
      driver: driver.stats,
      faults,
      quiescence,
      verdict,
      violations,
    };
  } catch (error) {
    log(`${options.name} failed; process logs: ${stack.logFile}`);
    throw error;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await stack.stop();
  }
}

async function stockCatalog(stack: ChaosStack, options: ScenarioOptions): Promise<StockedItem[]> {
  const run = randomUUID().slice(0, 8);
  const items = Array.from({ length: options.itemCount }, (_, i) => ({
    itemId: `chaos-${run}-${i}`,
    name: `Chaos item ${i}`,
    description: 'Stocked for a chaos run',
    priceCents: 500 + i * 100,
    type: 'chaos',
    stock: Object.entries(options.stock).map(([warehouseId, quantity]) => ({ warehouseId, quantity })),
  }));
  await stack.repos.catalog.createItems(items);
  const initial = Object.values(options.stock).reduce((a, b) => a + b, 0);
  return items.map((i) => ({ itemId: i.itemId, initial }));
}

function faultContext(
  stack: ChaosStack,
  random: () => number,
  faults: FaultRecord[],
  started: number,
  log: (message: string) => void,
  load: Pick<FaultContext, 'acknowledged' | 'loadFinished'>,
): FaultContext {
  const pause = (minMs: number, maxMs: number) =>
    new Promise<void>((resolve) => setTimeout(resolve, randomInt(random, minMs, maxMs)));
  const context: FaultContext = {
    ...load,
    stack,
    random,
    pause,
    log,
    async fault(name, inject, downMs, clear) {
      const injectedAt = Date.now();
      await inject();
      log(`fault: ${name} (down ${downMs} ms)`);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await clear();
      const clearedAt = Date.now();
      const record: FaultRecord = {
        fault: name,
        injectedAtMs: injectedAt - started,
        clearedAtMs: clearedAt - started,
      };
      faults.push(record);
      record.recoveryMs = await recoveryAfter(stack, clearedAt);
      log(`recovered from ${name} in ${record.recoveryMs ?? 'n/a'} ms`);
      return record;
    },
    killAndRestart(name, downMs) {
      return context.fault(
        `kill -9 ${name}`,
        () => stack.killProcess(name),
        downMs,
        () => stack.restartProcess(name),
      );
    },
  };
  return context;
}

/** Time from `clearedAt` until some order row changes again (the stalled orders move). */
async function recoveryAfter(
  stack: ChaosStack,
  clearedAt: number,
  timeoutMs = 120_000,
): Promise<number | undefined> {
  while (Date.now() - clearedAt < timeoutMs) {
    for (const shard of stack.shardSet.shards) {
      try {
        const [row] = await shard.sql<{ latest: Date | null }[]>`
          select max(updated_at) as latest from orders where updated_at > ${new Date(clearedAt)}`;
        if (row?.latest) return row.latest.getTime() - clearedAt;
      } catch {
        // the shard may still be coming back
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
