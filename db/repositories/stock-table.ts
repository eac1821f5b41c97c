/**
 * Every statement on the `stock` table: one row per item holding the units still for sale
 * (`available`) and a `version` bumped on every change. The stock repository owns the table; the
 * catalog (new items), the warehouse restock and the API's stock events reach it only through these,
 * inside their own transactions.
 */
import type postgres from 'postgres';
import type { ShortLine } from '../../domain/order-lines.js';
import { NotFoundError } from '../errors.js';
import { LOST_RACE, retryOnLostRace, type VersionRetryOptions } from '../version-retry.js';

export interface StockLevel {
  itemId: string;
  available: number;
  /** Orders a change notification against a read of the same row. */
  version: number;
}

type Queryable = postgres.Sql | postgres.TransactionSql;

export function readStockLevels(sql: Queryable, itemIds: readonly string[]): Promise<StockLevel[]> {
  return sql<StockLevel[]>`
    select item_id as "itemId", available, version from stock where item_id = any(${itemIds as string[]}::text[])`;
}

export async function readStockLevel(sql: Queryable, itemId: string): Promise<StockLevel | undefined> {
  const [level] = await readStockLevels(sql, [itemId]);
  return level;
}

/** The first stock rows of items just created. */
export async function insertStockRows(
  tx: postgres.TransactionSql,
  rows: readonly { itemId: string; available: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx`insert into stock ${tx(rows.map((r) => ({ item_id: r.itemId, available: r.available })))}`;
}

/**
 * Version-checked change of one item's `available`, retried on a lost race. Taking more than there is
 * changes nothing and answers the short line.
 */
export function addToAvailable(
  tx: postgres.TransactionSql,
  retry: VersionRetryOptions,
  itemId: string,
  delta: number,
): Promise<{ available: number } | { short: ShortLine }> {
  return retryOnLostRace(retry, 'stock', itemId, async () => {
    const row = await readStockLevel(tx, itemId);
    if (!row) throw new NotFoundError('stock of item', itemId);
    if (row.available + delta < 0) return { short: { itemId, requested: -delta, available: row.available } };
    const [updated] = await tx<{ available: number }[]>`
      update stock set available = available + ${delta}, version = version + 1, updated_at = now()
      where item_id = ${itemId} and version = ${row.version}
      returning available`;
    return updated ? { available: updated.available } : LOST_RACE;
  });
}
