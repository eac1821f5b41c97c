/**
 * The analytics warehouse: one DuckDB file holding copies of every shard's orders, order lines, suborders and
 * payments, and how far each shard's tables have been copied. DuckDB lets one process write a file at a
 * time, so it is opened for one job and closed after (`npm run report` reads it between exports).
 */
import fs from 'node:fs';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

export interface Warehouse {
  readonly connection: DuckDBConnection;
  close(): void;
}

const TABLES = [
  `create table if not exists orders (
     order_id varchar primary key, shard varchar not null, customer_id varchar not null, status varchar not null,
     total_cents bigint not null, ordered_at timestamptz not null, updated_at timestamptz not null,
     version integer not null, cancel_reason varchar, failure_reason varchar)`,
  `create table if not exists order_lines (
     order_id varchar not null, item_id varchar not null, quantity integer not null, price_cents bigint not null,
     primary key (order_id, item_id))`,
  `create table if not exists suborders (
     suborder_id varchar primary key, order_id varchar not null, warehouse_id varchar not null,
     status varchar not null, created_at timestamptz not null, updated_at timestamptz not null,
     version integer not null)`,
  `create table if not exists payments (
     idempotency_key varchar primary key, order_id varchar not null, customer_id varchar not null,
     operation varchar not null, outcome varchar not null, amount_cents bigint not null,
     created_at timestamptz not null)`,
  `create table if not exists export_watermarks (
     shard varchar not null, table_name varchar not null, watermark timestamptz not null,
     primary key (shard, table_name))`,
];

/** Another process (an export, most likely) has the file open for writing. */
export class WarehouseBusyError extends Error {
  override name = 'WarehouseBusyError';
}

export async function openWarehouse(
  file: string,
  { readOnly = false }: { readOnly?: boolean } = {},
): Promise<Warehouse> {
  if (!readOnly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const instance = await DuckDBInstance.create(file, readOnly ? { access_mode: 'READ_ONLY' } : {}).catch(
    (error: Error) => {
      if (/Could not set lock on file/.test(error.message)) throw new WarehouseBusyError(error.message);
      throw error;
    },
  );
  const connection = await instance.connect();
  if (!readOnly) for (const ddl of TABLES) await connection.run(ddl);
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
