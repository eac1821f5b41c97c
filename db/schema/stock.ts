import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ALLOCATION_STATUSES, RESERVATION_STATUSES } from '../../domain/stock-status.js';
import {
  createdAtColumn,
  isOneOf,
  nonNegative,
  positive,
  referenceColumn,
  timestampMs,
  updatedAtColumn,
  versionAndTimestamps,
  versionColumn,
} from './columns.js';
import { items } from './items.js';
import { warehouses } from './warehouses.js';

// Every table here is sharded by item_id, so one item's counters and effects share a transaction.

const itemIdColumn = () => referenceColumn('item_id', () => items.itemId);
const warehouseIdColumn = () => referenceColumn('warehouse_id', () => warehouses.warehouseId);

/** Units that can still be promised to a checkout (aggregated over warehouses). */
export const stock = pgTable(
  'stock',
  {
    itemId: text('item_id')
      .primaryKey()
      .references(() => items.itemId),
    available: integer('available').notNull(),
    version: versionColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [nonNegative('stock_available_non_negative', t.available)],
);

export const warehouseStock = pgTable(
  'warehouse_stock',
  {
    itemId: itemIdColumn(),
    warehouseId: warehouseIdColumn(),
    physical: integer('physical').notNull(),
    available: integer('available').notNull(),
    version: versionColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.warehouseId] }),
    nonNegative('warehouse_stock_available_non_negative', t.available),
    check('warehouse_stock_physical_covers_available', sql`${t.physical} >= ${t.available}`),
    index('warehouse_stock_warehouse_idx').on(t.warehouseId),
  ],
);

/**
 * Effect row of a checkout's hold on one item, keyed by (order_id, item_id). A release of a hold that
 * never happened leaves a RELEASED row of quantity 0 (a tombstone), so a late retry of the reservation
 * finds it and does nothing.
 */
export const stockReservations = pgTable(
  'stock_reservations',
  {
    orderId: text('order_id').notNull(),
    itemId: itemIdColumn(),
    quantity: integer('quantity').notNull(),
    status: text('status', { enum: RESERVATION_STATUSES }).notNull(),
    expiresAt: timestampMs('expires_at'),
    ...versionAndTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.itemId] }),
    nonNegative('stock_reservations_quantity_non_negative', t.quantity),
    check('stock_reservations_status_valid', isOneOf(t.status, RESERVATION_STATUSES)),
    index('stock_reservations_item_status_idx').on(t.itemId, t.status),
    index('stock_reservations_status_expires_idx').on(t.status, t.expiresAt),
  ],
);

/** Effect row of units promised by one warehouse to one order line, keyed by (order, item, warehouse). */
export const warehouseAllocations = pgTable(
  'warehouse_allocations',
  {
    orderId: text('order_id').notNull(),
    itemId: itemIdColumn(),
    warehouseId: warehouseIdColumn(),
    quantity: integer('quantity').notNull(),
    status: text('status', { enum: ALLOCATION_STATUSES }).notNull(),
    ...versionAndTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.itemId, t.warehouseId] }),
    nonNegative('warehouse_allocations_quantity_non_negative', t.quantity),
    check('warehouse_allocations_status_valid', isOneOf(t.status, ALLOCATION_STATUSES)),
    index('warehouse_allocations_item_status_idx').on(t.itemId, t.status),
  ],
);

/** Effect row of a restock (units arriving at a warehouse), keyed by the caller's adjustment id. */
export const stockAdjustments = pgTable(
  'stock_adjustments',
  {
    adjustmentId: text('adjustment_id').primaryKey(),
    itemId: itemIdColumn(),
    warehouseId: warehouseIdColumn(),
    quantity: integer('quantity').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [positive('stock_adjustments_quantity_positive', t.quantity)],
);
