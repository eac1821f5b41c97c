import type postgres from 'postgres';
import type { ShortLine } from '../../domain/order-lines.js';
import type { ReservationStatus } from '../../domain/stock-status.js';
import { compareBytewise } from '../byte-order.js';
import { InvalidTransitionError, NotFoundError, OutOfStockError } from '../errors.js';
import { assertDistinct, assertId, assertQuantity } from '../input-checks.js';
import type { Shard, ShardSet } from '../shard-set.js';
import { LOST_RACE, retryOnLostRace, type VersionRetryOptions } from '../version-retry.js';
import { assertSameQuantity, releaseOrTombstone } from './keyed-effects.js';
import { addToAvailable, readStockLevel, type StockLevel } from './stock-table.js';
import { liveAllocatedUnits } from './warehouse-stock-repository.js';

export type { StockLevel };

export interface Reservation {
  orderId: string;
  itemId: string;
  quantity: number;
  status: ReservationStatus;
  expiresAt: Date | null;
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

/** An order's items whose reservations one call changes (all on one shard). */
export interface KeysOfOneCall {
  orderId: string;
  itemIds: readonly string[];
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
  releaseLines(input: KeysOfOneCall): Promise<Reservation[]>;
  release(key: ReservationKey): Promise<Reservation>;
  /** RESERVED → COMMITTED once the order is paid; idempotent. RELEASED → InvalidTransitionError. */
  commitLines(input: KeysOfOneCall): Promise<Reservation[]>;
  commit(key: ReservationKey): Promise<Reservation>;
  getStock(itemId: string): Promise<StockLevel | undefined>;
  /**
   * The item's units available and which of `orderIds` have a reservation of it recorded (any status),
   * in one snapshot: a hold is either in both or in neither. Undefined for an unknown item.
   */
  getStockAndRecorded(
    itemId: string,
    orderIds: readonly string[],
  ): Promise<{ available: number; recordedOrderIds: string[] } | undefined>;
  getReservation(key: ReservationKey): Promise<Reservation | undefined>;
}

export interface StockRepositoryDeps extends VersionRetryOptions {
  shardSet: ShardSet;
}

type Tx = postgres.TransactionSql;

/** One line's row of the reservation statement. */
interface ReserveLineOutcome {
  itemId: string;
  requested: number;
  hasStock: boolean;
  available: number | null;
  /** `placed` by this statement, `existing` from an earlier call, null when nothing was written. */
  source: 'placed' | 'existing' | null;
  quantity: number | null;
  status: ReservationStatus | null;
  expiresAt: Date | null;
  version: number | null;
}

const reservationOf = (orderId: string, line: ReserveLineOutcome): Reservation => ({
  orderId,
  itemId: line.itemId,
  quantity: line.quantity!,
  status: line.status!,
  expiresAt: line.expiresAt,
  version: line.version!,
});

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

  const assertSameRequest = (recorded: Reservation, key: ReservationKey, requested: number) =>
    assertSameQuantity(recorded, `reservation ${key.orderId}/${key.itemId}`, requested);

  /**
   * Runs a reservation statement. An effect row already recorded for the key (by an earlier or a
   * concurrent call) makes its insert fail on the primary key, which rolls the whole statement back,
   * decrement included: LOST_RACE, and the caller answers with the recorded row.
   */
  async function unlessDuplicate<T>(statement: () => Promise<T>): Promise<T | typeof LOST_RACE> {
    try {
      return await statement();
    } catch (error) {
      const { code, constraint_name } = error as { code?: unknown; constraint_name?: unknown };
      if (code === '23505' && constraint_name === 'stock_reservations_order_id_item_id_pk') return LOST_RACE;
      throw error;
    }
  }

  /**
   * One line in one statement, the hot path of a flash sale: the conditional decrement
   * (`available >= quantity`, bumping `version`) and, for the row it took, the effect row. A repeat
   * (the key already recorded) fails on the primary key, which rolls the decrement back with it. Only
   * when nothing was written does a second read tell a repeat, short or unknown apart.
   */
  function reserveOneLine(
    sql: postgres.Sql,
    orderId: string,
    line: { itemId: string; quantity: number },
    expiresAt: Date | null,
  ): Promise<Reservation> {
    const { itemId, quantity } = line;
    const key = { orderId, itemId };
    return retryOnLostRace(deps, 'stock', itemId, async () => {
      const placed = await unlessDuplicate(
        () => sql<Reservation[]>`
          with taken as (
            update stock set available = available - ${quantity}, version = version + 1, updated_at = now()
            where item_id = ${itemId} and available >= ${quantity}
            returning item_id
          )
          insert into stock_reservations (order_id, item_id, quantity, status, expires_at)
          select ${orderId}::text, item_id, ${quantity}::int, 'RESERVED', ${expiresAt}::timestamptz from taken
          returning ${RESERVATION_COLUMNS(sql)}`,
      );
      if (placed !== LOST_RACE && placed[0]) return placed[0];
      const recorded = await repository.getReservation(key);
      if (recorded) {
        assertSameRequest(recorded, key, quantity);
        return recorded;
      }
      const level = await repository.getStock(itemId);
      if (!level) throw new NotFoundError('item', itemId);
      // Units came back (a release or restock) between the two reads: try again.
      if (level.available >= quantity) return LOST_RACE;
      throw new OutOfStockError([{ itemId, requested: quantity, available: level.available }]);
    });
  }

  /**
   * Several lines of one shard in one statement: lock their stock rows (in byte order, as every other
   * multi-item write does), decide all-or-nothing from those current levels, then decrement and insert
   * the effect rows of the lines not recorded before. In READ COMMITTED the locks make the levels the
   * statement decides on the latest committed ones, so it never oversells.
   */
  async function reserveSeveralLines(
    sql: postgres.Sql,
    orderId: string,
    lines: readonly { itemId: string; quantity: number }[],
    expiresAt: Date | null,
  ): Promise<Reservation[]> {
    const itemIds = lines.map((l) => l.itemId);
    const outcomes = await retryOnLostRace(deps, 'stock', itemIds.join(','), () =>
      unlessDuplicate(
        () => sql<ReserveLineOutcome[]>`
          with line as (
            select l.item_id, l.quantity, l.ord
            from unnest(${itemIds}::text[], ${lines.map((l) => l.quantity)}::int[])
              with ordinality as l(item_id, quantity, ord)
          ),
          existing as (
            select * from stock_reservations where order_id = ${orderId} and item_id = any(${itemIds}::text[])
          ),
          level as (
            select item_id, available from stock
            where item_id = any(${itemIds}::text[])
            order by item_id collate "C"
            for update
          ),
          verdict as (
            select coalesce(bool_and(
              case when e.item_id is not null
                then (e.status = 'RELEASED' and e.quantity = 0) or e.quantity = l.quantity
                else coalesce(v.available >= l.quantity, false)
              end), false) as go
            from line l
            left join existing e on e.item_id = l.item_id
            left join level v on v.item_id = l.item_id
          ),
          taken as (
            update stock s set available = s.available - l.quantity, version = s.version + 1, updated_at = now()
            from line l
            where s.item_id = l.item_id and (select go from verdict)
              and not exists (select 1 from existing e where e.item_id = l.item_id)
            returning s.item_id, l.quantity
          ),
          placed as (
            insert into stock_reservations (order_id, item_id, quantity, status, expires_at)
            select ${orderId}::text, item_id, quantity, 'RESERVED', ${expiresAt}::timestamptz from taken
            returning *
          )
          select l.item_id as "itemId", l.quantity as requested,
                 v.item_id is not null as "hasStock", v.available,
                 case when p.item_id is not null then 'placed' when e.item_id is not null then 'existing' end as source,
                 coalesce(p.quantity, e.quantity) as quantity,
                 coalesce(p.status, e.status) as status,
                 coalesce(p.expires_at, e.expires_at) as "expiresAt",
                 coalesce(p.version, e.version) as version
          from line l
          left join level v on v.item_id = l.item_id
          left join existing e on e.item_id = l.item_id
          left join placed p on p.item_id = l.item_id
          order by l.ord`,
      ),
    );
    const short: ShortLine[] = [];
    const reservations: Reservation[] = [];
    for (const line of outcomes) {
      const { itemId, requested } = line;
      if (line.source === null) {
        if (!line.hasStock) throw new NotFoundError('item', itemId);
        if (line.available! < requested) short.push({ itemId, requested, available: line.available! });
        continue;
      }
      const reservation = reservationOf(orderId, line);
      if (line.source === 'existing') assertSameRequest(reservation, { orderId, itemId }, requested);
      reservations.push(reservation);
    }
    // Nothing was written unless every line fits.
    if (short.length > 0) throw new OutOfStockError(short);
    return reservations;
  }

  async function giveBack(tx: Tx, held: Reservation): Promise<Reservation> {
    const key = `${held.orderId}/${held.itemId}`;
    if (held.status === 'COMMITTED') {
      const units = await liveAllocatedUnits(tx, held);
      if (units > 0) {
        throw new InvalidTransitionError(
          'reservation',
          key,
          'COMMITTED',
          'RELEASED',
          `${units} unit(s) still allocated or shipped; release the allocations first`,
        );
      }
    }
    await addToAvailable(tx, deps, held.itemId, held.quantity);
    const [released] = await tx<Reservation[]>`
      update stock_reservations set status = 'RELEASED', version = version + 1, updated_at = now()
      where order_id = ${held.orderId} and item_id = ${held.itemId}
      returning ${RESERVATION_COLUMNS(tx)}`;
    return released!;
  }

  function releaseOne(tx: Tx, key: ReservationKey): Promise<Reservation> {
    return releaseOrTombstone({
      lock: () => lockReservation(tx, key),
      insertTombstone: async () => {
        const [tombstone] = await tx<Reservation[]>`
          insert into stock_reservations (order_id, item_id, quantity, status)
          values (${key.orderId}, ${key.itemId}, 0, 'RELEASED')
          on conflict (order_id, item_id) do nothing
          returning ${RESERVATION_COLUMNS(tx)}`;
        return tombstone;
      },
      release: (held) => giveBack(tx, held),
    });
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

  /** Items in the database's id order, so two transactions touching the same items lock them alike. */
  function inLockOrder<T extends { itemId: string }>(values: readonly T[]): T[] {
    return [...values].sort((a, b) => compareBytewise(a.itemId, b.itemId));
  }

  function checkedKeys(orderId: string, itemIds: readonly string[]): ReservationKey[] {
    assertId(orderId, 'orderId');
    for (const id of itemIds) assertId(id, 'itemId');
    assertDistinct(itemIds, 'item ids');
    return inLockOrder(itemIds.map((itemId) => ({ orderId, itemId })));
  }

  /** `change` applied to each key of one call, in lock order, in one transaction on the items' shard. */
  function changeEach(
    { orderId, itemIds }: KeysOfOneCall,
    change: (tx: Tx, key: ReservationKey) => Promise<Reservation>,
  ): Promise<Reservation[]> {
    const keys = checkedKeys(orderId, itemIds);
    const shard = shardOfItems(itemIds);
    return shard.sql.begin(async (tx) => {
      const changed: Reservation[] = [];
      for (const key of keys) changed.push(await change(tx, key));
      return changed;
    });
  }

  /** A call of a `…Lines` method for one key: its one reservation. */
  const forOneKey =
    (lines: (input: KeysOfOneCall) => Promise<Reservation[]>) =>
    async (key: ReservationKey): Promise<Reservation> => {
      const [reservation] = await lines({ orderId: key.orderId, itemIds: [key.itemId] });
      return reservation!;
    };

  const repository: StockRepository = {
    async reserveLines({ orderId, lines, expiresAt }) {
      const keys = checkedKeys(
        orderId,
        lines.map((l) => l.itemId),
      );
      for (const l of lines) assertQuantity(l.quantity);
      const { sql } = shardOfItems(keys.map((k) => k.itemId));
      if (lines.length === 1) return [await reserveOneLine(sql, orderId, lines[0]!, expiresAt)];
      return reserveSeveralLines(sql, orderId, inLockOrder(lines), expiresAt);
    },

    async reserve({ orderId, itemId, quantity, expiresAt }) {
      const [reservation] = await repository.reserveLines({
        orderId,
        lines: [{ itemId, quantity }],
        expiresAt,
      });
      return reservation!;
    },

    async releaseLines(input) {
      return changeEach(input, releaseOne);
    },

    release: forOneKey((input) => repository.releaseLines(input)),

    async commitLines(input) {
      return changeEach(input, commitOne);
    },

    commit: forOneKey((input) => repository.commitLines(input)),

    getStock(itemId) {
      return readStockLevel(shardSet.forItem(itemId).sql, itemId);
    },

    async getStockAndRecorded(itemId, orderIds) {
      const { sql } = shardSet.forItem(itemId);
      const [row] = await sql<{ available: number; recordedOrderIds: string[] }[]>`
        select s.available, array(
          select r.order_id from stock_reservations r
          where r.item_id = s.item_id and r.order_id = any(${orderIds as string[]}::text[])
        ) as "recordedOrderIds"
        from stock s where s.item_id = ${itemId}`;
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
