/**
 * POST /checkout?op=BEGIN|SUBMIT|CANCEL. BEGIN reserves (update-with-start: one round trip); SUBMIT waits
 * for the payment and placement outcome; CANCEL waits for the compensations. The body depends on `op`, so
 * it is validated here rather than by the route's declared schema.
 */
import { createRoute } from '@hono/zod-openapi';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { z } from 'zod';
import type { OrderStatus } from '../../domain/order-status.js';
import { cancelOrderUpdate, orderWorkflowId, submitOrderUpdate } from '../../workflows/definitions.js';
import type { orderWorkflowV3 } from '../../workflows/order/order-workflow.js';
import { isTerminal } from '../../workflows/order-rules.js';
import type { OrderOutcome } from '../../workflows/types.js';
import type { ApiMetrics } from '../api-metrics.js';
import { type BeginDeps, beginCheckout } from '../checkout-begin.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import {
  BeginCheckoutRequestSchema,
  BeginCheckoutResponseSchema,
  CheckoutHeadersSchema,
  CheckoutQuerySchema,
  IDEMPOTENCY_KEY_HEADER,
  OrderOutcomeSchema,
  OrderReferenceSchema,
} from '../schemas/checkout.js';
import { bearerSecurity, jsonContent, problemResponses } from '../schemas/common.js';
import { QUEUE_TICKET_HEADER, QueuedBeginResponseSchema } from '../schemas/waiting-room.js';
import { parseJsonBody } from '../validation.js';
import { isRefused, updateOrRefusal, WORKFLOW_CLOSED } from '../workflow-calls.js';

export interface CheckoutDeps extends BeginDeps {
  temporal: Client;
  /** Status of the customer's order on their shard; undefined when it is not theirs (or does not exist). */
  orderStatusOf(customerId: string, orderId: string): Promise<string | undefined>;
}

const checkout = createRoute({
  method: 'post',
  path: '/checkout',
  tags: ['Checkout'],
  summary: 'Begin, submit or cancel a checkout',
  description: [
    '- `op=BEGIN`, body `BeginCheckoutRequest`: reserves every line or none. 201 with the payment URL; ' +
      '409 `/problems/out-of-stock` naming the short `lines`; 422 `/problems/unknown-items`. With an ' +
      '`Idempotency-Key` the same key and body answer the same order; another body, 422 ' +
      '`/problems/idempotency-key-reused`.',
    '- `op=SUBMIT`, body `OrderReference`: pays and places the order and answers its outcome: 200 placed, ' +
      '402 declined (`PAYMENT_FAILED`), 410 `EXPIRED`, 409 `CANCELLED` — each an `OrderOutcome`, not a ' +
      'problem, since the request itself succeeded. 409 `/problems/conflict` when there is nothing to submit yet.',
    '- `op=CANCEL`, body `OrderReference`: cancels a checkout or an unshipped order (200 `OrderOutcome`); ' +
      '409 `/problems/conflict` once anything has shipped.',
    '',
    "Another customer's order is a 404.",
    '',
    'A cart with a hot item (`POST /admin/items/{itemId}/hot`) waits in its waiting room: BEGIN answers 202 ' +
      'with a `ticket` and its `eventsUrl`; once the events say `admitted`, BEGIN again with the header ' +
      "`Queue-Ticket` before `admittedUntil`. A ticket that is unknown (422), another shopper's (403), not " +
      'admitted yet (409) or expired (410) is a `/problems/queue-ticket-…` problem.',
  ].join('\n'),
  security: bearerSecurity,
  request: {
    query: CheckoutQuerySchema,
    headers: CheckoutHeadersSchema,
    body: {
      required: false,
      description: 'BEGIN: `BeginCheckoutRequest` (may be absent); SUBMIT and CANCEL: `OrderReference`',
      content: {
        'application/json': {
          schema: {
            oneOf: [
              { $ref: '#/components/schemas/BeginCheckoutRequest' },
              { $ref: '#/components/schemas/OrderReference' },
            ],
          },
        },
      },
    },
  },
  responses: {
    200: jsonContent(OrderOutcomeSchema, 'SUBMIT: placed (`PENDING`); CANCEL: `CANCELLED`'),
    201: jsonContent(BeginCheckoutResponseSchema, 'BEGIN: stock reserved until `expiresAt`'),
    202: jsonContent(
      QueuedBeginResponseSchema,
      'BEGIN of a hot item without an admitted `Queue-Ticket`: a place in its waiting room',
    ),
    402: jsonContent(OrderOutcomeSchema, 'SUBMIT: the card was declined (`PAYMENT_FAILED`)'),
    409: {
      description:
        'BEGIN: out of stock (problem); SUBMIT: the order was cancelled or failed (`OrderOutcome` with `failureReason`); CANCEL: too late (problem)',
      content: {
        'application/json': { schema: OrderOutcomeSchema },
        'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
      },
    },
    410: jsonContent(OrderOutcomeSchema, 'SUBMIT: the reservation expired (`EXPIRED`)'),
    ...problemResponses(400, 401, 403, 404, 413, 415, 422, 503),
  },
});

function submitStatus(outcome: OrderOutcome): 200 | 402 | 409 | 410 {
  switch (outcome.status) {
    case 'PAYMENT_FAILED':
      return 402;
    case 'EXPIRED':
      return 410;
    case 'CANCELLED':
    case 'FAILED':
      return 409;
    default:
      return 200;
  }
}

/**
 * The outcome a closed order workflow ended with; undefined when it is still running (Temporal can answer
 * an Update "not found" then too: waiting for its result would wait for the whole order) or cannot be read.
 */
async function closedOutcome(
  handle: WorkflowHandle<typeof orderWorkflowV3>,
): Promise<OrderOutcome | undefined> {
  try {
    if ((await handle.describe()).status.name === 'RUNNING') return undefined;
    const { orderId, status, payment, failureReason } = await handle.result();
    if (!isTerminal(status)) return undefined;
    return {
      orderId,
      status: status as OrderStatus,
      ...(payment.declineReason ? { declineReason: payment.declineReason } : {}),
      ...(failureReason ? { failureReason } : {}),
    };
  } catch {
    return undefined;
  }
}

const orderNotFound = (orderId: string) => new ProblemError(problems.notFound(`No order ${orderId}`));

export function checkoutRoutes(deps: CheckoutDeps, metrics: ApiMetrics) {
  const app = newRouter();
  app.openAPIRegistry.register('BeginCheckoutRequest', BeginCheckoutRequestSchema);
  app.openAPIRegistry.register('OrderReference', OrderReferenceSchema);
  const handle = (orderId: string) =>
    deps.temporal.workflow.getHandle<typeof orderWorkflowV3>(orderWorkflowId(orderId));

  return app.openapi(checkout, async (c) => {
    const { op } = c.req.valid('query');
    const customerId = c.get('customerId');
    const idempotencyKey = c.req.valid('header')[IDEMPOTENCY_KEY_HEADER];

    if (op === 'BEGIN') {
      const body: z.infer<typeof BeginCheckoutRequestSchema> = await parseJsonBody(
        c,
        BeginCheckoutRequestSchema,
      );
      const queueTicket = c.req.valid('header')[QUEUE_TICKET_HEADER];
      const result = await beginCheckout(deps, { customerId, cart: body.cart, idempotencyKey, queueTicket });
      metrics.orderOutcomes.inc({ op, outcome: result.ok ? 'RESERVED' : result.reason });
      if (result.ok) {
        const { orderId, paymentUrl, expiresAt } = result;
        return c.json({ orderId, paymentUrl, expiresAt }, 201);
      }
      if (result.reason === 'QUEUED') {
        const { ticket, position, eventsUrl } = result;
        return c.json({ ticket, position, eventsUrl }, 202);
      }
      if (result.reason === 'UNKNOWN_ITEMS') {
        const position = (itemId: string) => body.cart?.findIndex((l) => l.itemId === itemId) ?? -1;
        throw new ProblemError(
          problems.unknownItems(result.itemIds, (id) =>
            position(id) >= 0 ? `cart.${position(id)}.itemId` : 'cart',
          ),
        );
      }
      throw new ProblemError(problems.outOfStock(result.lines));
    }

    const { orderId } = await parseJsonBody(c, OrderReferenceSchema);
    const stored = await deps.orderStatusOf(customerId, orderId);
    if (!stored) throw orderNotFound(orderId);
    const outcome = await updateOrRefusal(() =>
      op === 'SUBMIT'
        ? handle(orderId).executeUpdate(submitOrderUpdate)
        : handle(orderId).executeUpdate(cancelOrderUpdate, {
            args: [{ reason: 'requested by the customer' }],
          }),
    );
    if (isRefused(outcome)) {
      // A finished workflow (a decline closes the order before its SUBMIT arrives): answer from its
      // result, or from the order row once the workflow is past retention.
      if (op === 'SUBMIT' && outcome.type === WORKFLOW_CLOSED) {
        const final = (await closedOutcome(handle(orderId))) ?? {
          orderId,
          // Read again: the workflow may have closed the order after the first read.
          status: ((await deps.orderStatusOf(customerId, orderId)) ?? stored) as OrderOutcome['status'],
        };
        metrics.orderOutcomes.inc({ op, outcome: final.status });
        return c.json(final, submitStatus(final));
      }
      throw new ProblemError(
        problems.conflict(`Cannot ${op.toLowerCase()} order ${orderId}: ${outcome.reason}`),
      );
    }
    metrics.orderOutcomes.inc({ op, outcome: outcome.status });
    return c.json(outcome, op === 'SUBMIT' ? submitStatus(outcome) : 200);
  });
}
