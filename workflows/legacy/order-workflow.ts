/**
 * LEGACY (workflow type `orderWorkflow`): kept registered, unchanged, so orders started before
 * `orderWorkflowV2` (workflows/order/) carry on and their histories replay. New orders never start it.
 *
 * One workflow per order, its whole life: begin checkout (reserve all or nothing) →
 * reservation window → payment → fulfillment child (warehouse split, shipping) → delivered; or expiry,
 * decline or cancellation, each with its compensations.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  type ChildWorkflowHandle,
  condition,
  log,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { OrderActivities } from '../../activities/order-activities.js';
import type { PaymentActivities } from '../../activities/payment-activities.js';
import { FAILURE } from '../../domain/failure-types.js';
import type { ShortLine } from '../../domain/order-lines.js';
import type { OrderStatus } from '../../domain/order-status.js';
import {
  beginCheckoutUpdate,
  cancelOrderUpdate,
  cancelSignal,
  deliverSuborderUpdate,
  fulfillmentProgressSignal,
  fulfillmentWorkflowId,
  orderStateQuery,
  providePaymentUpdate,
  shipSuborderUpdate,
  submitOrderUpdate,
  suborderEventSignal,
} from '../definitions.js';
import { cancelRefusal, fulfillmentPath, isTerminal, statusFromSuborders } from '../order-rules.js';
import { STEP_RETRY, STEP_TIMEOUT } from '../retry-policies.js';
import { CUSTOMER_ID, ORDER_STATUS } from '../search-attributes.js';
import type {
  BeginCheckoutRequest,
  BeginCheckoutResult,
  OrderOutcome,
  OrderState,
  OrderWorkflowInput,
  PaymentDetails,
  SuborderState,
} from '../types.js';
import { fulfillmentWorkflow } from './fulfillment-workflow.js';

const orderSteps = proxyActivities<OrderActivities>({ startToCloseTimeout: STEP_TIMEOUT, retry: STEP_RETRY });
const paymentSteps = proxyActivities<PaymentActivities>({
  startToCloseTimeout: STEP_TIMEOUT,
  retry: STEP_RETRY,
});

/** The first detail an activity attached to its business failure, when it attached one. */
function failureDetail<T>(failure: ApplicationFailure): Partial<T> {
  return (failure.details?.[0] ?? {}) as Partial<T>;
}

function businessFailure(error: unknown, type: string): ApplicationFailure | undefined {
  if (
    error instanceof ActivityFailure &&
    error.cause instanceof ApplicationFailure &&
    error.cause.type === type
  ) {
    return error.cause;
  }
  return undefined;
}

export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderState> {
  const { orderId, customerId } = input;
  const state: OrderState = {
    orderId,
    customerId,
    status: 'NEW',
    lines: [],
    totalCents: 0,
    payment: { outcome: 'NONE', capturedCents: 0, refundedCents: 0 },
    suborders: [],
  };
  let beginResult: Promise<BeginCheckoutResult> | undefined;
  let paymentDetails: PaymentDetails | undefined;
  let cancelRequested = false;
  const shipRequested = new Set<string>();
  let fulfillment: ChildWorkflowHandle<typeof fulfillmentWorkflow> | undefined;
  let fulfillmentDone = false;

  const outcome = (): OrderOutcome => ({
    orderId,
    status: state.status as OrderStatus,
    ...(state.payment.declineReason ? { declineReason: state.payment.declineReason } : {}),
  });

  const publishStatus = (status: OrderState['status']): void => {
    state.status = status;
    upsertSearchAttributes([
      { key: ORDER_STATUS, value: status },
      { key: CUSTOMER_ID, value: customerId },
    ]);
  };

  /** Persists the status on the customer's shard, then shows it in the query and search attributes. */
  const moveTo = async (
    status: OrderStatus,
    extra: Pick<PaymentDetails, 'shippingAddress'> | object = {},
  ) => {
    await orderSteps.setOrderStatus({ orderId, customerId, status, ...extra });
    publishStatus(status);
  };

  const releaseAllLines = async (): Promise<void> => {
    await Promise.all(state.lines.map((line) => orderSteps.releaseLine({ orderId, itemId: line.itemId })));
  };

  // ---- begin checkout: price, reserve every line or none, record the order --------------------------
  const reserveAllOrNothing = async (expiresAt: string): Promise<ShortLine[]> => {
    const results = await Promise.allSettled(
      state.lines.map((line) =>
        orderSteps.reserveLine({ orderId, itemId: line.itemId, quantity: line.quantity, expiresAt }),
      ),
    );
    const short: ShortLine[] = [];
    for (const result of results) {
      if (result.status === 'fulfilled') continue;
      const failure = businessFailure(result.reason, FAILURE.outOfStock);
      if (!failure) throw result.reason;
      short.push(...(failureDetail<{ lines: ShortLine[] }>(failure).lines ?? []));
    }
    if (short.length > 0) await releaseAllLines();
    return short;
  };

  const beginCheckout = async (request: BeginCheckoutRequest): Promise<BeginCheckoutResult> => {
    const priced = await orderSteps.priceLines(request.lines);
    if (!priced.ok) {
      publishStatus('CHECKOUT_REFUSED');
      return { ok: false, reason: 'UNKNOWN_ITEMS', itemIds: priced.unknownItemIds };
    }
    state.lines = priced.lines;
    state.totalCents = priced.lines.reduce((sum, l) => sum + l.priceCents * l.quantity, 0);
    const expiresAt = new Date(Date.now() + input.reservationTtlSeconds * 1000).toISOString();
    const short = await reserveAllOrNothing(expiresAt);
    if (short.length > 0) {
      publishStatus('CHECKOUT_REFUSED');
      return { ok: false, reason: 'OUT_OF_STOCK', lines: short };
    }
    await orderSteps.openOrder({ orderId, customerId, lines: state.lines, expiresAt });
    state.expiresAt = expiresAt;
    publishStatus('RESERVED');
    return { ok: true, orderId, paymentUrl: `${input.publicBaseUrl}/checkout/${orderId}/payment`, expiresAt };
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
          throw new Error('a checkout needs at least one line');
        }
        const ids = request.lines.map((line: { itemId: string }) => line.itemId);
        if (new Set(ids).size !== ids.length) throw new Error('each item may appear on one line only');
      },
    },
  );

  // ---- payment details, submit, cancel -------------------------------------------------------------
  setHandler(
    providePaymentUpdate,
    (details) => {
      paymentDetails ??= details;
      return outcome();
    },
    {
      validator: (details) => {
        if (paymentDetails) {
          if (paymentDetails.paymentToken === details.paymentToken) return;
          throw new Error('payment details were already given for this order');
        }
        if (state.status !== 'RESERVED')
          throw new Error(`the order is ${state.status}, not awaiting payment`);
        if (cancelRequested) throw new Error('the order is being cancelled');
      },
    },
  );

  setHandler(
    submitOrderUpdate,
    async () => {
      await condition(() => state.status !== 'RESERVED' && state.status !== 'PAYING');
      return outcome();
    },
    {
      validator: () => {
        if (state.status === 'NEW' || state.status === 'CHECKOUT_REFUSED')
          throw new Error('no checkout to submit');
        if (state.status === 'RESERVED' && !paymentDetails && !cancelRequested) {
          throw new Error('payment details are missing: send them to the payment URL first');
        }
      },
    },
  );

  /**
   * Forwards an event to the fulfillment child while it runs. Once it has finished there is nobody to
   * tell (a repeated cancel during the refund, say), and a signal to a closed workflow fails.
   */
  const tellFulfillment = async (event: { kind: 'SHIP' | 'DELIVER' | 'CANCEL'; suborderId?: string }) => {
    if (!fulfillment || fulfillmentDone) return;
    await fulfillment.signal(suborderEventSignal, event).catch((error) => {
      log.warn('fulfillment did not take the event', { orderId, kind: event.kind, error: String(error) });
    });
  };

  const requestCancel = (): void => {
    cancelRequested = true;
    void tellFulfillment({ kind: 'CANCEL' });
  };

  setHandler(cancelSignal, (request) => {
    const refusal = cancelRefusal(state, shipRequested);
    if (refusal) {
      log.warn('cancel signal ignored', { orderId, refusal });
      return;
    }
    state.cancelReason = request?.reason ?? 'requested';
    requestCancel();
  });

  setHandler(
    cancelOrderUpdate,
    async (request) => {
      state.cancelReason = request?.reason ?? 'requested';
      requestCancel();
      await condition(() => isTerminal(state.status));
      return outcome();
    },
    {
      validator: (_request) => {
        const refusal = cancelRefusal(state, shipRequested);
        if (refusal) throw new Error(`cannot cancel: ${refusal}`);
      },
    },
  );

  // ---- warehouse events, forwarded to the fulfillment child ------------------------------------------
  const suborder = (suborderId: string): SuborderState | undefined =>
    state.suborders.find((s) => s.suborderId === suborderId);

  setHandler(
    shipSuborderUpdate,
    async ({ suborderId }) => {
      shipRequested.add(suborderId);
      await tellFulfillment({ kind: 'SHIP', suborderId });
      await condition(() => suborder(suborderId)?.status !== 'ALLOCATED');
      return suborder(suborderId)!;
    },
    {
      validator: ({ suborderId }) => {
        const target = suborder(suborderId);
        if (!target || !fulfillment) throw new Error(`no suborder ${suborderId} in this order`);
        if (cancelRequested || isTerminal(state.status)) throw new Error(`the order is ${state.status}`);
        if (fulfillmentDone) throw new Error('fulfillment of this order has ended');
        if (target.status !== 'ALLOCATED' || shipRequested.has(suborderId)) {
          throw new Error(
            `suborder ${suborderId} is already ${target.status === 'ALLOCATED' ? 'shipping' : target.status}`,
          );
        }
      },
    },
  );

  setHandler(
    deliverSuborderUpdate,
    async ({ suborderId }) => {
      await tellFulfillment({ kind: 'DELIVER', suborderId });
      await condition(() => suborder(suborderId)?.status === 'DELIVERED');
      return suborder(suborderId)!;
    },
    {
      validator: ({ suborderId }) => {
        const target = suborder(suborderId);
        if (!target || !fulfillment) throw new Error(`no suborder ${suborderId} in this order`);
        if (fulfillmentDone) throw new Error('fulfillment of this order has ended');
        if (target.status !== 'SHIPPED')
          throw new Error(`suborder ${suborderId} is ${target.status}, not SHIPPED`);
      },
    },
  );

  setHandler(fulfillmentProgressSignal, ({ suborders }) => {
    state.suborders = suborders;
  });
  setHandler(orderStateQuery, () => state);

  // ---- the order's life -----------------------------------------------------------------------------
  await condition(() => beginResult !== undefined);
  const begun = await beginResult!;
  if (!begun.ok) return state;

  const answered = await condition(
    () => paymentDetails !== undefined || cancelRequested,
    input.reservationTtlSeconds * 1000,
  );
  if (!answered || !paymentDetails) {
    await releaseAllLines();
    await moveTo(answered ? 'CANCELLED' : 'EXPIRED');
    return state;
  }

  await moveTo('PAYING', { shippingAddress: paymentDetails.shippingAddress });
  state.shippingCountry = paymentDetails.shippingAddress.country;
  let authorizationId: string;
  try {
    ({ authorizationId } = await paymentSteps.authorizePayment({
      orderId,
      customerId,
      amountCents: state.totalCents,
      paymentToken: paymentDetails.paymentToken,
    }));
  } catch (error) {
    const declined = businessFailure(error, FAILURE.paymentDeclined);
    if (!declined) throw error;
    state.payment = {
      ...state.payment,
      outcome: 'DECLINED',
      declineReason: failureDetail<{ reason: string }>(declined).reason ?? 'declined',
    };
    await releaseAllLines();
    await moveTo('PAYMENT_FAILED');
    return state;
  }
  state.payment = { ...state.payment, outcome: 'AUTHORIZED', authorizationId };

  if (cancelRequested) {
    await paymentSteps.voidPayment({ orderId, customerId, authorizationId });
    state.payment = { ...state.payment, outcome: 'VOIDED' };
    await releaseAllLines();
    await moveTo('CANCELLED');
    return state;
  }

  await moveTo('PENDING');
  await Promise.all(state.lines.map((line) => orderSteps.commitLine({ orderId, itemId: line.itemId })));
  await paymentSteps.capturePayment({ orderId, customerId, authorizationId, amountCents: state.totalCents });
  state.payment = { ...state.payment, outcome: 'CAPTURED', capturedCents: state.totalCents };

  const refundAndRestock = async (): Promise<void> => {
    await paymentSteps.refundPayment({ orderId, customerId, authorizationId, amountCents: state.totalCents });
    state.payment = { ...state.payment, outcome: 'REFUNDED', refundedCents: state.totalCents };
    await releaseAllLines();
    await moveTo('CANCELLED');
  };

  if (cancelRequested) {
    await refundAndRestock();
    return state;
  }

  fulfillment = await startChild(fulfillmentWorkflow, {
    workflowId: fulfillmentWorkflowId(orderId),
    args: [
      {
        orderId,
        customerId,
        lines: state.lines.map(({ itemId, quantity }) => ({ itemId, quantity })),
        destination: paymentDetails.shippingAddress,
        warehouseTaskQueue: input.warehouseTaskQueue,
      },
    ],
  });
  if (cancelRequested) await tellFulfillment({ kind: 'CANCEL' });

  // Persist each status the suborders' progress implies, in lifecycle order, until the child is done.
  const result = fulfillment.result().finally(() => {
    fulfillmentDone = true;
  });
  let persisted: string = 'PENDING';
  for (;;) {
    await condition(() => fulfillmentDone || statusFromSuborders(state.suborders) !== persisted);
    const target = statusFromSuborders(state.suborders);
    for (const status of fulfillmentPath(persisted, target)) {
      await moveTo(status as OrderStatus);
      persisted = status;
    }
    if (fulfillmentDone) break;
  }
  const { outcome: fulfilled } = await result;
  if (fulfilled === 'CANCELLED') await refundAndRestock();
  return state;
}
