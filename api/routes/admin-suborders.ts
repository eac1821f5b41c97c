/**
 * Warehouse events: POST /admin/suborders/:suborderId/ship and /deliver (operator role). The suborder id
 * carries its order id, so the event goes straight to the order workflow without a lookup.
 */
import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import { parseSuborderId } from '../../domain/suborder-id.js';
import { deliverSuborderUpdate, orderWorkflowId, shipSuborderUpdate } from '../../workflows/definitions.js';
import type { AuthVariables } from '../auth.js';
import { conflict, isRefused, notFound, updateOrRefusal } from '../workflow-calls.js';

export function adminSuborderRoutes(temporal: Client): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  for (const [action, update] of [
    ['ship', shipSuborderUpdate],
    ['deliver', deliverSuborderUpdate],
  ] as const) {
    app.post(`/admin/suborders/:suborderId/${action}`, async (c) => {
      const suborderId = c.req.param('suborderId');
      const parsed = parseSuborderId(suborderId);
      if (!parsed || !/^ord_[0-9a-f]{32}$/.test(parsed.orderId)) throw notFound(`No suborder ${suborderId}`);
      const handle = temporal.workflow.getHandle(orderWorkflowId(parsed.orderId));
      const result = await updateOrRefusal(() => handle.executeUpdate(update, { args: [{ suborderId }] }));
      if (isRefused(result)) {
        if (/no suborder/.test(result.reason)) throw notFound(`No suborder ${suborderId}`);
        throw conflict(`Cannot ${action} suborder ${suborderId}: ${result.reason}`);
      }
      return c.json(result);
    });
  }
  return app;
}
