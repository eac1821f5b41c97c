/**
 * How the order workflow (orderWorkflowV3, and V2 before it) calls its steps. Short single-transaction steps run as local activities: one marker
 * in the workflow task that asked for them, instead of three events and a workflow task each. The
 * warehouse notification stays a regular activity: it runs on the warehouse's own worker.
 *
 * Gateway calls (authorize, capture, void, refund) are local activities too since the patch
 * GATEWAY_CALLS_LOCAL: each is one short idempotent call keyed by the order id, so a retry after a lost
 * worker (the workflow task runs again elsewhere) charges nothing twice, and the payment, confirmation,
 * capture and allocation run in one workflow task instead of three. Orders recorded before the patch keep
 * their regular gateway activities.
 */
import { condition, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CheckoutActivities } from '../../activities/checkout-activities.js';
import type { FulfillmentActivities } from '../../activities/fulfillment-activities.js';
import type { PaymentActivities } from '../../activities/payment-activities.js';
import type { SuborderActivities } from '../../activities/suborder-activities.js';
import type { WarehouseActivities } from '../../activities/warehouse-activities.js';
import {
  FORWARD_STEP_BOUND,
  FORWARD_STEP_MAX_ATTEMPTS,
  STEP_RETRY,
  STEP_TIMEOUT,
} from '../retry-policies.js';
import { takes } from './patches.js';

const untilDone = { startToCloseTimeout: STEP_TIMEOUT, retry: STEP_RETRY };
/** Steps that move the order forward: bounded, so that a step no retry can fix fails the order instead. */
const bounded = { ...untilDone, scheduleToCloseTimeout: FORWARD_STEP_BOUND };
const boundedLocal = { ...untilDone, retry: { ...STEP_RETRY, maximumAttempts: FORWARD_STEP_MAX_ATTEMPTS } };

/**
 * The patch after which the order lets its message handlers answer before it acts on a local step's
 * result. A local step that outlives its workflow task (retried through a database failover) keeps the
 * task alive by taking a new one, which may bring an update; live, the update is answered first and the
 * step ends later in the same task. Replay hands the workflow both at once, and without this pause the
 * order would issue its next step ahead of the update's answer: a history its own code cannot replay.
 */
export const HANDLERS_ANSWER_FIRST = 'handlers-answer-first';

/** Waits one round of condition checks: every handler whose wait is over has answered by then. */
async function letHandlersAnswer(): Promise<void> {
  if (takes(HANDLERS_ANSWER_FIRST)) await condition(() => true);
}

/** The same local steps, each followed by a pause for handlers, whether it succeeded or failed. */
function answeringFirst<Steps extends object>(steps: Steps): Steps {
  return new Proxy(steps, {
    get(target, name) {
      const step = Reflect.get(target, name) as (...args: unknown[]) => Promise<unknown>;
      return async (...args: unknown[]) => {
        try {
          return await step(...args);
        } finally {
          await letHandlersAnswer();
        }
      };
    },
  });
}

export const localSteps = answeringFirst(
  proxyLocalActivities<
    CheckoutActivities & SuborderActivities & Pick<FulfillmentActivities, 'loadSplitInputs'>
  >(boundedLocal),
);

/** Compensations, and the steps after a shipment: these must happen, however long it takes. */
export const untilDoneSteps = answeringFirst(
  proxyLocalActivities<
    Pick<CheckoutActivities, 'closeOrder' | 'closeUnpaidOrder' | 'releaseOrderLines'> &
      Pick<SuborderActivities, 'cancelSuborders' | 'advanceSuborder'> &
      Pick<PaymentActivities, 'returnHeldPayment'>
  >(untilDone),
);

type GatewaySteps = Pick<
  PaymentActivities,
  'authorizeCharge' | 'capturePayment' | 'voidPayment' | 'refundPayment'
>;

/** The patch that made gateway calls local activities. */
export const GATEWAY_CALLS_LOCAL = 'gateway-calls-local';

/** The patch after which a step that fails for good fails the order (FAILED, everything given back). */
export const FAILED_ORDERS = 'failed-orders';

/** The patch after which a cancel that skips the split releases any allocation a lost attempt made. */
export const LOST_ALLOCATIONS_RELEASED = 'lost-allocations-released';

/** The patch after which an unpaid order's close first gives back what a lost task that took its payment did. */
export const LOST_PAYMENT_UNDONE = 'lost-payment-undone';

/**
 * The patch after which a void the gateway refuses because the payment is captured is followed by a refund
 * when the void ran as a local step (its refusal arrives unwrapped; as a regular activity it always was).
 */
export const VOID_REFUSALS_REFUNDED = 'void-refusals-refunded';

/** Gateway calls as regular activities: orders recorded before GATEWAY_CALLS_LOCAL. */
export const regularPaymentSteps = proxyActivities<GatewaySteps>(untilDone);

/** Authorize and capture are bounded; void and refund give money back and run until done. */
const boundedGateway = answeringFirst(proxyLocalActivities<GatewaySteps>(boundedLocal));
const untilDoneGateway = answeringFirst(proxyLocalActivities<GatewaySteps>(untilDone));
export const localPaymentSteps: GatewaySteps = {
  authorizeCharge: (request) => boundedGateway.authorizeCharge(request),
  capturePayment: (request) => boundedGateway.capturePayment(request),
  voidPayment: (request) => untilDoneGateway.voidPayment(request),
  refundPayment: (request) => untilDoneGateway.refundPayment(request),
};

export const warehouseSteps = (taskQueue: string) =>
  proxyActivities<WarehouseActivities>({ ...bounded, taskQueue });
