/** Names of the order workflow's messages, shared by the workflow, the API and operators' CLI commands. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BeginCheckoutRequest, BeginCheckoutResult, OrderState } from './types.js';

export const ORDER_WORKFLOW_TYPE = 'orderWorkflow';
export const orderWorkflowId = (orderId: string): string => `order-${orderId}`;

export const beginCheckoutUpdate = defineUpdate<BeginCheckoutResult, [BeginCheckoutRequest]>('beginCheckout');
/** `temporal workflow signal --workflow-id order-… --name cancel` */
export const cancelSignal = defineSignal<[{ reason?: string }?]>('cancel');
export const orderStateQuery = defineQuery<OrderState>('orderState');
