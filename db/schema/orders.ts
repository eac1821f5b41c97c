import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { ORDER_STATUSES } from '../../domain/order-status.js';
import type { ShippingAddress } from '../../domain/shipping-address.js';
import { SUBORDER_STATUSES } from '../../domain/suborder-status.js';
import {
  isOneOf,
  lineConstraints,
  lineItemColumns,
  nonNegative,
  parentKeyColumn,
  timestampMs,
  updatedAtColumn,
  versionAndTimestamps,
  versionColumn,
} from './columns.js';

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
    /** Why a FAILED order failed (the step and its error); null otherwise. */
    failureReason: text('failure_reason'),
    /** Why a CANCELLED order was cancelled (the shopper, or an operator's words); null otherwise. */
    cancelReason: text('cancel_reason'),
    version: versionColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    nonNegative('orders_total_non_negative', t.totalCents),
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
    orderId: parentKeyColumn('order_id', () => orders.orderId),
    ...lineItemColumns(),
    priceCents: integer('price_cents').notNull(),
  },
  (t) => [
    ...lineConstraints('order_lines', t.orderId, t),
    nonNegative('order_lines_price_non_negative', t.priceCents),
  ],
);

/** A per-warehouse shipment; suborder_id is `${order_id}.${warehouse_id}` (domain/suborder-id.ts). */
export const suborders = pgTable(
  'suborders',
  {
    suborderId: text('suborder_id').primaryKey(),
    orderId: parentKeyColumn('order_id', () => orders.orderId),
    customerId: text('customer_id').notNull(),
    warehouseId: text('warehouse_id').notNull(),
    status: text('status', { enum: SUBORDER_STATUSES }).notNull(),
    ...versionAndTimestamps(),
  },
  (t) => [
    check('suborders_status_valid', isOneOf(t.status, SUBORDER_STATUSES)),
    index('suborders_order_idx').on(t.orderId),
  ],
);

export const suborderLines = pgTable(
  'suborder_lines',
  {
    suborderId: parentKeyColumn('suborder_id', () => suborders.suborderId),
    ...lineItemColumns(),
  },
  (t) => lineConstraints('suborder_lines', t.suborderId, t),
);
