/** Cart shapes. */
import { z } from '@hono/zod-openapi';
import { ItemIdSchema, QuantitySchema } from './common.js';

export const CartLineSchema = z
  .strictObject({ itemId: ItemIdSchema, quantity: QuantitySchema })
  .openapi('CartLine');

export const CartSchema = z.object({ items: z.array(CartLineSchema) }).openapi('Cart');

export const CartChangeQuerySchema = z.strictObject({
  op: z.enum(['ADD', 'REMOVE'], 'must be ADD or REMOVE').openapi({
    description: 'ADD checks available stock; REMOVE takes up to `quantity` units off the line',
  }),
});
