/**
 * POST /checkout/:orderId/payment (the payment URL BEGIN hands out): the API tokenizes the card and gives
 * the order workflow only the token and the shipping address. 202: accepted; SUBMIT answers the outcome.
 */
import type { Client } from '@temporalio/client';
import { orderWorkflowId, providePaymentUpdate } from '../../workflows/definitions.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import {
  type Card,
  OrderParamsSchema,
  PaymentAcceptedSchema,
  PaymentRequestSchema,
} from '../schemas/checkout.js';
import { jsonBody, jsonContent } from '../schemas/common.js';
import { isRefused, updateOrRefusal } from '../workflow-calls.js';
import { bearerRoute } from './bearer-route.js';

export interface PaymentDeps {
  temporal: Client;
  orderStatusOf(customerId: string, orderId: string): Promise<string | undefined>;
  /** Card → gateway token; an invalid card is a ProblemError naming the field. */
  tokenizeCard(customerId: string, card: Card): Promise<string>;
}

const providePayment = bearerRoute('Checkout', 'post', '/checkout/{orderId}/payment', {
  summary: 'Hand payment details and the shipping address to a reserved order',
  description:
    "Only the order's customer may use it (404 otherwise). 410 once the reservation expired; 409 when " +
    'the order no longer awaits payment. Then POST /checkout?op=SUBMIT for the outcome.',
  request: { params: OrderParamsSchema, body: jsonBody(PaymentRequestSchema) },
  responses: { 202: jsonContent(PaymentAcceptedSchema, 'Accepted: the order holds the payment token') },
  problems: [400, 401, 404, 409, 410, 413, 415, 503],
});

export function paymentRoutes(deps: PaymentDeps) {
  return newRouter().openapi(providePayment, async (c) => {
    const customerId = c.get('customerId');
    const { orderId } = c.req.valid('param');
    const body = c.req.valid('json');
    const status = await deps.orderStatusOf(customerId, orderId);
    if (!status) throw new ProblemError(problems.notFound(`No order ${orderId}`));
    if (status === 'EXPIRED') throw new ProblemError(problems.expired(`Order ${orderId} expired`));
    const paymentToken = await deps.tokenizeCard(customerId, body.paymentDetails);
    const shippingAddress = { ...body.shippingAddress, country: body.shippingAddress.country.toUpperCase() };
    const outcome = await updateOrRefusal(() =>
      deps.temporal.workflow
        .getHandle(orderWorkflowId(orderId))
        .executeUpdate(providePaymentUpdate, { args: [{ paymentToken, shippingAddress }] }),
    );
    if (isRefused(outcome)) {
      throw new ProblemError(
        problems.conflict(`Order ${orderId} does not accept payment details: ${outcome.reason}`),
      );
    }
    return c.json({ orderId, status: outcome.status }, 202);
  });
}
