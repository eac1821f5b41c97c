/**
 * Warehouse events: POST /admin/suborders/:suborderId/ship and /deliver (operator role). The suborder id
 * carries its order id, so the event goes straight to the order workflow as an Update, without a lookup.
 */
import type { Client } from '@temporalio/client';
import { parseSuborderId } from '../../domain/suborder-id.js';
import {
  deliverSuborderUpdate,
  orderStateQuery,
  orderWorkflowId,
  shipSuborderUpdate,
} from '../../workflows/definitions.js';
import { REFUSAL } from '../../workflows/refusals.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import { SuborderParamsSchema } from '../schemas/admin.js';
import { jsonContent } from '../schemas/common.js';
import { SuborderSchema } from '../schemas/orders.js';
import {
  isRefused,
  LEGACY_REFUSAL,
  type Refused,
  updateOrRefusal,
  WORKFLOW_CLOSED,
} from '../workflow-calls.js';
import { bearerRoute } from './bearer-route.js';

const UNKNOWN_SUBORDER_RETRIES = 10;
const UNKNOWN_SUBORDER_RETRY_MS = 300;

const ACTIONS = [
  { action: 'ship', update: shipSuborderUpdate, summary: 'A warehouse shipped a suborder' },
  { action: 'deliver', update: deliverSuborderUpdate, summary: 'A shipped suborder was delivered' },
] as const;

function eventRoute(action: string, summary: string) {
  return bearerRoute('Operators', 'post', `/admin/suborders/{suborderId}/${action}`, {
    summary,
    description:
      '409 when the suborder or its order does not allow the event (already shipped or cancelled, not shipped yet, the order being cancelled); 404 when the order has no such suborder or has ended (an order that has not heard of its suborders yet is given a few seconds first).',
    request: { params: SuborderParamsSchema },
    responses: { 200: jsonContent(SuborderSchema, 'The suborder after the event') },
    problems: [401, 403, 404, 409, 503],
  });
}

export function adminSuborderRoutes(temporal: Client) {
  const app = newRouter();
  for (const { action, update, summary } of ACTIONS) {
    app.openapi(eventRoute(action, summary), async (c) => {
      const { suborderId } = c.req.valid('param');
      const { orderId } = parseSuborderId(suborderId)!;
      const handle = temporal.workflow.getHandle(orderWorkflowId(orderId));
      const send = () => updateOrRefusal(() => handle.executeUpdate(update, { args: [{ suborderId }] }));
      /**
       * Whether a refusal means the order does not know the suborder (yet). V2 says so by its type; a
       * legacy order refuses with a generic type, so its state is asked instead.
       */
      const unknownSuborder = async (refused: Refused): Promise<boolean> => {
        if (refused.type !== LEGACY_REFUSAL) return refused.type === REFUSAL.unknownSuborder;
        const state = await handle.query(orderStateQuery).catch(() => undefined);
        return state !== undefined && !state.suborders.some((s) => s.suborderId === suborderId);
      };
      let result = await send();
      // The order can learn its suborders a moment after they are recorded: a legacy order hears of them
      // from its fulfillment child, and a V2 order whose worker crashed replays the task that learns
      // them. Give it that moment.
      for (let attempt = 0; attempt < UNKNOWN_SUBORDER_RETRIES; attempt++) {
        if (!isRefused(result) || !(await unknownSuborder(result))) break;
        await new Promise((resolve) => setTimeout(resolve, UNKNOWN_SUBORDER_RETRY_MS));
        result = await send();
      }
      if (isRefused(result)) {
        if (result.type === WORKFLOW_CLOSED || (await unknownSuborder(result))) {
          throw new ProblemError(problems.notFound(`No suborder ${suborderId}`));
        }
        throw new ProblemError(
          problems.conflict(`Cannot ${action} suborder ${suborderId}: ${result.reason}`),
        );
      }
      return c.json(result, 200);
    });
  }
  return app;
}
