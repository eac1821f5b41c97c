/**
 * Copies what changed on one shard since its watermarks into the warehouse, a batch at a time, each batch
 * and its watermark in one warehouse transaction. Every run reads again the last REREAD_WINDOW_MS before
 * each watermark: rows are stamped by the writing process's clock when its transaction starts, so a row may
 * commit after one with a later stamp was copied. Rows are written by primary key, so reading one again
 * changes nothing.
 */
import type postgres from 'postgres';
import type { Shard } from '../db/shard-set.js';
import { type CellValue, upsertRows } from './upsert.js';
import type { Warehouse } from './warehouse.js';

export const REREAD_WINDOW_MS = 5 * 60_000;
const BATCH_ROWS = 2_000;

export type ExportedTable = 'orders' | 'order_lines' | 'suborders' | 'payments';

/** Per table: rows read from the shard, and how many of them were new or changed in the warehouse. */
export type ShardExportCounts = Record<ExportedTable, { read: number; changed: number }>;

interface Position {
  at: Date;
  key: string;
}

/** The shard's own id, as a cell (the warehouse's orders say which shard each came from). */
const SHARD_ID = Symbol('shard id');

interface Source {
  table: Exclude<ExportedTable, 'order_lines'>;
  /** When a row was last written, and its key: rows are read in (stamp, key) order. */
  stamp: string;
  key: string;
  /** What fills the warehouse table's columns, in its order. */
  cells: readonly (string | typeof SHARD_ID)[];
}

const SOURCES: readonly Source[] = [
  {
    table: 'orders',
    stamp: 'updated_at',
    key: 'order_id',
    cells: [
      'order_id',
      SHARD_ID,
      'customer_id',
      'status',
      'total_cents::float8',
      'ordered_at',
      'updated_at',
      'version',
      'cancel_reason',
      'failure_reason',
    ],
  },
  {
    table: 'suborders',
    stamp: 'updated_at',
    key: 'suborder_id',
    cells: ['suborder_id', 'order_id', 'warehouse_id', 'status', 'created_at', 'updated_at', 'version'],
  },
  {
    table: 'payments',
    stamp: 'created_at',
    key: 'idempotency_key',
    cells: [
      'idempotency_key',
      'order_id',
      'customer_id',
      'operation',
      'outcome',
      'amount_cents::float8',
      'created_at',
    ],
  },
];

/** The rows of `source` after `after`, in (stamp, key) order. */
async function readAfter(
  shard: Shard,
  source: Source,
  after: Position,
  limit: number,
): Promise<{ position: Position; cells: CellValue[] }[]> {
  const { sql } = shard;
  const [stamp, key] = [sql(source.stamp), sql(source.key)];
  const cells = source.cells
    .map((cell, i) => `${cell === SHARD_ID ? `'${shard.id.replaceAll("'", "''")}'` : cell} as c${i}`)
    .join(', ');
  const rows = await sql`
    select ${stamp} as stamp, ${key} as key, ${sql.unsafe(cells)} from ${sql(source.table)}
    where (${stamp}, ${key} collate "C") > (${after.at}, ${after.key} collate "C")
    order by ${stamp}, ${key} collate "C" limit ${limit}`;
  return rows.map((row) => ({
    position: { at: row['stamp'] as Date, key: row['key'] as string },
    cells: source.cells.map((_, i) => row[`c${i}`] as CellValue),
  }));
}

export async function exportShard(
  shard: Shard,
  warehouse: Warehouse,
  { onBatch = () => {} }: { onBatch?: () => void } = {},
): Promise<ShardExportCounts> {
  const counts = Object.fromEntries(
    (['orders', 'order_lines', 'suborders', 'payments'] as const).map((t) => [t, { read: 0, changed: 0 }]),
  ) as ShardExportCounts;
  for (const source of SOURCES) {
    const watermark = await readWatermark(warehouse, shard.id, source.table);
    let after: Position = { at: new Date((watermark?.getTime() ?? 0) - REREAD_WINDOW_MS), key: '' };
    for (;;) {
      const batch = await readAfter(shard, source, after, BATCH_ROWS);
      if (batch.length === 0) break;
      const last = batch[batch.length - 1]!.position;
      const rows = batch.map(({ cells }) => cells);
      const lines =
        source.table === 'orders'
          ? await linesOf(
              shard.sql,
              batch.map((b) => b.position.key),
            )
          : [];
      await inTransaction(warehouse, async () => {
        counts[source.table].changed += await upsertRows(warehouse, source.table, rows);
        counts.order_lines.changed += await upsertRows(warehouse, 'order_lines', lines);
        if (!watermark || last.at > watermark)
          await writeWatermark(warehouse, shard.id, source.table, last.at);
      });
      counts[source.table].read += batch.length;
      counts.order_lines.read += lines.length;
      onBatch();
      if (batch.length < BATCH_ROWS) break;
      after = last;
    }
  }
  return counts;
}

async function linesOf(sql: postgres.Sql, orderIds: string[]): Promise<CellValue[][]> {
  const rows = await sql`
    select order_id, item_id, quantity, price_cents from order_lines where order_id = any(${orderIds}::text[])`;
  return rows.map((r) => [r['order_id'], r['item_id'], r['quantity'], r['price_cents']]);
}

async function inTransaction(warehouse: Warehouse, work: () => Promise<void>): Promise<void> {
  await warehouse.connection.run('begin transaction');
  try {
    await work();
    await warehouse.connection.run('commit');
  } catch (error) {
    await warehouse.connection.run('rollback');
    throw error;
  }
}

async function readWatermark(warehouse: Warehouse, shard: string, table: string): Promise<Date | undefined> {
  const reader = await warehouse.connection.runAndReadAll(
    'select epoch_ms(watermark)::double from export_watermarks where shard = $1 and table_name = $2',
    [shard, table],
  );
  const row = reader.getRows()[0];
  return row ? new Date(Number(row[0])) : undefined;
}

async function writeWatermark(warehouse: Warehouse, shard: string, table: string, at: Date): Promise<void> {
  await warehouse.connection.run(
    'insert or replace into export_watermarks values ($1, $2, $3::timestamptz)',
    [shard, table, at.toISOString()],
  );
}
