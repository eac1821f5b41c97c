/** Operator shapes: new items, restocks, warehouses, suborder events. */
import { z } from '@hono/zod-openapi';
import { ItemTypeSchema, MAX_PRICE_CENTS } from './catalog.js';
import { ItemIdSchema, WarehouseIdSchema } from './common.js';
import { text } from './text.js';

const MAX_STOCK_UNITS = 1_000_000;

export const NewItemRequestSchema = z
  .strictObject({
    name: text().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
    description: text({ multiline: true }).max(2000, 'at most 2000 characters'),
    price: z
      .number()
      .int('integer cents')
      .min(0)
      .max(MAX_PRICE_CENTS)
      .openapi({ description: 'Integer cents' }),
    type: ItemTypeSchema,
    stock: z
      .array(
        z.strictObject({
          warehouseId: WarehouseIdSchema,
          quantity: z.number().int('must be a whole number').min(0).max(MAX_STOCK_UNITS),
        }),
      )
      .max(50)
      .refine(
        (parts) => new Set(parts.map((p) => p.warehouseId)).size === parts.length,
        'each warehouse may appear once',
      ),
  })
  .openapi('NewItemRequest');

export const NewItemResponseSchema = z.object({ itemId: ItemIdSchema }).openapi('NewItemResponse');

export const RestockRequestSchema = z
  .strictObject({
    itemId: ItemIdSchema,
    quantity: z.number().int('must be a whole number').min(1).max(MAX_STOCK_UNITS),
    adjustmentId: text()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'not an adjustment id')
      .optional()
      .openapi({ description: 'Idempotency key of this delivery (e.g. a goods-received note id)' }),
  })
  .openapi('RestockRequest');

export const RestockResponseSchema = z
  .object({
    applied: z.boolean().openapi({ description: 'False when this adjustment id was applied before' }),
    adjustmentId: z.string(),
    itemId: ItemIdSchema,
    warehouseId: WarehouseIdSchema,
    physical: z.number().int(),
    warehouseAvailable: z.number().int(),
    available: z.number().int().openapi({ description: "The item's available units over all warehouses" }),
  })
  .openapi('RestockResponse');

export const WarehouseParamsSchema = z.object({
  warehouseId: WarehouseIdSchema.openapi({ param: { name: 'warehouseId', in: 'path' } }),
});

export const WarehouseSchema = z
  .object({ warehouseId: WarehouseIdSchema, name: z.string(), region: z.string() })
  .openapi('Warehouse');

export const OperatorCancelRequestSchema = z
  .strictObject({
    reason: text()
      .trim()
      .min(1, 'must not be empty')
      .max(500, 'at most 500 characters')
      .openapi({ example: 'damaged in the warehouse' }),
  })
  .openapi('OperatorCancelRequest');

export const SuborderParamsSchema = z.object({
  suborderId: text()
    .regex(/^ord_[0-9a-f]{32}\.[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, 'not a suborder id')
    .openapi({ param: { name: 'suborderId', in: 'path' } }),
});
