/** Public catalog reads, straight from the shards: GET /items (search) and GET /items/:itemId. */
import { createRoute } from '@hono/zod-openapi';
import type { CatalogRepository } from '../../db/repositories/catalog-repository.js';
import { cachePublicly } from '../cache-control.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import { ItemPageSchema, ItemParamsSchema, ItemSchema, SearchQuerySchema } from '../schemas/catalog.js';
import { DEFAULT_PAGE_SIZE, jsonContent, problemResponses } from '../schemas/common.js';
import { itemView } from '../views.js';

const searchItems = createRoute({
  method: 'get',
  path: '/items',
  tags: ['Catalog'],
  summary: 'Search the catalog',
  description:
    'Full-text search over every shard, ranked, with cursor pagination. Cacheable publicly for a short while.',
  request: { query: SearchQuerySchema },
  responses: { 200: jsonContent(ItemPageSchema, 'A page of items'), ...problemResponses(400, 503) },
});

const getItem = createRoute({
  method: 'get',
  path: '/items/{itemId}',
  tags: ['Catalog'],
  summary: 'One item with its available stock',
  request: { params: ItemParamsSchema },
  responses: { 200: jsonContent(ItemSchema, 'The item'), ...problemResponses(404, 503) },
});

export function itemRoutes(catalog: CatalogRepository) {
  return newRouter()
    .openapi(searchItems, async (c) => {
      const query = c.req.valid('query');
      const limit = query.limit ?? DEFAULT_PAGE_SIZE;
      const page = await catalog.searchItems({
        text: query.query,
        type: query.type,
        minPriceCents: query.minPrice,
        maxPriceCents: query.maxPrice,
        limit,
        cursor: query.cursor,
      });
      cachePublicly(c);
      return c.json({ items: page.items.map(itemView), nextCursor: page.nextCursor ?? null, limit }, 200);
    })
    .openapi(getItem, async (c) => {
      const { itemId } = c.req.valid('param');
      const item = await catalog.getItem(itemId);
      if (!item) throw new ProblemError(problems.notFound(`No item ${itemId}`));
      cachePublicly(c);
      return c.json(itemView(item), 200);
    });
}
