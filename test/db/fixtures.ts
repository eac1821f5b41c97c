/** Shared helpers of the db tests: shard sets on the suite's shards and unique, routable test data. */
import { randomBytes } from 'node:crypto';
import { createCatalogRepository, type NewItem } from '../../db/repositories/catalog-repository.js';
import { createWarehouseRepository, type Warehouse } from '../../db/repositories/warehouse-repository.js';
import { createShardSet, type ShardSet } from '../../db/shard-set.js';
import { testStack } from '../support/stack.js';

export const CURSOR_SECRET = 'db-test-cursor-secret';

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export function suiteShardSet(options: { poolSize?: number; urls?: string[] } = {}): ShardSet {
  return createShardSet({
    shardUrls: options.urls ?? testStack().shardUrls,
    poolSize: options.poolSize ?? 10,
    connectTimeoutSeconds: 3,
  });
}

export const TEST_WAREHOUSES: readonly Warehouse[] = [
  { warehouseId: 'wh-test-a', name: 'Test A', region: 'test', latitude: 40, longitude: -74 },
  { warehouseId: 'wh-test-b', name: 'Test B', region: 'test', latitude: 41.5, longitude: -88 },
];

export async function ensureTestWarehouses(shardSet: ShardSet): Promise<void> {
  await createWarehouseRepository({ shardSet }).upsertWarehouses(TEST_WAREHOUSES);
}

/** Creates one item with a unique id and the given units per test warehouse (a, b). */
export async function createStockedItem(
  shardSet: ShardSet,
  units: { a?: number; b?: number },
  overrides: Partial<NewItem> = {},
): Promise<string> {
  await ensureTestWarehouses(shardSet);
  const itemId = overrides.itemId ?? uniqueId('item');
  const stock = [
    ...(units.a !== undefined ? [{ warehouseId: 'wh-test-a', quantity: units.a }] : []),
    ...(units.b !== undefined ? [{ warehouseId: 'wh-test-b', quantity: units.b }] : []),
  ];
  await createCatalogRepository({ shardSet, cursorSecret: CURSOR_SECRET }).createItems([
    {
      itemId,
      name: 'Test widget',
      description: 'A widget for tests',
      priceCents: 1_000,
      type: 'test',
      stock,
      ...overrides,
    },
  ]);
  return itemId;
}

/** Runs `count` calls of `run` at once and sorts their outcomes. */
export async function settleAll<T>(count: number, run: (index: number) => Promise<T>) {
  const outcomes = await Promise.allSettled(Array.from({ length: count }, (_, index) => run(index)));
  return {
    fulfilled: outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : [])),
    rejected: outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : [])),
  };
}
