import { parseArgs } from 'node:util';
import { createCatalogRepository } from '../db/repositories/catalog-repository.js';
import { createStockRepository } from '../db/repositories/stock-repository.js';
import { createWarehouseRepository } from '../db/repositories/warehouse-repository.js';
import type { ShardSet } from '../db/shard-set.js';
import { median, percentile } from './lib/sample-stats.js';
import { startThrowawayShard } from './lib/throwaway-shard.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    reservers: { type: 'string', default: '1000' },
    pool: { type: 'string', default: '100' },
  },
});
const RUNS = Number(values.runs);
const RESERVERS = Number(values.reservers);
const POOL = Number(values.pool);

interface RunResult {
  perSecond: number;
  retriesPerSuccess: number;
  p99Ms: number;
  succeeded: number;
}

async function hotItem(shardSet: ShardSet, label: string): Promise<string> {
  const itemId = `hot-${label}-${process.hrtime.bigint()}`;
  await createCatalogRepository({ shardSet, cursorSecret: 'bench' }).createItems([
    {
      itemId,
      name: 'Hot item',
      description: 'Everyone wants one',
      priceCents: 100,
      type: 'bench',
      stock: [{ warehouseId: 'bench-wh', quantity: RESERVERS }],
    },
  ]);
  return itemId;
}

async function measure(calls: (() => Promise<unknown>)[]): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    calls.map(async (call) => {
      const t0 = performance.now();
      await call();
      latencies.push(performance.now() - t0);
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies };
}

async function repositoryRun(shardSet: ShardSet, run: number): Promise<RunResult> {
  const itemId = await hotItem(shardSet, `repo${run}`);
  let retries = 0;
  const stock = createStockRepository({ shardSet, onLostRace: () => retries++ });
  const { seconds, latencies } = await measure(
    Array.from(
      { length: RESERVERS },
      (_, i) => () => stock.reserve({ orderId: `order-${run}-${i}`, itemId, quantity: 1, expiresAt: null }),
    ),
  );
  const left = (await stock.getStock(itemId))!;
  if (left.available !== 0 || left.version !== RESERVERS) {
    throw new Error(`repository run ${run}: ${left.available} left at version ${left.version}`);
  }
  return {
    perSecond: RESERVERS / seconds,
    retriesPerSuccess: retries / RESERVERS,
    p99Ms: percentile(latencies, 99),
    succeeded: RESERVERS,
  };
}

async function baselineRun(shardSet: ShardSet, run: number): Promise<RunResult> {
  const itemId = await hotItem(shardSet, `base${run}`);
  const { sql } = shardSet.forItem(itemId);
  let succeeded = 0;
  const { seconds, latencies } = await measure(
    Array.from({ length: RESERVERS }, () => async () => {
      const result = await sql`
        update stock set available = available - 1 where item_id = ${itemId} and available >= 1`;
      succeeded += result.count;
    }),
  );
  if (succeeded !== RESERVERS) throw new Error(`baseline run ${run}: ${succeeded} of ${RESERVERS} succeeded`);
  return {
    perSecond: RESERVERS / seconds,
    retriesPerSuccess: 0,
    p99Ms: percentile(latencies, 99),
    succeeded,
  };
}

async function main(): Promise<void> {
  const { shardSet, stop } = await startThrowawayShard(POOL);
  try {
    await createWarehouseRepository({ shardSet }).upsertWarehouses([
      { warehouseId: 'bench-wh', name: 'Bench', region: 'bench', latitude: 0, longitude: 0 },
    ]);
    // Warm the pool so the first run does not pay for connecting.
    await Promise.all(Array.from({ length: POOL }, () => shardSet.shards[0]!.sql`select pg_sleep(0.01)`));

    const repository: RunResult[] = [];
    const baseline: RunResult[] = [];
    for (let run = 1; run <= RUNS; run++) {
      // Interleaved, so drift in the machine's load hits both alike.
      baseline.push(await baselineRun(shardSet, run));
      repository.push(await repositoryRun(shardSet, run));
      console.log(
        `run ${run}: repository ${repository.at(-1)!.perSecond.toFixed(0)}/s ` +
          `(${repository.at(-1)!.retriesPerSuccess.toFixed(2)} retries/success), baseline ${baseline.at(-1)!.perSecond.toFixed(0)}/s`,
      );
    }

    const row = (name: string, results: RunResult[]) => ({
      variant: name,
      'reservations/s (median)': Math.round(median(results.map((r) => r.perSecond))),
      'retries/success (median)': Number(median(results.map((r) => r.retriesPerSuccess)).toFixed(2)),
      'p99 latency ms (median)': Math.round(median(results.map((r) => r.p99Ms))),
    });
    const repoRow = row('repository: one statement (effect row + conditional decrement)', repository);
    const baseRow = row('baseline: UPDATE … WHERE available >= 1', baseline);
    console.log(
      `\none hot item, ${RESERVERS} concurrent reservers of 1 unit, pool of ${POOL} connections, ${RUNS} runs each`,
    );
    console.table([repoRow, baseRow]);
    console.log(
      `repository / baseline throughput: ${(repoRow['reservations/s (median)'] / baseRow['reservations/s (median)']).toFixed(2)}`,
    );
  } finally {
    await stop();
  }
}

await main();
