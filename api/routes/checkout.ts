/** POST /checkout?op=BEGIN: update-with-start of the order workflow; one round trip answers the result. */
import { randomUUID } from 'node:crypto';
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { Hono } from 'hono';
import { z } from 'zod';
import { beginCheckoutUpdate, ORDER_WORKFLOW_TYPE, orderWorkflowId } from '../../workflows/definitions.js';
import type { orderWorkflow } from '../../workflows/order-workflow.js';
import type { AuthVariables } from '../auth.js';
import { ProblemError, problems } from '../problem.js';
import { parseJsonBody } from '../validation.js';

export interface CheckoutDeps {
  temporal: Client;
  orderTaskQueue: string;
  reservationTtlSeconds: number;
  publicBaseUrl: string;
}

const MAX_LINES = 100;
const MAX_QUANTITY = 1_000;

const beginBody = z.object({
  cart: z
    .array(
      z.object({
        itemId: z.string().min(1).max(100),
        quantity: z.number().int().min(1).max(MAX_QUANTITY),
      }),
    )
    .min(1)
    .max(MAX_LINES),
});

const OPS = ['BEGIN'] as const;

export function newOrderId(): string {
  return `ord_${randomUUID().replaceAll('-', '')}`;
}

export function checkoutRoutes(deps: CheckoutDeps): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.post('/checkout', async (c) => {
    const op = c.req.query('op');
    if (op !== 'BEGIN') {
      throw new ProblemError(
        problems.validation(`Unknown op "${op ?? ''}"; expected one of ${OPS.join(', ')}`, [
          { field: 'op', message: `must be one of ${OPS.join(', ')}` },
        ]),
      );
    }
    const body = await parseJsonBody(c, beginBody);
    const customerId = c.get('customerId');
    const orderId = newOrderId();
    const result = await deps.temporal.workflow.executeUpdateWithStart(beginCheckoutUpdate, {
      args: [{ lines: body.cart }],
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
          },
        ],
      }),
    });
    if (!result.ok) throw new ProblemError(problems.unknownItems(result.itemIds));
    return c.json(
      { orderId: result.orderId, paymentUrl: result.paymentUrl, expiresAt: result.expiresAt },
      201,
    );
  });
  return app;
}
