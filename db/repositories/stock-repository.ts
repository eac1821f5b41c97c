import type postgres from 'postgres';
import type { ReservationStatus } from '../../domain/stock-status.js';
import {
  IdempotencyKeyConflictError,
  InvalidTransitionError,
  NotFoundError,
  OutOfStockError,
  type ShortLine,
} from '../errors.js';
import { assertDistinct, assertId, assertQuantity } from '../input-checks.js';
import type { Shard, ShardSet } from '../shard-set.js';
import { LOST_RACE, retryOnLostRace, type VersionRetryOptions } from '../version-retry.js';

export interface Reservation {
  orderId: string;
  itemId: string;
  quantity: number;
  status: ReservationStatus;
  expiresAt: Date | null;
  version: number;
}

export interface StockLevel {
  itemId: string;
  available: number;
  version: number;
}

export interface ReserveLinesInput {
  orderId: string;
  lines: readonly { itemId: string; quantity: number }[];
  expiresAt: Date | null;
}

export interface ReservationKey {
  orderId: string;
  itemId: string;
}

export interface StockRepository {
  /**
   * Holds stock for lines that all live on one shard, in one transaction: all of them or none. A line
   * reserved before (a retried activity) is returned as recorded, possibly RELEASED when a compensation
   * got there first. Throws OutOfStockError naming every short line, NotFoundError for an unknown item.
   */
  reserveLines(input: ReserveLinesInput): Promise<Reservation[]>;
  reserve(input: ReservationKey & { quantity: number; expiresAt: Date | null }): Promise<Reservation>;
  /**
   * Gives a hold back to `stock.available` (RESERVED, or COMMITTED with no live allocation left).
   * Idempotent; releasing a hold that never existed records a tombstone so a late reserve is a no-op.
   */
  releaseLines(input: { orderId: string; itemIds: readonly string[] }): Promise<Reservation[]>;
  release(key: ReservationKey): Promise<Reservation>;
  /** RESERVED → COMMITTED once the order is paid; idempotent. RELEASED → InvalidTransitionError. */
  commitLines(input: { orderId: string; itemIds: readonly string[] }): Promise<Reservation[]>;
  commit(key: ReservationKey): Promise<Reservation>;
  getStock(itemId: string): Promise<StockLevel | undefined>;
  getReservation(key: ReservationKey): Promise<Reservation | undefined>;
}

export interface StockRepositoryDeps extends VersionRetryOptions {
  shardSet: ShardSet;
}

type Tx = postgres.TransactionSql;

const RESERVATION_COLUMNS = (sql: Tx | postgres.Sql) =>
  sql`order_id as "orderId", item_id as "itemId", quantity, status, expires_at as "expiresAt", version`;

export function createStockRepository(deps: StockRepositoryDeps): StockRepository {
  const { shardSet } = deps;

  /** The one shard holding every item of `itemIds`; several shards is a caller bug. */
  function shardOfItems(itemIds: readonly string[]): Shard {
    if (itemIds.length === 0) throw new RangeError('at least one item is required');
    const shards = new Set(itemIds.map((id) => shardSet.forItem(id)));
    if (shards.size !== 1) {
      throw new RangeError('all items of one call must live on one shard; group them with groupByShard');
    }
    return [...shards][0]!;
  }

  async function lockReservation(tx: Tx, key: ReservationKey): Promise<Reservation | undefined> {
    const [row] = await tx<Reservation[]>`
      select ${RESERVATION_COLUMNS(tx)} from stock_reservations
      where order_id = ${key.orderId} and item_id = ${key.itemId}
      for update`;
    return row;
  }

  /** Version-checked change of one item's available counter, retried on a lost race. */
  function adjustAvailable(tx: Tx, itemId: string, delta: number): Promise<ShortLine | undefined> {
    return retryOnLostRace(deps, 'stock', itemId, async () => {
      const [row] = await tx<StockLevel[]>`select available, version from stock where item_id = ${itemId}`;
      if (!row) throw new NotFoundError('stock of item', itemId);
      if (row.available + delta < 0) return { itemId, requested: -delta, available: row.available };
      const updated = await tx`
        update stock set available = available + ${delta}, version = version + 1, updated_at = now()
        where item_id = ${itemId} and version = ${row.version}`;
      return updated.count === 1 ? undefined : LOST_RACE;
    });
  }

  async function reserveOne(
    tx: Tx,
    orderId: string,
    line: { itemId: string; quantity: number },
    expiresAt: Date | null,
  ): Promise<{ reservation: Reservation } | { short: ShortLine }> {
    // The effect row first; the insert only happens for an item that exists.
    const [inserted] = await tx<Reservation[]>`
      insert into stock_reservations (order_id, item_id, quantity, status, expires_at)
      select ${orderId}::text, ${line.itemId}::text, ${line.quantity}::int, 'RESERVED', ${expiresAt}::timestamptz
      where exists (select 1 from items where item_id = ${line.itemId})
      on conflict (order_id, item_id) do nothing
      returning ${RESERVATION_COLUMNS(tx)}`;
    if (!inserted) {
      const existing = await lockReservation(tx, { orderId, itemId: line.itemId });
      if (!existing) throw new NotFoundError('item', line.itemId);
      const isTombstone = existing.status === 'RELEASED' && existing.quantity === 0;
      if (!isTombstone && existing.quantity !== line.quantity) {
        throw new IdempotencyKeyConflictError(
          `reservation ${orderId}/${line.itemId}`,
          `quantity ${existing.quantity} recorded, ${line.quantity} asked`,
        );
      }
      return { reservation: existing };
    }
    const short = await adjustAvailable(tx, line.itemId, -line.quantity);
    return short ? { short } : { reservation: inserted };
  }

  async function releaseOne(tx: Tx, key: ReservationKey): Promise<Reservation> {
    const existing = await lockReservation(tx, key);
    if (!existing) {
      const [tombstone] = await tx<Reservation[]>`
        insert into stock_reservations (order_id, item_id, quantity, status)
        values (${key.orderId}, ${key.itemId}, 0, 'RELEASED')
        on conflict (order_id, item_id) do nothing
        returning ${RESERVATION_COLUMNS(tx)}`;
      // A concurrent reserve won the insert: release what it holds.
      return tombstone ?? releaseOne(tx, key);
    }
    if (existing.status === 'RELEASED') return existing;
    if (existing.status === 'COMMITTED') {
      const [live] = await tx<{ units: number }[]>`
        select coalesce(sum(quantity), 0)::int as units from warehouse_allocations
        where order_id = ${key.orderId} and item_id = ${key.itemId} and status in ('ALLOCATED', 'SHIPPED')`;
      if (live && live.units > 0) {
        throw new InvalidTransitionError(
          'reservation',
          `${key.orderId}/${key.itemId}`,
          'COMMITTED',
          'RELEASED',
          `${live.units} unit(s) still allocated or shipped; release the allocations first`,
        );
      }
    }
    await adjustAvailable(tx, key.itemId, existing.quantity);
    const [released] = await tx<Reservation[]>`
      update stock_reservations set status = 'RELEASED', version = version + 1, updated_at = now()
      where order_id = ${key.orderId} and item_id = ${key.itemId}
      returning ${RESERVATION_COLUMNS(tx)}`;
    return released!;
  }

  async function commitOne(tx: Tx, key: ReservationKey): Promise<Reservation> {
    const existing = await lockReservation(tx, key);
    if (!existing) throw new NotFoundError('reservation', `${key.orderId}/${key.itemId}`);
    if (existing.status === 'COMMITTED') return existing;
    if (existing.status === 'RELEASED') {
      throw new InvalidTransitionError(
        'reservation',
        `${key.orderId}/${key.itemId}`,
        'RELEASED',
        'COMMITTED',
        'the hold was already released (expired or cancelled)',
      );
    }
    const [committed] = await tx<Reservation[]>`
      update stock_reservations set status = 'COMMITTED', version = version + 1, updated_at = now()
      where order_id = ${key.orderId} and item_id = ${key.itemId} and version = ${existing.version}
      returning ${RESERVATION_COLUMNS(tx)}`;
    return committed!;
  }

  /** Items sorted by id, so two transactions touching the same items lock them in the same order. */
  function inLockOrder<T extends { itemId: string }>(values: readonly T[]): T[] {
    return [...values].sort((a, b) => (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
  }

  function checkedKeys(orderId: string, itemIds: readonly string[]): ReservationKey[] {
    assertId(orderId, 'orderId');
    for (const id of itemIds) assertId(id, 'itemId');
    assertDistinct(itemIds, 'item ids');
    return inLockOrder(itemIds.map((itemId) => ({ orderId, itemId })));
  }

  const repository: StockRepository = {
    async reserveLines({ orderId, lines, expiresAt }) {
      const keys = checkedKeys(
        orderId,
        lines.map((l) => l.itemId),
      );
      for (const l of lines) assertQuantity(l.quantity);
      const shard = shardOfItems(keys.map((k) => k.itemId));
      return shard.sql.begin(async (tx) => {
        const reservations: Reservation[] = [];
        const short: ShortLine[] = [];
        for (const line of inLockOrder(lines)) {
          const outcome = await reserveOne(tx, orderId, line, expiresAt);
          if ('short' in outcome) short.push(outcome.short);
          else reservations.push(outcome.reservation);
        }
        // Throwing rolls back the lines that did fit: all or nothing on this shard.
        if (short.length > 0) throw new OutOfStockError(short);
        return reservations;
      });
    },

    async reserve({ orderId, itemId, quantity, expiresAt }) {
      const [reservation] = await repository.reserveLines({
        orderId,
        lines: [{ itemId, quantity }],
        expiresAt,
      });
      return reservation!;
    },

    async releaseLines({ orderId, itemIds }) {
      const keys = checkedKeys(orderId, itemIds);
      const shard = shardOfItems(itemIds);
      return shard.sql.begin(async (tx) => {
        const released: Reservation[] = [];
        for (const key of keys) released.push(await releaseOne(tx, key));
        return released;
      });
    },

    async release(key) {
      const [reservation] = await repository.releaseLines({ orderId: key.orderId, itemIds: [key.itemId] });
      return reservation!;
    },

    async commitLines({ orderId, itemIds }) {
      const keys = checkedKeys(orderId, itemIds);
      const shard = shardOfItems(itemIds);
      return shard.sql.begin(async (tx) => {
        const committed: Reservation[] = [];
        for (const key of keys) committed.push(await commitOne(tx, key));
        return committed;
      });
    },

    async commit(key) {
      const [reservation] = await repository.commitLines({ orderId: key.orderId, itemIds: [key.itemId] });
      return reservation!;
    },

    async getStock(itemId) {
      const { sql } = shardSet.forItem(itemId);
      const [row] = await sql<StockLevel[]>`
        select item_id as "itemId", available, version from stock where item_id = ${itemId}`;
      return row;
    },

    async getReservation(key) {
      const { sql } = shardSet.forItem(key.itemId);
      const [row] = await sql<Reservation[]>`
        select ${RESERVATION_COLUMNS(sql)} from stock_reservations
        where order_id = ${key.orderId} and item_id = ${key.itemId}`;
      return row;
    },
  };
  return repository;
}
