/** Checkout shapes: BEGIN, the payment URL, SUBMIT and CANCEL. */
import { z } from '@hono/zod-openapi';
import { ORDER_STATUSES } from '../../domain/order-status.js';
import { CartLineSchema } from './cart.js';
import { OrderIdSchema } from './common.js';
import { text } from './text.js';
import { QUEUE_TICKET_HEADER, QueueTicketSchema } from './waiting-room.js';

export const MAX_CHECKOUT_LINES = 100;

export const CheckoutLinesSchema = z
  .array(CartLineSchema)
  .min(1, 'needs at least one line')
  .max(MAX_CHECKOUT_LINES, `at most ${MAX_CHECKOUT_LINES} lines`)
  .refine((lines) => new Set(lines.map((l) => l.itemId)).size === lines.length, 'each item may appear once');

export const BeginCheckoutRequestSchema = z
  .strictObject({
    cart: CheckoutLinesSchema.optional().openapi({
      description: "Lines to check out; absent: the customer's cart",
    }),
  })
  .openapi('BeginCheckoutRequest');

export const OrderReferenceSchema = z.strictObject({ orderId: OrderIdSchema }).openapi('OrderReference');

export const CheckoutQuerySchema = z.strictObject({
  op: z.enum(['BEGIN', 'SUBMIT', 'CANCEL'], 'must be BEGIN, SUBMIT or CANCEL'),
});

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

export const CheckoutHeadersSchema = z.object({
  [QUEUE_TICKET_HEADER]: QueueTicketSchema.optional().openapi({
    description: 'BEGIN of a hot item: the admitted ticket of its waiting room',
  }),
  [IDEMPOTENCY_KEY_HEADER]: text()
    .regex(/^[\x21-\x7e]{1,255}$/, '1–255 visible ASCII characters')
    .optional()
    .openapi({
      description:
        'BEGIN only: the same key with the same body answers the same order; with another body, 422',
    }),
});

export const BeginCheckoutResponseSchema = z
  .object({
    orderId: OrderIdSchema,
    paymentUrl: z.string().openapi({ description: 'POST the payment details here' }),
    expiresAt: z.string().openapi({ format: 'date-time', description: 'When the reservation lapses' }),
  })
  .openapi('BeginCheckoutResponse');

export const OrderStatusSchema = z.enum(ORDER_STATUSES).openapi('OrderStatus');

export const OrderOutcomeSchema = z
  .object({
    orderId: OrderIdSchema,
    status: OrderStatusSchema,
    declineReason: z.string().optional(),
    failureReason: z.string().optional().openapi({
      description:
        'FAILED: a step failed for good; the stock was given back and the payment voided or refunded',
    }),
  })
  .openapi('OrderOutcome', {
    description: 'Where the order stands; SUBMIT answers it with 200, 402, 409 or 410 by `status`',
  });

const CardSchema = z.strictObject({
  cardNumber: text()
    .regex(/^[0-9 ]{12,23}$/, 'card number: 12–19 digits')
    .openapi({ example: '4242424242424242' }),
  expMonth: z.number().int().min(1).max(12).openapi({ example: 12 }),
  expYear: z.number().int().min(2000).max(2100).openapi({ example: 2030 }),
  cvc: text()
    .regex(/^[0-9]{3,4}$/, 'cvc: 3 or 4 digits')
    .openapi({ example: '123' }),
});

export type Card = z.infer<typeof CardSchema>;

const AddressSchema = z.strictObject({
  name: text().min(1).max(200),
  line1: text().min(1).max(200),
  city: text().min(1).max(100),
  postalCode: text().min(1).max(20),
  country: text()
    .regex(/^[A-Za-z]{2}$/, 'ISO 3166-1 alpha-2 country code')
    .openapi({ example: 'US' }),
});

export const PaymentRequestSchema = z
  .strictObject({ paymentDetails: CardSchema, shippingAddress: AddressSchema })
  .openapi('PaymentRequest', {
    description: 'The card is tokenized by the API; only the token reaches the order workflow',
  });

export const PaymentAcceptedSchema = z
  .object({ orderId: OrderIdSchema, status: OrderStatusSchema })
  .openapi('PaymentAccepted');

export const OrderParamsSchema = z.object({
  orderId: OrderIdSchema.openapi({ param: { name: 'orderId', in: 'path' } }),
});
