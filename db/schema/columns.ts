import { type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, customType, integer, timestamp } from 'drizzle-orm/pg-core';

/** Optimistic concurrency counter of a mutable row: every write is `… WHERE version = $v`. */
export const versionColumn = () => integer('version').notNull().default(0);

/**
 * Millisecond precision, so a timestamp read into a JS Date and handed back in a cursor compares equal
 * to the stored value (microseconds would be lost in the round trip and pages would repeat rows).
 */
export const timestampMs = (name: string) =>
  timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

export const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
});

/** `<column> in ('A', 'B', …)` for a CHECK constraint over a fixed list of status names. */
export function isOneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  return sql`${column} in (${sql.raw(values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', '))})`;
}
