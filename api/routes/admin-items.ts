/** POST /admin/items: an operator adds an item to the catalog, with its first units per warehouse. */
import { randomBytes } from 'node:crypto';
import type { CatalogRepository } from '../../db/repositories/catalog-repository.js';
import type { WarehouseRepository } from '../../db/repositories/warehouse-repository.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import { NewItemRequestSchema, NewItemResponseSchema } from '../schemas/admin.js';
import { jsonBody, jsonContent } from '../schemas/common.js';
import { bearerRoute } from './bearer-route.js';

export interface AdminItemDeps {
  catalog: Pick<CatalogRepository, 'createItems'>;
  warehouses: Pick<WarehouseRepository, 'listWarehouses'>;
  /** Called once the item is stored (the API clears its search cache). */
  onCatalogChange?: () => Promise<void>;
}

const createItem = bearerRoute('Operators', 'post', '/admin/items', {
  summary: 'Add an item to the catalog, with its initial stock per warehouse',
  description: 'The server chooses the item id. Unknown warehouses: 422 `/problems/unknown-warehouses`.',
  request: { body: jsonBody(NewItemRequestSchema) },
  responses: { 201: jsonContent(NewItemResponseSchema, 'Created') },
  problems: [400, 401, 403, 413, 415, 422, 503],
});

export function adminItemRoutes({ catalog, warehouses, onCatalogChange }: AdminItemDeps) {
  return newRouter().openapi(createItem, async (c) => {
    const body = c.req.valid('json');
    const known = new Set((await warehouses.listWarehouses()).map((w) => w.warehouseId));
    const unknown = body.stock.map((s) => s.warehouseId).filter((id) => !known.has(id));
    if (unknown.length > 0) throw new ProblemError(problems.unknownWarehouses(unknown));
    const itemId = `item-${randomBytes(12).toString('hex')}`;
    await catalog.createItems([
      {
        itemId,
        name: body.name,
        description: body.description,
        priceCents: body.price,
        type: body.type,
        stock: body.stock,
      },
    ]);
    await onCatalogChange?.();
    c.header('Location', `/items/${itemId}`);
    return c.json({ itemId }, 201);
  });
}
