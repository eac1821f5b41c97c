import { pgTable, text } from 'drizzle-orm/pg-core';
import {
  lineConstraints,
  lineItemColumns,
  parentKeyColumn,
  updatedAtColumn,
  versionColumn,
} from './columns.js';

/** One cart per customer, sharded by customer_id. The header's version guards every change of its lines. */
export const carts = pgTable('carts', {
  customerId: text('customer_id').primaryKey(),
  version: versionColumn(),
  updatedAt: updatedAtColumn(),
});

export const cartLines = pgTable(
  'cart_lines',
  {
    customerId: parentKeyColumn('customer_id', () => carts.customerId),
    ...lineItemColumns(),
  },
  (t) => lineConstraints('cart_lines', t.customerId, t),
);
