import { type SQL, sql } from 'drizzle-orm';
import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { nonNegative, tsvector, versionAndTimestamps } from './columns.js';

/** Catalog, sharded by item_id. */
export const items = pgTable(
  'items',
  {
    itemId: text('item_id').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    priceCents: integer('price_cents').notNull(),
    itemType: text('item_type').notNull(),
    searchVector: tsvector('search_vector')
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`setweight(to_tsvector('english'::regconfig, ${items.name}), 'A') || setweight(to_tsvector('english'::regconfig, ${items.description}), 'B')`,
      ),
    ...versionAndTimestamps(),
  },
  (t) => [
    nonNegative('items_price_non_negative', t.priceCents),
    index('items_search_vector_idx').using('gin', t.searchVector),
    index('items_type_price_idx').on(t.itemType, t.priceCents),
  ],
);
