import {
  ApplicationFailure,
  condition,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OrderActivities } from '../activities/order-activities.js';
import { beginCheckoutUpdate, cancelSignal, orderStateQuery } from './definitions.js';
import { STEP_RETRY } from './retry-policies.js';
import { CUSTOMER_ID, ORDER_STATUS } from './search-attributes.js';
import type {
  BeginCheckoutRequest,
  BeginCheckoutResult,
  OrderState,
  OrderStatus,
  OrderWorkflowInput,
} from './types.js';

const activities = proxyActivities<OrderActivities>({
  startToCloseTimeout: '30 seconds',
  retry: STEP_RETRY,
});

export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderState> {
  const state: OrderState = {
    orderId: input.orderId,
    customerId: input.customerId,
    status: 'NEW',
    lines: [],
    totalCents: 0,
  };
  let beginResult: Promise<BeginCheckoutResult> | undefined;
  let cancelRequested = false;

  const setStatus = (status: OrderStatus): void => {
    state.status = status;
    upsertSearchAttributes([
      { key: ORDER_STATUS, value: status },
      { key: CUSTOMER_ID, value: input.customerId },
    ]);
  };

  const beginCheckout = async (request: BeginCheckoutRequest): Promise<BeginCheckoutResult> => {
    const priced = await activities.priceLines(request.lines);
    if (!priced.ok) return { ok: false, reason: 'UNKNOWN_ITEMS', itemIds: priced.unknownItemIds };
    const expiresAt = new Date(Date.now() + input.reservationTtlSeconds * 1000).toISOString();
    await activities.openOrder({
      orderId: input.orderId,
      customerId: input.customerId,
      lines: priced.lines,
      expiresAt,
    });
    state.lines = priced.lines;
    state.totalCents = priced.lines.reduce((sum, l) => sum + l.priceCents * l.quantity, 0);
    state.expiresAt = expiresAt;
    setStatus('RESERVED');
    return {
      ok: true,
      orderId: input.orderId,
      paymentUrl: `${input.publicBaseUrl}/checkout/${input.orderId}/payment`,
      expiresAt,
    };
  };

  setHandler(
    beginCheckoutUpdate,
    (request) => {
      // A repeated begin (client retry, duplicate request) gets the first answer.
      beginResult ??= beginCheckout(request);
      return beginResult;
    },
    {
      validator: (request) => {
        if (!Array.isArray(request?.lines) || request.lines.length === 0) {
          throw ApplicationFailure.nonRetryable('a checkout needs at least one line', 'InvalidCheckout');
        }
      },
    },
  );
  setHandler(cancelSignal, () => {
    cancelRequested = true;
  });
  setHandler(orderStateQuery, () => state);

  await condition(() => beginResult !== undefined);
  const begun = await beginResult!;
  if (!begun.ok) {
    log.info('checkout refused', { orderId: input.orderId, reason: begun.reason });
    return state;
  }

  const cancelledInTime = await condition(() => cancelRequested, input.reservationTtlSeconds * 1000);
  const finalStatus: OrderStatus = cancelledInTime ? 'CANCELLED' : 'EXPIRED';
  await activities.closeOrder({ orderId: input.orderId, customerId: input.customerId, status: finalStatus });
  setStatus(finalStatus);
  log.info('order closed', {
    orderId: input.orderId,
    status: finalStatus,
    workflowId: workflowInfo().workflowId,
  });
  return state;
}
