/** Catalog shapes: items, search pages and their query. */
import { z } from '@hono/zod-openapi';
import { ItemIdSchema, pageSchema, pagingQuery, queryInteger } from './common.js';
import { text } from './text.js';

export const MAX_PRICE_CENTS = 1_000_000_000;

export const ItemTypeSchema = text()
  .regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'lowercase letters, digits and dashes, at most 50')
  .openapi({ example: 'electronics' });

export const ItemSchema = z
  .object({
    itemId: ItemIdSchema,
    name: z.string(),
    description: z.string(),
    price: z.number().int().openapi({ description: 'Integer cents', example: 1999 }),
    type: z.string(),
    available: z.number().int().openapi({ description: 'Units a checkout can still reserve' }),
  })
  .openapi('Item');

export const ItemPageSchema = pageSchema('items', ItemSchema, 'ItemPage');

export const SearchQuerySchema = z
  .strictObject({
    query: text()
      .max(200, 'at most 200 characters')
      .optional()
      .openapi({ description: 'Web-search syntax: `"red shoes" -leather`; absent lists everything' }),
    type: ItemTypeSchema.optional(),
    minPrice: queryInteger(0, MAX_PRICE_CENTS, 'Lowest price, integer cents').optional(),
    maxPrice: queryInteger(0, MAX_PRICE_CENTS, 'Highest price, integer cents').optional(),
    ...pagingQuery,
  })
  // Zod still runs object checks when a field failed: only compare two numbers.
  .refine(
    (q) => typeof q.minPrice !== 'number' || typeof q.maxPrice !== 'number' || q.minPrice <= q.maxPrice,
    {
      path: ['minPrice'],
      message: 'must not exceed maxPrice',
    },
  );

export const ItemParamsSchema = z.object({
  itemId: ItemIdSchema.openapi({ param: { name: 'itemId', in: 'path' } }),
});
