import { isTransientDbError } from '../errors.js';
import { assertId } from '../input-checks.js';
import type { ShardSet } from '../shard-set.js';

export interface Warehouse {
  warehouseId: string;
  name: string;
  region: string;
  latitude: number;
  longitude: number;
}

/** Warehouses are small reference data replicated to every shard (stock rows reference them locally). */
export interface WarehouseRepository {
  /** Writes the warehouses to every shard; rows already equal are left alone. Safe to repeat. */
  upsertWarehouses(warehouses: readonly Warehouse[]): Promise<void>;
  /** Read from the first shard that answers, sorted by id. */
  listWarehouses(): Promise<Warehouse[]>;
}

export function createWarehouseRepository({ shardSet }: { shardSet: ShardSet }): WarehouseRepository {
  return {
    async upsertWarehouses(warehouses) {
      for (const w of warehouses) {
        assertId(w.warehouseId, 'warehouseId');
        if (w.warehouseId.includes('.'))
          throw new RangeError(`warehouse ids contain no dot: ${w.warehouseId}`);
      }
      if (warehouses.length === 0) return;
      const rows = warehouses.map((w) => ({
        warehouse_id: w.warehouseId,
        name: w.name,
        region: w.region,
        latitude: w.latitude,
        longitude: w.longitude,
      }));
      await Promise.all(
        shardSet.shards.map(
          ({ sql }) => sql`
            insert into warehouses ${sql(rows, 'warehouse_id', 'name', 'region', 'latitude', 'longitude')}
            on conflict (warehouse_id) do update
            set name = excluded.name, region = excluded.region, latitude = excluded.latitude,
                longitude = excluded.longitude, version = warehouses.version + 1, updated_at = now()
            where (warehouses.name, warehouses.region, warehouses.latitude, warehouses.longitude)
              is distinct from (excluded.name, excluded.region, excluded.latitude, excluded.longitude)`,
        ),
      );
    },

    async listWarehouses() {
      let lastError: unknown;
      for (const { sql } of shardSet.shards) {
        try {
          const rows = await sql<Warehouse[]>`
            select warehouse_id as "warehouseId", name, region, latitude, longitude
            from warehouses order by warehouse_id`;
          return [...rows];
        } catch (error) {
          if (!isTransientDbError(error)) throw error;
          lastError = error;
        }
      }
      throw lastError;
    },
  };
}
