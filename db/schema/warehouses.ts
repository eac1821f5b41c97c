import { sql } from 'drizzle-orm';
import { check, doublePrecision, pgTable, text } from 'drizzle-orm/pg-core';
import { updatedAtColumn, versionColumn } from './columns.js';

/** Reference data, replicated to every shard so stock rows can reference it locally. */
export const warehouses = pgTable(
  'warehouses',
  {
    warehouseId: text('warehouse_id').primaryKey(),
    name: text('name').notNull(),
    region: text('region').notNull(),
    latitude: doublePrecision('latitude').notNull(),
    longitude: doublePrecision('longitude').notNull(),
    version: versionColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    check('warehouses_latitude_range', sql`${t.latitude} between -90 and 90`),
    check('warehouses_longitude_range', sql`${t.longitude} between -180 and 180`),
    check('warehouses_id_no_dot', sql`position('.' in ${t.warehouseId}) = 0`),
  ],
);
