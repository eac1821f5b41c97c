import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ORDER_STATUSES } from '../../domain/order-status.js';
import type { ShippingAddress } from '../../domain/shipping-address.js';
import { SUBORDER_STATUSES } from '../../domain/suborder-status.js';
import { isOneOf, timestampMs, versionColumn } from './columns.js';

/** Sharded by customer_id: a customer's orders, their lines and suborders live on one shard. */

export const orders = pgTable(
  'orders',
  {
    orderId: text('order_id').primaryKey(),
    customerId: text('customer_id').notNull(),
    status: text('status', { enum: ORDER_STATUSES }).notNull(),
    totalCents: bigint('total_cents', { mode: 'number' }).notNull(),
    shippingAddress: jsonb('shipping_address').$type<ShippingAddress>(),
    orderedAt: timestampMs('ordered_at').notNull().defaultNow(),
    expiresAt: timestampMs('expires_at'),
    version: versionColumn(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('orders_total_non_negative', sql`${t.totalCents} >= 0`),
    check('orders_status_valid', isOneOf(t.status, ORDER_STATUSES)),
    // Keyset pagination compares ids bytewise (COLLATE "C") on every shard, whatever its locale.
    index('orders_customer_ordered_idx').on(
      t.customerId,
      t.orderedAt.desc(),
      sql`${t.orderId} collate "C" desc`,
    ),
    index('orders_ordered_idx').on(t.orderedAt, sql`${t.orderId} collate "C"`),
    index('orders_status_idx').on(t.status),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    orderId: text('order_id')
      .notNull()
      .references(() => orders.orderId, { onDelete: 'cascade' }),
    itemId: text('item_id').notNull(),
    quantity: integer('quantity').notNull(),
    priceCents: integer('price_cents').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.itemId] }),
    check('order_lines_quantity_positive', sql`${t.quantity} > 0`),
    check('order_lines_price_non_negative', sql`${t.priceCents} >= 0`),
  ],
);

/** A per-warehouse shipment; suborder_id is `${order_id}.${warehouse_id}` (domain/suborder-id.ts). */
export const suborders = pgTable(
  'suborders',
  {
    suborderId: text('suborder_id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.orderId, { onDelete: 'cascade' }),
    customerId: text('customer_id').notNull(),
    warehouseId: text('warehouse_id').notNull(),
    status: text('status', { enum: SUBORDER_STATUSES }).notNull(),
    version: versionColumn(),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('suborders_status_valid', isOneOf(t.status, SUBORDER_STATUSES)),
    index('suborders_order_idx').on(t.orderId),
  ],
);

export const suborderLines = pgTable(
  'suborder_lines',
  {
    suborderId: text('suborder_id')
      .notNull()
      .references(() => suborders.suborderId, { onDelete: 'cascade' }),
    itemId: text('item_id').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.suborderId, t.itemId] }),
    check('suborder_lines_quantity_positive', sql`${t.quantity} > 0`),
  ],
);
