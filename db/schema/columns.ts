import { type SQL, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  check,
  customType,
  integer,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/** Optimistic concurrency counter of a mutable row: every write is `… WHERE version = $v`. */
export const versionColumn = () => integer('version').notNull().default(0);

/**
 * Millisecond precision, so a timestamp read into a JS Date and handed back in a cursor compares equal
 * to the stored value (microseconds would be lost in the round trip and pages would repeat rows).
 */
export const timestampMs = (name: string) =>
  timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/** When the row was written first. */
export const createdAtColumn = () => timestampMs('created_at').notNull().defaultNow();

/** When the row was written last (set by every write, with `version`). */
export const updatedAtColumn = () => timestampMs('updated_at').notNull().defaultNow();

/** A mutable row's version, then when it was written first and last. */
export const versionAndTimestamps = () => ({
  version: versionColumn(),
  createdAt: createdAtColumn(),
  updatedAt: updatedAtColumn(),
});

/** A required text id of a row in another table (on the same shard). */
export const referenceColumn = (name: string, target: () => AnyPgColumn) =>
  text(name).notNull().references(target);

/** The id of the row a line belongs to: the lines go when it goes. */
export const parentKeyColumn = (name: string, parent: () => AnyPgColumn) =>
  text(name).notNull().references(parent, { onDelete: 'cascade' });

export const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
});

/** `<column> in ('A', 'B', …)` for a CHECK constraint over a fixed list of status names. */
export function isOneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  return sql`${column} in (${sql.raw(values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', '))})`;
}

/** CHECK `<column> >= 0`. */
export const nonNegative = (name: string, column: AnyPgColumn) => check(name, sql`${column} >= 0`);

/** CHECK `<column> > 0`. */
export const positive = (name: string, column: AnyPgColumn) => check(name, sql`${column} > 0`);

/** What a lines table (`…_lines`) holds after its parent's id: the item and its units. */
export const lineItemColumns = () => ({
  itemId: text('item_id').notNull(),
  quantity: integer('quantity').notNull(),
});

/** A lines table's key, (parent, item), and its rule that a line holds at least one unit. */
export const lineConstraints = (
  table: string,
  parent: AnyPgColumn,
  line: { itemId: AnyPgColumn; quantity: AnyPgColumn },
) => [primaryKey({ columns: [parent, line.itemId] }), positive(`${table}_quantity_positive`, line.quantity)];
