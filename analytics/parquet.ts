import fs from 'node:fs';
import path from 'node:path';
import type { Warehouse } from './warehouse.js';

export const EXPORTED_TABLES = ['orders', 'order_lines', 'suborders', 'payments'] as const;

/** Writes every exported table to `<directory>/<table>.parquet`, replacing an older file. */
export async function exportParquet(
  warehouse: Warehouse,
  directory: string,
): Promise<{ file: string; rows: number }[]> {
  fs.mkdirSync(directory, { recursive: true });
  const written: { file: string; rows: number }[] = [];
  for (const table of EXPORTED_TABLES) {
    const file = path.join(directory, `${table}.parquet`);
    await warehouse.connection.run(`copy ${table} to '${file.replaceAll("'", "''")}' (format parquet)`);
    const count = await warehouse.connection.runAndReadAll(`select count(*)::integer from ${table}`);
    written.push({ file, rows: Number(count.getRows()[0]![0]) });
  }
  return written;
}
