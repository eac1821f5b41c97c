import { type DuckDBAppender, timestampTZValue } from '@duckdb/node-api';
import type { Warehouse } from './warehouse.js';

export type CellValue = string | number | Date | null;

/** Each exported table's primary key, which rows are written by. */
export const PRIMARY_KEYS = {
  orders: ['order_id'],
  order_lines: ['order_id', 'item_id'],
  suborders: ['suborder_id'],
  payments: ['idempotency_key'],
} as const;

export type WarehouseTable = keyof typeof PRIMARY_KEYS;

/**
 * Writes `rows` (cells in the table's column order) into `table` by primary key, and answers how many of
 * them were not already there as they are (0 when the same rows are written again; only those are written).
 * Runs inside the caller's transaction.
 */
export async function upsertRows(
  warehouse: Warehouse,
  table: WarehouseTable,
  rows: readonly (readonly CellValue[])[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const { connection } = warehouse;
  const columns = await columnTypes(warehouse, table);
  const staged = `staged_${table}`;
  await connection.run(`create or replace table ${staged} as from ${table} limit 0`);
  const appender = await connection.createAppender(staged);
  for (const row of rows) {
    if (row.length !== columns.length)
      throw new RangeError(`${table} has ${columns.length} columns, a row has ${row.length}`);
    for (const [i, cell] of row.entries()) append(appender, columns[i]!, cell);
    appender.endRow();
  }
  appender.closeSync();
  const keys = PRIMARY_KEYS[table].join(', ');
  // Only the staged keys' rows of the table are compared, so a batch costs the same however big the table is.
  await connection.run(
    `create or replace table ${staged}_changed as
       from ${staged} except select t.* from ${table} t semi join ${staged} s using (${keys})`,
  );
  const changed = await connection.runAndReadAll(`select count(*)::integer from ${staged}_changed`);
  await connection.run(`insert or replace into ${table} from ${staged}_changed`);
  await connection.run(`drop table ${staged}; drop table ${staged}_changed`);
  return Number(changed.getRows()[0]![0]);
}

function append(appender: DuckDBAppender, type: string, cell: CellValue): void {
  if (cell === null) appender.appendNull();
  else if (type === 'VARCHAR') appender.appendVarchar(String(cell));
  else if (type === 'INTEGER') appender.appendInteger(Number(cell));
  else if (type === 'BIGINT') appender.appendBigInt(BigInt(cell as number));
  else if (type === 'TIMESTAMP WITH TIME ZONE')
    appender.appendTimestampTZ(timestampTZValue(BigInt((cell as Date).getTime()) * 1000n));
  else throw new TypeError(`no appender for a ${type} column`);
}

async function columnTypes(warehouse: Warehouse, table: string): Promise<string[]> {
  const reader = await warehouse.connection.runAndReadAll(
    `select data_type from information_schema.columns
     where table_name = $1 and table_schema = 'main' order by ordinal_position`,
    [table],
  );
  return reader.getRows().map((row) => String(row[0]));
}
