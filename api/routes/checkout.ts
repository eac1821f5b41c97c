/**
 * Checkout: POST /checkout?op=BEGIN|SUBMIT|CANCEL and the payment URL. BEGIN is update-with-start, so
 * one round trip answers the reservation; SUBMIT waits for the payment's outcome.
 */
import { randomUUID } from 'node:crypto';
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { Hono } from 'hono';
import { z } from 'zod';
import {
  beginCheckoutUpdate,
  cancelOrderUpdate,
  ORDER_WORKFLOW_TYPE,
  orderWorkflowId,
  providePaymentUpdate,
  submitOrderUpdate,
} from '../../workflows/definitions.js';
import type { orderWorkflow } from '../../workflows/order-workflow.js';
import type { OrderOutcome } from '../../workflows/types.js';
import type { AuthVariables } from '../auth.js';
import { ProblemError, problems } from '../problem.js';
import { parseJsonBody } from '../validation.js';
import { conflict, isRefused, notFound, updateOrRefusal } from '../workflow-calls.js';

export interface CheckoutDeps {
  temporal: Client;
  orderTaskQueue: string;
  warehouseTaskQueue: string;
  reservationTtlSeconds: number;
  publicBaseUrl: string;
  /** The customer's cart lines, used when BEGIN has no `cart`. */
  cartOf(customerId: string): Promise<{ itemId: string; quantity: number }[]>;
  /** Status of the customer's order on their shard; undefined when it is not theirs (or does not exist). */
  orderStatusOf(customerId: string, orderId: string): Promise<string | undefined>;
  tokenizeCard(customerId: string, card: z.infer<typeof cardSchema>): Promise<string>;
}

const MAX_LINES = 100;
const MAX_QUANTITY = 1_000;

const cartLines = z
  .array(
    z.object({
      itemId: z.string().min(1).max(100),
      quantity: z.number().int().min(1).max(MAX_QUANTITY),
    }),
  )
  .min(1)
  .max(MAX_LINES)
  .refine((lines) => new Set(lines.map((l) => l.itemId)).size === lines.length, 'each item may appear once');

const beginBody = z.object({ cart: cartLines.optional() });
const orderRefBody = z.object({ orderId: z.string().regex(/^ord_[0-9a-f]{32}$/, 'not an order id') });

export const cardSchema = z.object({
  cardNumber: z.string().regex(/^[0-9 ]{12,23}$/, 'card number: 12–19 digits'),
  expMonth: z.number().int().min(1).max(12),
  expYear: z.number().int().min(2000).max(2100),
  cvc: z.string().regex(/^[0-9]{3,4}$/, 'cvc: 3 or 4 digits'),
});

const paymentBody = z.object({
  paymentDetails: cardSchema,
  shippingAddress: z.object({
    name: z.string().min(1).max(200),
    line1: z.string().min(1).max(200),
    city: z.string().min(1).max(100),
    postalCode: z.string().min(1).max(20),
    country: z.string().regex(/^[A-Za-z]{2}$/, 'ISO 3166-1 alpha-2 country code'),
  }),
});

const OPS = ['BEGIN', 'SUBMIT', 'CANCEL'] as const;

export function newOrderId(): string {
  return `ord_${randomUUID().replaceAll('-', '')}`;
}

/** HTTP status for the outcome of SUBMIT. */
function submitStatus(outcome: OrderOutcome): 200 | 402 | 409 | 410 {
  switch (outcome.status) {
    case 'PAYMENT_FAILED':
      return 402;
    case 'EXPIRED':
      return 410;
    case 'CANCELLED':
      return 409;
    default:
      return 200;
  }
}

export function checkoutRoutes(deps: CheckoutDeps): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const handle = (orderId: string) => deps.temporal.workflow.getHandle(orderWorkflowId(orderId));

  const requireOwnOrder = async (customerId: string, orderId: string): Promise<string> => {
    const status = await deps.orderStatusOf(customerId, orderId);
    if (!status) throw notFound(`No order ${orderId}`);
    return status;
  };

  const begin = async (customerId: string, body: z.infer<typeof beginBody>) => {
    const lines = body.cart ?? (await deps.cartOf(customerId));
    if (lines.length === 0) {
      throw new ProblemError(
        problems.validation('The cart is empty: send `cart` or add items first', [
          { field: 'cart', message: 'empty' },
        ]),
      );
    }
    const orderId = newOrderId();
    return deps.temporal.workflow.executeUpdateWithStart(beginCheckoutUpdate, {
      args: [{ lines }],
      startWorkflowOperation: new WithStartWorkflowOperation<typeof orderWorkflow>(ORDER_WORKFLOW_TYPE, {
        workflowId: orderWorkflowId(orderId),
        taskQueue: deps.orderTaskQueue,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [
          {
            orderId,
            customerId,
            reservationTtlSeconds: deps.reservationTtlSeconds,
            publicBaseUrl: deps.publicBaseUrl,
            warehouseTaskQueue: deps.warehouseTaskQueue,
          },
        ],
      }),
    });
  };

  app.post('/checkout', async (c) => {
    const op = c.req.query('op');
    const customerId = c.get('customerId');
    if (op === 'BEGIN') {
      const result = await begin(customerId, await parseJsonBody(c, beginBody));
      if (result.ok) {
        return c.json(
          { orderId: result.orderId, paymentUrl: result.paymentUrl, expiresAt: result.expiresAt },
          201,
        );
      }
      if (result.reason === 'UNKNOWN_ITEMS') throw new ProblemError(problems.unknownItems(result.itemIds));
      throw new ProblemError({
        type: '/problems/out-of-stock',
        title: 'Out of stock',
        status: 409,
        detail: `Not enough stock for: ${result.lines.map((l) => l.itemId).join(', ')}`,
        lines: result.lines,
      });
    }
    if (op === 'SUBMIT' || op === 'CANCEL') {
      const { orderId } = await parseJsonBody(c, orderRefBody);
      const stored = await requireOwnOrder(customerId, orderId);
      const outcome = await updateOrRefusal(() =>
        op === 'SUBMIT'
          ? handle(orderId).executeUpdate(submitOrderUpdate)
          : handle(orderId).executeUpdate(cancelOrderUpdate, {
              args: [{ reason: 'requested by the customer' }],
            }),
      );
      if (isRefused(outcome)) {
        // A finished workflow: answer from the order row, the durable truth.
        if (op === 'SUBMIT' && outcome.reason === 'the order workflow has finished') {
          const final = { orderId, status: stored as OrderOutcome['status'] };
          return c.json(final, submitStatus(final));
        }
        throw conflict(`Cannot ${op.toLowerCase()} order ${orderId}: ${outcome.reason}`);
      }
      return c.json(outcome, op === 'SUBMIT' ? submitStatus(outcome) : 200);
    }
    throw new ProblemError(
      problems.validation(`Unknown op "${op ?? ''}"; expected one of ${OPS.join(', ')}`, [
        { field: 'op', message: `must be one of ${OPS.join(', ')}` },
      ]),
    );
  });

  app.post('/checkout/:orderId/payment', async (c) => {
    const customerId = c.get('customerId');
    const orderId = c.req.param('orderId');
    if (!/^ord_[0-9a-f]{32}$/.test(orderId)) throw notFound(`No order ${orderId}`);
    const body = await parseJsonBody(c, paymentBody);
    const status = await requireOwnOrder(customerId, orderId);
    if (status === 'EXPIRED') {
      throw new ProblemError({
        type: '/problems/expired',
        title: 'Expired',
        status: 410,
        detail: `Order ${orderId} expired`,
      });
    }
    const paymentToken = await deps.tokenizeCard(customerId, body.paymentDetails);
    const shippingAddress = { ...body.shippingAddress, country: body.shippingAddress.country.toUpperCase() };
    const outcome = await updateOrRefusal(() =>
      handle(orderId).executeUpdate(providePaymentUpdate, { args: [{ paymentToken, shippingAddress }] }),
    );
    if (isRefused(outcome))
      throw conflict(`Order ${orderId} does not accept payment details: ${outcome.reason}`);
    return c.json({ orderId, status: outcome.status }, 202);
  });

  return app;
}
