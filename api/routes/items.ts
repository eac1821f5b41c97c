/** Public catalog reads, straight from the shards: GET /items (search) and GET /items/:itemId. */
import { createRoute } from '@hono/zod-openapi';
import type { CatalogRepository } from '../../db/repositories/catalog-repository.js';
import { cachePublicly } from '../cache-control.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import { ItemPageSchema, ItemParamsSchema, ItemSchema, SearchQuerySchema } from '../schemas/catalog.js';
import { DEFAULT_PAGE_SIZE, jsonContent, problemResponses } from '../schemas/common.js';
import { type SearchCache, searchCacheKey } from '../search-cache.js';
import { itemView } from '../views.js';

const searchItems = createRoute({
  method: 'get',
  path: '/items',
  tags: ['Catalog'],
  summary: 'Search the catalog',
  description:
    'Full-text search over every shard, ranked, with cursor pagination. Cacheable publicly for a short while. ' +
    'The API answers repeated searches from its own cache (`X-Cache: hit` or `miss`), cleared on any stock change.',
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

/** The body of a search answer, as cached. */
export interface ItemPageBody {
  items: ReturnType<typeof itemView>[];
  nextCursor: string | null;
  limit: number;
}

/** With `searchCache`, searches are answered from it when they can, and say so in `X-Cache: hit|miss`. */
export function itemRoutes(catalog: CatalogRepository, searchCache?: SearchCache<ItemPageBody>) {
  return newRouter()
    .openapi(searchItems, async (c) => {
      const query = c.req.valid('query');
      const limit = query.limit ?? DEFAULT_PAGE_SIZE;
      const search = {
        text: query.query,
        type: query.type,
        minPriceCents: query.minPrice,
        maxPriceCents: query.maxPrice,
        limit,
        cursor: query.cursor,
      };
      const key = searchCacheKey(search);
      const cached = await searchCache?.get(key);
      cachePublicly(c);
      if (cached) {
        c.header('X-Cache', 'hit');
        return c.json(cached, 200);
      }
      const epoch = await searchCache?.epoch();
      const page = await catalog.searchItems(search);
      const body: ItemPageBody = {
        items: page.items.map(itemView),
        nextCursor: page.nextCursor ?? null,
        limit,
      };
      if (searchCache && epoch !== undefined) {
        await searchCache.set(key, body, epoch);
        c.header('X-Cache', 'miss');
      }
      return c.json(body, 200);
    })
    .openapi(getItem, async (c) => {
      const { itemId } = c.req.valid('param');
      const item = await catalog.getItem(itemId);
      if (!item) throw new ProblemError(problems.notFound(`No item ${itemId}`));
      cachePublicly(c);
      return c.json(itemView(item), 200);
    });
}
