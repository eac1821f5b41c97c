import { sql } from 'drizzle-orm';
import { check, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { timestampMs, versionColumn } from './columns.js';

/** One cart per customer, sharded by customer_id. The header's version guards every change of its lines. */
export const carts = pgTable('carts', {
  customerId: text('customer_id').primaryKey(),
  version: versionColumn(),
  updatedAt: timestampMs('updated_at').notNull().defaultNow(),
});

export const cartLines = pgTable(
  'cart_lines',
  {
    customerId: text('customer_id')
      .notNull()
      .references(() => carts.customerId, { onDelete: 'cascade' }),
    itemId: text('item_id').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.itemId] }),
    check('cart_lines_quantity_positive', sql`${t.quantity} > 0`),
  ],
);
