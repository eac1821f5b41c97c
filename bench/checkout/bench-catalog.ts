/** The benchmark's catalog: well-stocked items for the closed loop and the open orders, one flash-sale item. */
import type { Repositories } from '../../db/repositories/index.js';
import { DEMO_WAREHOUSES } from '../../db/seed-demo-catalog.js';

export interface BenchCatalog {
  loopItemIds: string[];
  flashItemId: string;
}

/** Units per warehouse of a loop item: more than any run can take. */
const WELL_STOCKED_UNITS = 1_000_000;

export async function seedBenchCatalog(
  repos: Repositories,
  options: { loopItems: number; flashUnits: number; runId: string },
): Promise<BenchCatalog> {
  await repos.warehouses.upsertWarehouses(DEMO_WAREHOUSES);
  const item = (itemId: string, name: string, stock: { warehouseId: string; quantity: number }[]) => ({
    itemId,
    name,
    description: `Benchmark item ${name}`,
    priceCents: 1_999,
    type: 'bench',
    stock,
  });
  const loopItemIds = Array.from({ length: options.loopItems }, (_, i) => `bench-${options.runId}-${i}`);
  const flashItemId = `bench-${options.runId}-flash`;
  await repos.catalog.createItems([
    ...loopItemIds.map((id, i) =>
      item(
        id,
        `loop ${i}`,
        DEMO_WAREHOUSES.map((w) => ({ warehouseId: w.warehouseId, quantity: WELL_STOCKED_UNITS })),
      ),
    ),
    item(flashItemId, 'flash sale', [
      { warehouseId: DEMO_WAREHOUSES[0]!.warehouseId, quantity: options.flashUnits },
    ]),
  ]);
  return { loopItemIds, flashItemId };
}
