/**
 * How orderWorkflowV2 calls its steps. Short single-transaction steps run as local activities: one marker
 * in the workflow task that asked for them, instead of three events and a workflow task each. Steps that
 * call outside the platform (the payment gateway, the warehouses) stay regular activities, so they can
 * be retried on another worker and never hold a workflow task open.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CheckoutActivities } from '../../activities/checkout-activities.js';
import type { FulfillmentActivities } from '../../activities/fulfillment-activities.js';
import type { PaymentActivities } from '../../activities/payment-activities.js';
import type { SuborderActivities } from '../../activities/suborder-activities.js';
import type { WarehouseActivities } from '../../activities/warehouse-activities.js';
import { STEP_RETRY, STEP_TIMEOUT } from '../retry-policies.js';

const options = { startToCloseTimeout: STEP_TIMEOUT, retry: STEP_RETRY };

export const localSteps = proxyLocalActivities<
  CheckoutActivities & SuborderActivities & Pick<FulfillmentActivities, 'loadSplitInputs'>
>(options);

export const paymentSteps =
  proxyActivities<
    Pick<PaymentActivities, 'authorizeCharge' | 'capturePayment' | 'voidPayment' | 'refundPayment'>
  >(options);

export const warehouseSteps = (taskQueue: string) =>
  proxyActivities<WarehouseActivities>({ ...options, taskQueue });
