/**
 * POST /admin/orders/:orderId/cancel {reason}: an operator cancels an order that has not shipped. The
 * order workflow's cancel Update carries the reason, and the order row records it (`cancelReason`) when it
 * closes, together with the operator who asked.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { cancelOrderUpdate, orderWorkflowId } from '../../workflows/definitions.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import { OperatorCancelRequestSchema } from '../schemas/admin.js';
import { OrderOutcomeSchema, OrderParamsSchema } from '../schemas/checkout.js';
import { jsonBody, jsonContent } from '../schemas/common.js';
import { isRefused, updateOrRefusal, WORKFLOW_CLOSED } from '../workflow-calls.js';
import { bearerRoute } from './bearer-route.js';

const cancelOrder = bearerRoute('Operators', 'post', '/admin/orders/{orderId}/cancel', {
  summary: 'Cancel an unshipped order, with the reason',
  description:
    'Waits for the compensations and answers `CANCELLED`; the order then shows `cancelReason` ' +
    '(`by operator <id>: <reason>`). 409 once anything has shipped or the order has ended; 404 for no such order.',
  request: { params: OrderParamsSchema, body: jsonBody(OperatorCancelRequestSchema) },
  responses: { 200: jsonContent(OrderOutcomeSchema, 'The order, cancelled') },
  problems: [400, 401, 403, 404, 409, 413, 415, 503],
});

export function adminOrderCancelRoutes(temporal: Client) {
  return newRouter().openapi(cancelOrder, async (c) => {
    const { orderId } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const handle = temporal.workflow.getHandle(orderWorkflowId(orderId));
    const outcome = await updateOrRefusal(() =>
      handle.executeUpdate(cancelOrderUpdate, {
        args: [{ reason: `by operator ${c.get('customerId')}: ${reason}` }],
      }),
    );
    if (!isRefused(outcome)) return c.json(outcome, 200);
    if (outcome.type === WORKFLOW_CLOSED && !(await workflowExists(() => handle.describe()))) {
      throw new ProblemError(problems.notFound(`No order ${orderId}`));
    }
    throw new ProblemError(problems.conflict(`Cannot cancel order ${orderId}: ${outcome.reason}`));
  });
}

async function workflowExists(describe: () => Promise<unknown>): Promise<boolean> {
  try {
    await describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
