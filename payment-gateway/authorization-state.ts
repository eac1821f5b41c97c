/**
 * What the ledger says about one authorization: how much it holds, what was captured, refunded or voided.
 * The simulator checks capture, void and refund against it before recording them.
 */
import type { PaymentEntry } from '../db/repositories/payment-ledger-repository.js';

/**
 * A capture, void or refund the authorization does not allow (unknown or declined authorization, more
 * than authorized or captured, a void after a capture). The workflow never asks for one: it is a
 * programming error, not an outage, so retrying cannot help. It is a plain Error on purpose, not a
 * PaymentGatewayUnavailableError; an activity should fail it non-retryably (its name is stable for a
 * retry policy's nonRetryableErrorTypes).
 */
export class PaymentStateError extends Error {
  override readonly name = 'PaymentStateError';
}

export interface AuthorizationState {
  authorizedCents: number;
  capturedCents: number;
  captures: number;
  refundedCents: number;
  voided: boolean;
}

/** The state of `authorizationId` among an order's ledger rows; throws PaymentStateError without one. */
export function authorizationState(
  entries: readonly PaymentEntry[],
  orderId: string,
  authorizationId: string,
): AuthorizationState {
  const succeeded = entries.filter((e) => e.outcome === 'SUCCEEDED' && e.orderId === orderId);
  const authorization = succeeded.find(
    (e) => e.operation === 'AUTHORIZE' && e.gatewayReference === authorizationId,
  );
  if (!authorization) {
    throw new PaymentStateError(`order ${orderId} has no successful authorization ${authorizationId}`);
  }
  // The ledger has no column linking a capture to its authorization, so they are counted per order; the
  // platform authorizes an order once (its key is the order id), so per order is per authorization.
  const against = succeeded.filter((e) => e.operation !== 'AUTHORIZE');
  const sum = (operation: PaymentEntry['operation']) =>
    against.filter((e) => e.operation === operation).reduce((total, e) => total + e.amountCents, 0);
  return {
    authorizedCents: authorization.amountCents,
    capturedCents: sum('CAPTURE'),
    captures: against.filter((e) => e.operation === 'CAPTURE').length,
    refundedCents: sum('REFUND'),
    voided: against.some((e) => e.operation === 'VOID'),
  };
}
