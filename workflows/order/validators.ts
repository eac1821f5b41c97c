/**
 * The update validators of the order workflow (V3 and V2): what a message may ask in which state. A refusal is an
 * ApplicationFailure whose type the API branches on; nothing is recorded in the history. Also what a
 * begin answer echoes of its request.
 */

import { workflowInfo } from '@temporalio/workflow';
import { BEGIN_FINGERPRINT_MEMO } from '../definitions.js';
import { cancelRefusal, isTerminal } from '../order-rules.js';
import { REFUSAL, refusal } from '../refusals.js';
import type {
  BeginCheckoutRequest,
  OrderState,
  PaymentDetails,
  SuborderEvent,
  SuborderState,
} from '../types.js';
import type { Fulfillment } from './fulfillment.js';

/** What the validators read of the order, at the moment a message arrives. */
export interface OrderMessages {
  readonly state: OrderState;
  readonly payment: PaymentDetails | undefined;
  readonly cancelRequested: boolean;
  readonly fulfillment: Pick<Fulfillment, 'suborder' | 'shipRequested'>;
}

export function validateBegin(request: BeginCheckoutRequest): void {
  if (!Array.isArray(request?.lines) || request.lines.length === 0) {
    throw refusal(REFUSAL.invalidCheckout, 'a checkout needs at least one line');
  }
  const ids = request.lines.map((line) => line.itemId);
  if (new Set(ids).size !== ids.length) {
    throw refusal(REFUSAL.invalidCheckout, 'each item may appear on one line only');
  }
}

export function refusePayment(order: OrderMessages, details: PaymentDetails): void {
  if (order.payment) {
    if (order.payment.paymentToken === details.paymentToken) return;
    throw refusal(REFUSAL.paymentAlreadyGiven, 'payment details were already given for this order');
  }
  if (order.state.status !== 'RESERVED') {
    throw refusal(REFUSAL.notAwaitingPayment, `the order is ${order.state.status}, not awaiting payment`);
  }
  if (order.cancelRequested) throw refusal(REFUSAL.notAwaitingPayment, 'the order is being cancelled');
}

export function refuseCancel(order: OrderMessages): void {
  const reason = cancelRefusal(order.state, order.fulfillment.shipRequested);
  if (reason) throw refusal(REFUSAL.cancelRefused, `cannot cancel: ${reason}`);
}

export function refuseSubmit(order: OrderMessages): void {
  const { status } = order.state;
  if (status === 'NEW' || status === 'CHECKOUT_REFUSED') {
    throw refusal(REFUSAL.nothingToSubmit, 'no checkout to submit');
  }
  if (status === 'RESERVED' && !order.payment && !order.cancelRequested) {
    throw refusal(REFUSAL.paymentMissing, 'payment details are missing: send them to the payment URL first');
  }
}

function knownSuborder(order: OrderMessages, suborderId: string): SuborderState {
  const target = order.fulfillment.suborder(suborderId);
  if (!target) throw refusal(REFUSAL.unknownSuborder, `no suborder ${suborderId} in this order`);
  return target;
}

export function refuseShip(order: OrderMessages, { suborderId }: SuborderEvent): void {
  const target = knownSuborder(order, suborderId);
  if (order.cancelRequested || isTerminal(order.state.status)) {
    throw refusal(
      REFUSAL.suborderConflict,
      `the order is ${order.cancelRequested ? 'being cancelled' : order.state.status}`,
    );
  }
  if (target.status !== 'ALLOCATED' || order.fulfillment.shipRequested.has(suborderId)) {
    const status = target.status === 'ALLOCATED' ? 'shipping' : target.status;
    throw refusal(REFUSAL.suborderConflict, `suborder ${suborderId} is already ${status}`);
  }
}

export function refuseDeliver(order: OrderMessages, { suborderId }: SuborderEvent): void {
  const target = knownSuborder(order, suborderId);
  if (target.status !== 'SHIPPED') {
    throw refusal(REFUSAL.suborderConflict, `suborder ${suborderId} is ${target.status}, not SHIPPED`);
  }
}

/** The keyed BEGIN's fingerprint from the memo, echoed in the begin answer (nothing for an unkeyed one). */
export function requestFingerprint(): { requestFingerprint?: string } {
  const fingerprint = workflowInfo().memo?.[BEGIN_FINGERPRINT_MEMO];
  return typeof fingerprint === 'string' ? { requestFingerprint: fingerprint } : {};
}
