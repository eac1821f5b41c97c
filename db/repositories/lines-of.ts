import { inArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { ShardQueryable } from '../shard-set.js';

/**
 * The rows of a lines table (`…_lines`) whose `parent` column is one of `parentIds`, in item id order
 * (bytewise, as every id comparison is, whatever the shard's locale).
 */
export async function linesOf<T extends PgTable & { itemId: PgColumn }>(
  db: ShardQueryable,
  lines: T,
  parent: PgColumn,
  parentIds: string[],
): Promise<T['$inferSelect'][]> {
  // A generic table is beyond drizzle's select typing: the rows are the table's, as the query says.
  const rows = await db
    .select()
    .from(lines as PgTable)
    .where(inArray(parent, parentIds))
    .orderBy(sql`${lines.itemId} collate "C"`);
  return rows as T['$inferSelect'][];
}
