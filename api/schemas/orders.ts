/** Order shapes: one order with its suborders, pages of orders, and their queries. */
import { z } from '@hono/zod-openapi';
import { SUBORDER_STATUSES } from '../../domain/suborder-status.js';
import { OrderStatusSchema } from './checkout.js';
import {
  CustomerIdSchema,
  DateTimeQuery,
  ItemIdSchema,
  OrderIdSchema,
  pageSchema,
  pagingQuery,
} from './common.js';

const OrderLineSchema = z
  .object({
    itemId: ItemIdSchema,
    quantity: z.number().int(),
    price: z.number().int().openapi({ description: 'Unit price, integer cents' }),
  })
  .openapi('OrderLine');

export const SuborderSchema = z
  .object({
    suborderId: z.string().openapi({ example: 'ord_0123456789abcdef0123456789abcdef.wh-east' }),
    warehouseId: z.string(),
    status: z.enum(SUBORDER_STATUSES),
    lines: z.array(z.object({ itemId: ItemIdSchema, quantity: z.number().int() })),
  })
  .openapi('Suborder');

const orderFields = {
  orderId: OrderIdSchema,
  status: OrderStatusSchema,
  lines: z.array(OrderLineSchema),
  total: z.number().int().openapi({ description: 'Integer cents' }),
  orderedAt: z.string().openapi({ format: 'date-time' }),
  expiresAt: z.string().nullable().openapi({ format: 'date-time', description: 'End of the reservation' }),
  failureReason: z
    .string()
    .optional()
    .openapi({ description: 'FAILED orders only: the step that failed for good and why' }),
  cancelReason: z.string().optional().openapi({
    description: 'CANCELLED orders only: why (`requested by the customer`, or the reason an operator gave)',
  }),
};

export const OrderSchema = z.object({ ...orderFields, suborders: z.array(SuborderSchema) }).openapi('Order');

export const OrderSummarySchema = z.object(orderFields).openapi('OrderSummary');

export const OrderPageSchema = pageSchema('orders', OrderSummarySchema, 'OrderPage');

export const CustomerOrdersQuerySchema = z.strictObject({
  ...pagingQuery,
  since: DateTimeQuery.optional().openapi({ description: 'Only orders placed at or after this time' }),
});

export const AdminOrderSummarySchema = z
  .object({ ...orderFields, customerId: z.string() })
  .openapi('AdminOrderSummary');

export const AdminOrderSchema = z
  .object({ ...orderFields, customerId: z.string(), suborders: z.array(SuborderSchema) })
  .openapi('AdminOrder');

export const AdminOrderQuerySchema = z.strictObject({
  customerId: CustomerIdSchema.openapi({ description: 'Whose order it is (orders live on their shard)' }),
});

export const AdminOrderPageSchema = pageSchema('orders', AdminOrderSummarySchema, 'AdminOrderPage');

export const OrdersInRangeQuerySchema = z
  .strictObject({
    from: DateTimeQuery.openapi({ description: 'Orders placed at or after this time' }),
    to: DateTimeQuery.openapi({ description: 'Orders placed before this time' }),
    status: OrderStatusSchema.optional().openapi({ description: 'Only orders with this status' }),
    customerId: CustomerIdSchema.optional().openapi({
      description: "Only this customer's orders (read from their shard alone)",
    }),
    ...pagingQuery,
  })
  // Zod still runs object checks when a field failed: only compare two real dates.
  .refine((q) => !(q.from instanceof Date && q.to instanceof Date) || q.from.getTime() <= q.to.getTime(), {
    path: ['from'],
    message: 'must not be after `to`',
  });
