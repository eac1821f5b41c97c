/** Names of the workflows' messages, shared by the workflows, the API and operators' CLI commands. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  BeginCheckoutRequest,
  BeginCheckoutResult,
  OrderOutcome,
  OrderState,
  PaymentDetails,
  SuborderEvent,
  SuborderState,
} from './types.js';
import type { JoinAnswer, JoinRequest, RoomView, TicketStatus } from './waiting-room/types.js';

/** The type BEGIN starts. Orders of the older types below keep running on the same message names. */
export const ORDER_WORKFLOW_TYPE = 'orderWorkflowV3';
/** The same order code, asking its history about each patch (workflows/order/patches.ts). */
export const ORDER_WORKFLOW_V2_TYPE = 'orderWorkflowV2';
export const LEGACY_ORDER_WORKFLOW_TYPE = 'orderWorkflow';
export const orderWorkflowId = (orderId: string): string => `order-${orderId}`;
/**
 * Memo key of a keyed BEGIN's request fingerprint (set by the API when it starts the order). The begin
 * answer echoes it as `requestFingerprint`, so a repeat with another body is told apart without a lookup.
 */
export const BEGIN_FINGERPRINT_MEMO = 'beginRequestSha256';
export const fulfillmentWorkflowId = (orderId: string): string => `fulfillment-${orderId}`;

// Order workflow: the shopper's side.
export const beginCheckoutUpdate = defineUpdate<BeginCheckoutResult, [BeginCheckoutRequest]>('beginCheckout');
export const providePaymentUpdate = defineUpdate<OrderOutcome, [PaymentDetails]>('providePayment');
export const submitOrderUpdate = defineUpdate<OrderOutcome, []>('submitOrder');
/** `temporal workflow signal --workflow-id order-… --name cancel` */
export const cancelSignal = defineSignal<[{ reason?: string }?]>('cancel');
export const cancelOrderUpdate = defineUpdate<OrderOutcome, [{ reason?: string }]>('cancelOrder');
export const orderStateQuery = defineQuery<OrderState>('orderState');

// Order workflow: warehouse events (operators and warehouses), forwarded to the fulfillment child.
export const shipSuborderUpdate = defineUpdate<SuborderState, [SuborderEvent]>('shipSuborder');
export const deliverSuborderUpdate = defineUpdate<SuborderState, [SuborderEvent]>('deliverSuborder');

// Between the legacy order workflow and its fulfillment child.
export const suborderEventSignal =
  defineSignal<[{ kind: 'SHIP' | 'DELIVER' | 'CANCEL'; suborderId?: string }]>('suborderEvent');
export const fulfillmentProgressSignal =
  defineSignal<[{ suborders: SuborderState[] }]>('fulfillmentProgress');

// Waiting room of a hot item: one workflow per item, shoppers queue for admission to BEGIN.
export const WAITING_ROOM_WORKFLOW_TYPE = 'waitingRoomWorkflow';
export const waitingRoomWorkflowId = (itemId: string): string => `waiting-room-${itemId}`;
/**
 * Shoppers take tickets (or get theirs back), one answer per customer id in order; answered once the
 * tickets are in the workflow's history.
 */
export const joinQueueUpdate = defineUpdate<JoinAnswer[], [JoinRequest]>('joinQueue');
/** Shoppers one join Update may carry. */
export const MAX_JOINS = 1_000;
/** An operator marks the item hot again, possibly with another rate; answers the room as it stands. */
export const configureRoomUpdate = defineUpdate<RoomView, [{ admitPerSecond: number }]>('configureRoom');
/** An operator ends the waiting room: everyone waiting is told `ended`. */
export const endRoomUpdate = defineUpdate<RoomView, []>('endRoom');
export const roomViewQuery = defineQuery<RoomView>('roomView');
export const ticketStatusQuery = defineQuery<TicketStatus, [string]>('ticketStatus');
