/**
 * GET /admin/warehouses and POST /admin/warehouses/:warehouseId/stock (restock). A restock is units
 * arriving at a warehouse: one idempotent transaction on the item's shard (keyed by the adjustment id) that
 * only adds units, so it needs no saga, no compensation and no workflow; the API calls the repository.
 */
import { randomUUID } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { IdempotencyKeyConflictError, NotFoundError } from '../../db/errors.js';
import type { WarehouseRepository } from '../../db/repositories/warehouse-repository.js';
import type { WarehouseStockRepository } from '../../db/repositories/warehouse-stock-repository.js';
import { cachePrivately } from '../cache-control.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import {
  RestockRequestSchema,
  RestockResponseSchema,
  WarehouseParamsSchema,
  WarehouseSchema,
} from '../schemas/admin.js';
import { jsonBody, jsonContent } from '../schemas/common.js';
import { bearerRoute } from './bearer-route.js';

export interface AdminWarehouseDeps {
  warehouses: Pick<WarehouseRepository, 'listWarehouses'>;
  warehouseStock: Pick<WarehouseStockRepository, 'restock'>;
  /** Called after a restock (the API clears its search cache before the shard's notification arrives). */
  onCatalogChange?: () => Promise<void>;
}

const listWarehouses = bearerRoute('Operators', 'get', '/admin/warehouses', {
  summary: 'The warehouses',
  responses: { 200: jsonContent(z.array(WarehouseSchema), 'Every warehouse, by id') },
  problems: [401, 403, 503],
});

const restock = bearerRoute('Operators', 'post', '/admin/warehouses/{warehouseId}/stock', {
  summary: 'Units arrive at a warehouse (restock)',
  description:
    'Applied once per (`adjustmentId`, item): a repeat answers `applied: false` and changes nothing; the same id ' +
    'with another item, warehouse or quantity is 422 `/problems/idempotency-key-reused`. Without an ' +
    'adjustment id the server makes one (and a retry would add the units again).',
  request: { params: WarehouseParamsSchema, body: jsonBody(RestockRequestSchema) },
  responses: { 200: jsonContent(RestockResponseSchema, 'The stock after the restock') },
  problems: [400, 401, 403, 404, 413, 415, 422, 503],
});

export function adminWarehouseRoutes({ warehouses, warehouseStock, onCatalogChange }: AdminWarehouseDeps) {
  return newRouter()
    .openapi(listWarehouses, async (c) => {
      const all = await warehouses.listWarehouses();
      cachePrivately(c);
      return c.json(
        all.map(({ warehouseId, name, region }) => ({ warehouseId, name, region })),
        200,
      );
    })
    .openapi(restock, async (c) => {
      const { warehouseId } = c.req.valid('param');
      const { itemId, quantity, adjustmentId = `adj-${randomUUID()}` } = c.req.valid('json');
      const known = await warehouses.listWarehouses();
      if (!known.some((w) => w.warehouseId === warehouseId)) {
        throw new ProblemError(problems.notFound(`No warehouse ${warehouseId}`));
      }
      try {
        const result = await warehouseStock.restock({ adjustmentId, itemId, warehouseId, quantity });
        if (result.applied) await onCatalogChange?.();
        return c.json(
          {
            applied: result.applied,
            adjustmentId,
            itemId,
            warehouseId,
            physical: result.warehouseStock.physical,
            warehouseAvailable: result.warehouseStock.available,
            available: result.available,
          },
          200,
        );
      } catch (error) {
        if (error instanceof NotFoundError && error.entity === 'item') {
          throw new ProblemError(problems.unknownItems([itemId]));
        }
        if (error instanceof IdempotencyKeyConflictError) {
          throw new ProblemError(
            problems.idempotencyKeyReused(
              `Adjustment ${adjustmentId} was applied with another item, warehouse or quantity`,
              'adjustmentId',
            ),
          );
        }
        throw error;
      }
    });
}
