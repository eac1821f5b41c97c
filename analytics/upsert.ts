import type { Warehouse } from './warehouse.js';

export type CellValue = string | number | Date | null;

/** Rows per INSERT statement: DuckDB binds every cell as a parameter. */
const ROWS_PER_STATEMENT = 500;

/**
 * Writes `rows` (cells in the table's column order) into `table` by primary key, replacing what is there,
 * and answers how many of them were not already there as they are: 0 when the same rows are written again.
 * Runs inside the caller's transaction.
 */
export async function upsertRows(
  warehouse: Warehouse,
  table: string,
  rows: readonly (readonly CellValue[])[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const { connection } = warehouse;
  const columns = await columnTypes(warehouse, table);
  const staged = `staged_${table}`;
  await connection.run(`create or replace temp table ${staged} as from ${table} limit 0`);
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const values: (string | number | null)[] = [];
    const tuples = chunk.map((row) => {
      if (row.length !== columns.length)
        throw new RangeError(`${table} has ${columns.length} columns, a row has ${row.length}`);
      const cells = row.map((cell, i) => {
        values.push(cell instanceof Date ? cell.toISOString() : cell);
        return `$${values.length}::${columns[i]}`;
      });
      return `(${cells.join(', ')})`;
    });
    await connection.run(`insert into ${staged} values ${tuples.join(', ')}`, values);
  }
  const changed = await connection.runAndReadAll(
    `select count(*)::integer as n from (from ${staged} except from ${table})`,
  );
  await connection.run(`insert or replace into ${table} from ${staged}`);
  await connection.run(`drop table ${staged}`);
  return Number(changed.getRows()[0]![0]);
}

async function columnTypes(warehouse: Warehouse, table: string): Promise<string[]> {
  const reader = await warehouse.connection.runAndReadAll(
    `select data_type from information_schema.columns
     where table_name = $1 and table_schema = 'main' order by ordinal_position`,
    [table],
  );
  return reader.getRows().map((row) => String(row[0]));
}
