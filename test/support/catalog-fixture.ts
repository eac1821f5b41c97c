/** Catalog and stock set-up for tests that run against the real shards. */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../config/env.js';
import { createRepositories, type Repositories } from '../../db/repositories/index.js';
import { DEMO_WAREHOUSES } from '../../db/seed-demo-catalog.js';
import { createShardSet, type ShardSet } from '../../db/shard-set.js';

export interface ShardAccess {
  shards: ShardSet;
  repos: Repositories;
  close(): Promise<void>;
}

export async function openShards(shardUrls: readonly string[]): Promise<ShardAccess> {
  const shards = createShardSet(loadConfig({ SHARD_URLS: shardUrls.join(',') }).db);
  const repos = createRepositories({ shardSet: shards, cursorSecret: 'test' });
  await repos.warehouses.upsertWarehouses(DEMO_WAREHOUSES);
  return { shards, repos, close: () => shards.close() };
}

/** A fresh item with the given units per warehouse (wh-east, wh-central, wh-west). */
export async function stockedItem(
  repos: Repositories,
  stock: Record<string, number>,
  priceCents = 1999,
): Promise<string> {
  const itemId = `it-${randomUUID().slice(0, 12)}`;
  await repos.catalog.createItems([
    {
      itemId,
      name: `Test item ${itemId}`,
      description: 'Made for a test',
      priceCents,
      type: 'test',
      stock: Object.entries(stock).map(([warehouseId, quantity]) => ({ warehouseId, quantity })),
    },
  ]);
  return itemId;
}

export interface StockCounters {
  available: number;
  warehouseAvailable: Record<string, number>;
  physical: Record<string, number>;
}

export async function stockCounters(repos: Repositories, itemId: string): Promise<StockCounters> {
  const [stock, rows] = await Promise.all([
    repos.stock.getStock(itemId),
    repos.warehouseStock.getAvailability([itemId]),
  ]);
  return {
    available: stock?.available ?? 0,
    warehouseAvailable: Object.fromEntries(rows.map((r) => [r.warehouseId, r.available])),
    physical: Object.fromEntries(rows.map((r) => [r.warehouseId, r.physical])),
  };
}

export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline)
      throw new Error(`condition not reached in ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    last = await probe();
  }
  return last;
}
