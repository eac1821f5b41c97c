import { parseArgs } from 'node:util';
import { type ItemPageBody, itemRoutes } from '../api/routes/items.js';
import { createMemorySearchCache } from '../api/search-cache.js';
import { createCatalogRepository, type NewItem } from '../db/repositories/catalog-repository.js';
import { createWarehouseRepository } from '../db/repositories/warehouse-repository.js';
import { median, percentile } from './lib/sample-stats.js';
import { startThrowawayShard } from './lib/throwaway-shard.js';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '5' },
  },
});
const ITEMS = Number(values.items);
const RUNS = Number(values.runs);
const CONCURRENCY = Number(values.concurrency);
const SECONDS = Number(values.seconds);

const COLORS = ['red', 'blue', 'green', 'black', 'white', 'orange', 'grey', 'yellow'];
const THINGS = ['lantern', 'tent', 'jacket', 'boots', 'stove', 'backpack', 'blanket', 'mug', 'rope', 'knife'];
const TYPES = ['camping', 'clothing', 'kitchen', 'tools'];
/** What shoppers ask most: a word, two words, a type filter, a price range. */
const POPULAR = [
  '/items?query=lantern',
  '/items?query=red%20tent',
  '/items?query=boots&type=clothing',
  '/items?type=kitchen&minPrice=1000&maxPrice=3000',
  '/items?query=blue&limit=50',
  '/items',
];

function catalogItem(i: number): NewItem {
  const color = COLORS[i % COLORS.length]!;
  const thing = THINGS[Math.floor(i / COLORS.length) % THINGS.length]!;
  return {
    itemId: `bench-${String(i).padStart(6, '0')}`,
    name: `${color} ${thing} ${i}`,
    description: `A ${color} ${thing} for the benchmark`,
    priceCents: 500 + ((i * 37) % 9500),
    type: TYPES[i % TYPES.length]!,
    stock: [{ warehouseId: 'bench-wh', quantity: 10 }],
  };
}

interface RunResult {
  perSecond: number;
  p99Ms: number;
}

/** `CONCURRENCY` callers asking the popular searches in turn for `SECONDS`. */
async function load(app: ReturnType<typeof itemRoutes>): Promise<RunResult> {
  const latencies: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, caller) => {
      for (let n = caller; performance.now() < until; n++) {
        const t0 = performance.now();
        const res = await app.request(POPULAR[n % POPULAR.length]!);
        if (res.status !== 200) throw new Error(`${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return {
    perSecond: latencies.length / ((performance.now() - started) / 1000),
    p99Ms: percentile(latencies, 99),
  };
}

async function main(): Promise<void> {
  const { shardSet, stop } = await startThrowawayShard(10);
  try {
    await createWarehouseRepository({ shardSet }).upsertWarehouses([
      { warehouseId: 'bench-wh', name: 'Bench', region: 'bench', latitude: 0, longitude: 0 },
    ]);
    const catalog = createCatalogRepository({ shardSet, cursorSecret: 'bench' });
    const seeding = performance.now();
    for (let from = 0; from < ITEMS; from += 5_000) {
      const count = Math.min(5_000, ITEMS - from);
      await catalog.createItems(Array.from({ length: count }, (_, i) => catalogItem(from + i)));
    }
    await shardSet.shards[0]!.sql`analyze`;
    console.log(`seeded ${ITEMS} items in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

    const uncached: RunResult[] = [];
    const cached: RunResult[] = [];
    for (let run = 1; run <= RUNS; run++) {
      uncached.push(await load(itemRoutes(catalog)));
      const cache = createMemorySearchCache<ItemPageBody>({ ttlSeconds: 60, maxEntries: 1000 });
      cached.push(await load(itemRoutes(catalog, cache)));
      console.log(
        `run ${run}: uncached ${uncached.at(-1)!.perSecond.toFixed(0)}/s p99 ${uncached.at(-1)!.p99Ms.toFixed(1)} ms, ` +
          `cached ${cached.at(-1)!.perSecond.toFixed(0)}/s p99 ${cached.at(-1)!.p99Ms.toFixed(2)} ms`,
      );
    }
    const row = (variant: string, results: RunResult[]) => ({
      variant,
      'requests/s (median)': Math.round(median(results.map((r) => r.perSecond))),
      'p99 ms (median)': Number(median(results.map((r) => r.p99Ms)).toFixed(2)),
    });
    console.log(
      `\n${ITEMS} items, ${POPULAR.length} popular searches, ${CONCURRENCY} callers, ${SECONDS} s per run, ${RUNS} runs`,
    );
    console.table([
      row('no cache: every search reads the shard', uncached),
      row('in-process search cache', cached),
    ]);
  } finally {
    await stop();
  }
}

await main();
