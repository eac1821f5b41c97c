import type postgres from 'postgres';
import type { ShortLine } from '../../domain/order-lines.js';
import type { AllocationStatus } from '../../domain/stock-status.js';
import { compareBytewise } from '../byte-order.js';
import {
  IdempotencyKeyConflictError,
  InvalidTransitionError,
  NotFoundError,
  OutOfStockError,
} from '../errors.js';
import { assertDistinct, assertId, assertQuantity } from '../input-checks.js';
import { groupByShard, type ShardSet } from '../shard-set.js';
import { LOST_RACE, retryOnLostRace, type VersionRetryOptions } from '../version-retry.js';
import { assertSameQuantity, releaseOrTombstone } from './keyed-effects.js';
import { addToAvailable, readStockLevel } from './stock-table.js';

export interface WarehouseStockLevel {
  itemId: string;
  warehouseId: string;
  physical: number;
  available: number;
  version: number;
}

export interface AllocationKey {
  orderId: string;
  itemId: string;
  warehouseId: string;
}

export interface Allocation extends AllocationKey {
  quantity: number;
  status: AllocationStatus;
  version: number;
}

export interface RestockInput {
  /** Idempotency key of this delivery of units (e.g. a goods-received note id). */
  adjustmentId: string;
  itemId: string;
  warehouseId: string;
  quantity: number;
}

export interface RestockResult {
  /** False when this adjustment id was applied before: nothing changed this time. */
  applied: boolean;
  warehouseStock: WarehouseStockLevel;
  available: number;
}

export interface WarehouseStockRepository {
  /** Per (item, warehouse) units, for the split planner. Items without stock rows are simply absent. */
  getAvailability(itemIds: readonly string[]): Promise<WarehouseStockLevel[]>;
  /**
   * Promises `quantity` units of a COMMITTED reservation to one warehouse: warehouse available −= quantity.
   * Idempotent per (order, item, warehouse). OutOfStockError when the warehouse lacks them;
   * InvalidTransitionError when the reservation is not COMMITTED or would be over-allocated.
   */
  allocate(input: AllocationKey & { quantity: number }): Promise<Allocation>;
  /**
   * One item's units from several warehouses in one transaction on the item's shard: all parts or none.
   * OutOfStockError names each short warehouse part (`itemId`, requested, that warehouse's available).
   */
  allocateItem(input: {
    orderId: string;
    itemId: string;
    parts: readonly { warehouseId: string; quantity: number }[];
  }): Promise<Allocation[]>;
  /** ALLOCATED → RELEASED, units back to warehouse available. Idempotent; tombstone when absent. */
  releaseAllocation(key: AllocationKey): Promise<Allocation>;
  /** ALLOCATED → SHIPPED, physical −= quantity. Idempotent. */
  shipAllocation(key: AllocationKey): Promise<Allocation>;
  /** Units arrive: physical, warehouse available and stock available all += quantity, once per adjustment id. */
  restock(input: RestockInput): Promise<RestockResult>;
  listAllocations(orderId: string, itemId: string): Promise<Allocation[]>;
}

export interface WarehouseStockRepositoryDeps extends VersionRetryOptions {
  shardSet: ShardSet;
}

type Tx = postgres.TransactionSql;

const ALLOCATION_COLUMNS = (sql: Tx | postgres.Sql) =>
  sql`order_id as "orderId", item_id as "itemId", warehouse_id as "warehouseId", quantity, status, version`;

const LEVEL_COLUMNS = (sql: Tx | postgres.Sql) =>
  sql`item_id as "itemId", warehouse_id as "warehouseId", physical, available, version`;

const keyText = (key: AllocationKey) => `${key.orderId}/${key.itemId}/${key.warehouseId}`;

const cannotMove = (key: AllocationKey, from: AllocationStatus, to: AllocationStatus, reason: string) =>
  new InvalidTransitionError('allocation', keyText(key), from, to, reason);

/** Units of an order's item still promised by a warehouse or on their way (ALLOCATED or SHIPPED). */
export async function liveAllocatedUnits(
  tx: postgres.TransactionSql,
  key: { orderId: string; itemId: string },
): Promise<number> {
  const [live] = await tx<{ units: number }[]>`
    select coalesce(sum(quantity), 0)::int as units from warehouse_allocations
    where order_id = ${key.orderId} and item_id = ${key.itemId} and status in ('ALLOCATED', 'SHIPPED')`;
  return live?.units ?? 0;
}

export function createWarehouseStockRepository(deps: WarehouseStockRepositoryDeps): WarehouseStockRepository {
  const { shardSet } = deps;

  function checkKey(key: AllocationKey): void {
    assertId(key.orderId, 'orderId');
    assertId(key.itemId, 'itemId');
    assertId(key.warehouseId, 'warehouseId');
  }

  async function lockAllocation(tx: Tx, key: AllocationKey): Promise<Allocation | undefined> {
    const [row] = await tx<Allocation[]>`
      select ${ALLOCATION_COLUMNS(tx)} from warehouse_allocations
      where order_id = ${key.orderId} and item_id = ${key.itemId} and warehouse_id = ${key.warehouseId}
      for update`;
    return row;
  }

  /** Moves an allocation to `status`, changing its warehouse's counters by `delta` in the same transaction. */
  async function moveAllocation(
    tx: Tx,
    key: AllocationKey,
    status: AllocationStatus,
    delta: { physical: number; available: number },
  ): Promise<Allocation> {
    await adjustWarehouseStock(tx, key.itemId, key.warehouseId, delta);
    const [row] = await tx<Allocation[]>`
      update warehouse_allocations set status = ${status}, version = version + 1, updated_at = now()
      where order_id = ${key.orderId} and item_id = ${key.itemId} and warehouse_id = ${key.warehouseId}
      returning ${ALLOCATION_COLUMNS(tx)}`;
    return row!;
  }

  /**
   * Version-checked change of one (item, warehouse) row. `availableDelta < 0` beyond what is there is a
   * business failure (returned, not thrown, so the caller can word it).
   */
  function adjustWarehouseStock(
    tx: Tx,
    itemId: string,
    warehouseId: string,
    delta: { physical: number; available: number },
  ): Promise<{ short: number } | { level: WarehouseStockLevel }> {
    return retryOnLostRace(deps, 'warehouse stock', `${itemId}/${warehouseId}`, async () => {
      const [row] = await tx<WarehouseStockLevel[]>`
        select ${LEVEL_COLUMNS(tx)} from warehouse_stock
        where item_id = ${itemId} and warehouse_id = ${warehouseId}`;
      if (!row) throw new NotFoundError('warehouse stock', `${itemId}/${warehouseId}`);
      if (row.available + delta.available < 0) return { short: row.available };
      const [level] = await tx<WarehouseStockLevel[]>`
        update warehouse_stock
        set physical = physical + ${delta.physical}, available = available + ${delta.available},
            version = version + 1, updated_at = now()
        where item_id = ${itemId} and warehouse_id = ${warehouseId} and version = ${row.version}
        returning ${LEVEL_COLUMNS(tx)}`;
      return level ? { level } : LOST_RACE;
    });
  }

  /** The allocation may not exceed what the order's COMMITTED reservation of the item still leaves. */
  async function assertAllocatable(tx: Tx, key: AllocationKey): Promise<void> {
    const [reservation] = await tx<{ status: string; quantity: number }[]>`
      select status, quantity from stock_reservations
      where order_id = ${key.orderId} and item_id = ${key.itemId}
      for update`;
    if (!reservation) throw new NotFoundError('reservation', `${key.orderId}/${key.itemId}`);
    if (reservation.status !== 'COMMITTED') {
      throw new InvalidTransitionError(
        'reservation',
        `${key.orderId}/${key.itemId}`,
        reservation.status,
        'ALLOCATED',
        'only a committed (paid) reservation can be allocated',
      );
    }
    const units = await liveAllocatedUnits(tx, key);
    if (units > reservation.quantity) {
      throw new InvalidTransitionError(
        'reservation',
        `${key.orderId}/${key.itemId}`,
        'COMMITTED',
        'ALLOCATED',
        `allocations (${units}) would exceed the reserved ${reservation.quantity}`,
      );
    }
  }

  function releaseOne(tx: Tx, key: AllocationKey): Promise<Allocation> {
    return releaseOrTombstone({
      lock: () => lockAllocation(tx, key),
      insertTombstone: async () => {
        const [tombstone] = await tx<Allocation[]>`
          insert into warehouse_allocations (order_id, item_id, warehouse_id, quantity, status)
          values (${key.orderId}, ${key.itemId}, ${key.warehouseId}, 0, 'RELEASED')
          on conflict (order_id, item_id, warehouse_id) do nothing
          returning ${ALLOCATION_COLUMNS(tx)}`;
        return tombstone;
      },
      release: async (held) => {
        if (held.status === 'SHIPPED') throw cannotMove(key, 'SHIPPED', 'RELEASED', 'already shipped');
        return moveAllocation(tx, key, 'RELEASED', { physical: 0, available: held.quantity });
      },
    });
  }

  const repository: WarehouseStockRepository = {
    async getAvailability(itemIds) {
      for (const id of itemIds) assertId(id, 'itemId');
      const groups = groupByShard([...new Set(itemIds)], (id) => shardSet.forItem(id));
      const perShard = await Promise.all(
        groups.map(
          ({ shard, values }) => shard.sql<WarehouseStockLevel[]>`
            select ${LEVEL_COLUMNS(shard.sql)} from warehouse_stock
            where item_id = any(${values}::text[])
            order by item_id, warehouse_id`,
        ),
      );
      return perShard.flat();
    },

    async allocate({ quantity, ...key }) {
      const [allocation] = await repository.allocateItem({
        orderId: key.orderId,
        itemId: key.itemId,
        parts: [{ warehouseId: key.warehouseId, quantity }],
      });
      return allocation!;
    },

    async allocateItem({ orderId, itemId, parts }) {
      if (parts.length === 0) throw new RangeError('an allocation needs at least one warehouse');
      for (const part of parts) {
        checkKey({ orderId, itemId, warehouseId: part.warehouseId });
        assertQuantity(part.quantity);
      }
      assertDistinct(
        parts.map((p) => p.warehouseId),
        'allocation warehouses',
      );
      const { sql } = shardSet.forItem(itemId);
      // Warehouse rows in id order, so concurrent allocations of one item never deadlock.
      const ordered = [...parts].sort((x, y) => compareBytewise(x.warehouseId, y.warehouseId));
      return sql.begin(async (tx) => {
        const recorded: Allocation[] = [];
        const fresh: Allocation[] = [];
        for (const part of ordered) {
          const key = { orderId, itemId, warehouseId: part.warehouseId };
          const [inserted] = await tx<Allocation[]>`
            insert into warehouse_allocations (order_id, item_id, warehouse_id, quantity, status)
            values (${orderId}, ${itemId}, ${part.warehouseId}, ${part.quantity}, 'ALLOCATED')
            on conflict (order_id, item_id, warehouse_id) do nothing
            returning ${ALLOCATION_COLUMNS(tx)}`;
          if (inserted) {
            fresh.push(inserted);
            recorded.push(inserted);
            continue;
          }
          const existing = (await lockAllocation(tx, key))!;
          assertSameQuantity(existing, `allocation ${keyText(key)}`, part.quantity);
          recorded.push(existing);
        }
        if (fresh.length === 0) return recorded;
        await assertAllocatable(tx, { orderId, itemId, warehouseId: fresh[0]!.warehouseId });
        const short: ShortLine[] = [];
        for (const allocation of fresh) {
          const outcome = await adjustWarehouseStock(tx, itemId, allocation.warehouseId, {
            physical: 0,
            available: -allocation.quantity,
          });
          if ('short' in outcome)
            short.push({ itemId, requested: allocation.quantity, available: outcome.short });
        }
        // Throwing rolls back every part: all or none.
        if (short.length > 0) throw new OutOfStockError(short);
        return recorded;
      });
    },

    async releaseAllocation(key) {
      checkKey(key);
      const { sql } = shardSet.forItem(key.itemId);
      return sql.begin((tx) => releaseOne(tx, key));
    },

    async shipAllocation(key) {
      checkKey(key);
      const { sql } = shardSet.forItem(key.itemId);
      return sql.begin(async (tx) => {
        const existing = await lockAllocation(tx, key);
        if (!existing || (existing.status === 'RELEASED' && existing.quantity === 0)) {
          throw new NotFoundError('allocation', keyText(key));
        }
        if (existing.status === 'SHIPPED') return existing;
        if (existing.status === 'RELEASED') throw cannotMove(key, 'RELEASED', 'SHIPPED', 'it was released');
        return moveAllocation(tx, key, 'SHIPPED', { physical: -existing.quantity, available: 0 });
      });
    },

    async restock(input) {
      assertId(input.adjustmentId, 'adjustmentId');
      assertId(input.itemId, 'itemId');
      assertId(input.warehouseId, 'warehouseId');
      assertQuantity(input.quantity);
      const { sql } = shardSet.forItem(input.itemId);
      return sql.begin(async (tx) => {
        if (!(await readStockLevel(tx, input.itemId))) throw new NotFoundError('item', input.itemId);
        const [warehouse] = await tx<{ ok: boolean }[]>`
          select exists (select 1 from warehouses where warehouse_id = ${input.warehouseId}) as ok`;
        if (!warehouse?.ok) throw new NotFoundError('warehouse', input.warehouseId);

        const inserted = await tx`
          insert into stock_adjustments (adjustment_id, item_id, warehouse_id, quantity)
          values (${input.adjustmentId}, ${input.itemId}, ${input.warehouseId}, ${input.quantity})
          on conflict (adjustment_id) do nothing`;
        if (inserted.count === 0) {
          const [recorded] = await tx<RestockInput[]>`
            select adjustment_id as "adjustmentId", item_id as "itemId", warehouse_id as "warehouseId", quantity
            from stock_adjustments where adjustment_id = ${input.adjustmentId}`;
          if (
            recorded &&
            (recorded.itemId !== input.itemId ||
              recorded.warehouseId !== input.warehouseId ||
              recorded.quantity !== input.quantity)
          ) {
            throw new IdempotencyKeyConflictError(
              `restock ${input.adjustmentId}`,
              'different item, warehouse or quantity',
            );
          }
          const [level] = await tx<WarehouseStockLevel[]>`
            select ${LEVEL_COLUMNS(tx)} from warehouse_stock
            where item_id = ${input.itemId} and warehouse_id = ${input.warehouseId}`;
          const stock = await readStockLevel(tx, input.itemId);
          return { applied: false, warehouseStock: level!, available: stock!.available };
        }
        // First units of this item in this warehouse: start the row at zero, then add like any restock.
        await tx`
          insert into warehouse_stock (item_id, warehouse_id, physical, available)
          values (${input.itemId}, ${input.warehouseId}, 0, 0)
          on conflict (item_id, warehouse_id) do nothing`;
        const outcome = await adjustWarehouseStock(tx, input.itemId, input.warehouseId, {
          physical: input.quantity,
          available: input.quantity,
        });
        if ('short' in outcome) throw new Error('unreachable: a restock only adds units');
        const added = await addToAvailable(tx, deps, input.itemId, input.quantity);
        if ('short' in added) throw new Error('unreachable: a restock only adds units');
        return { applied: true, warehouseStock: outcome.level, available: added.available };
      });
    },

    async listAllocations(orderId, itemId) {
      const { sql } = shardSet.forItem(itemId);
      const rows = await sql<Allocation[]>`
        select ${ALLOCATION_COLUMNS(sql)} from warehouse_allocations
        where order_id = ${orderId} and item_id = ${itemId}
        order by warehouse_id`;
      return [...rows];
    },
  };
  return repository;
}
