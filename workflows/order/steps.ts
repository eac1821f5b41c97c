/**
 * How orderWorkflowV2 calls its steps. Short single-transaction steps run as local activities: one marker
 * in the workflow task that asked for them, instead of three events and a workflow task each. The
 * warehouse notification stays a regular activity: it runs on the warehouse's own worker.
 *
 * Gateway calls (authorize, capture, void, refund) are local activities too since the patch
 * GATEWAY_CALLS_LOCAL: each is one short idempotent call keyed by the order id, so a retry after a lost
 * worker (the workflow task runs again elsewhere) charges nothing twice, and the payment, confirmation,
 * capture and allocation run in one workflow task instead of three. Orders recorded before the patch keep
 * their regular gateway activities.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
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

const untilDone = { startToCloseTimeout: STEP_TIMEOUT, retry: STEP_RETRY };
/** Steps that move the order forward: bounded, so that a step no retry can fix fails the order instead. */
const bounded = { ...untilDone, scheduleToCloseTimeout: FORWARD_STEP_BOUND };
const boundedLocal = { ...untilDone, retry: { ...STEP_RETRY, maximumAttempts: FORWARD_STEP_MAX_ATTEMPTS } };

export const localSteps = proxyLocalActivities<
  CheckoutActivities & SuborderActivities & Pick<FulfillmentActivities, 'loadSplitInputs'>
>(boundedLocal);

/** Compensations, and the steps after a shipment: these must happen, however long it takes. */
export const untilDoneSteps = proxyLocalActivities<
  Pick<CheckoutActivities, 'closeOrder' | 'releaseOrderLines'> &
    Pick<SuborderActivities, 'cancelSuborders' | 'advanceSuborder'>
>(untilDone);

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

/** Gateway calls as regular activities: orders recorded before GATEWAY_CALLS_LOCAL. */
export const regularPaymentSteps = proxyActivities<GatewaySteps>(untilDone);

/** Authorize and capture are bounded; void and refund give money back and run until done. */
const boundedGateway = proxyLocalActivities<GatewaySteps>(boundedLocal);
const untilDoneGateway = proxyLocalActivities<GatewaySteps>(untilDone);
export const localPaymentSteps: GatewaySteps = {
  authorizeCharge: (request) => boundedGateway.authorizeCharge(request),
  capturePayment: (request) => boundedGateway.capturePayment(request),
  voidPayment: (request) => untilDoneGateway.voidPayment(request),
  refundPayment: (request) => untilDoneGateway.refundPayment(request),
};

export const warehouseSteps = (taskQueue: string) =>
  proxyActivities<WarehouseActivities>({ ...bounded, taskQueue });
