/**
 * Why an order workflow refuses a message: the `type` of the ApplicationFailure its update validators
 * throw. The API branches on these types (never on message text); the message is for people.
 */
import { ApplicationFailure } from '@temporalio/common';

export const REFUSAL = {
  /** beginCheckout without lines, or with an item on two lines. */
  invalidCheckout: 'InvalidCheckout',
  /** providePayment when the order no longer (or not yet) waits for payment details. */
  notAwaitingPayment: 'NotAwaitingPayment',
  /** providePayment with a different token after details were given. */
  paymentAlreadyGiven: 'PaymentAlreadyGiven',
  /** submitOrder before a checkout began, or after it was refused. */
  nothingToSubmit: 'NothingToSubmit',
  /** submitOrder before the payment details arrived. */
  paymentMissing: 'PaymentMissing',
  /** cancelOrder once anything shipped, or on a finished order. */
  cancelRefused: 'CancelRefused',
  /** shipSuborder or deliverSuborder for a suborder this order does not (yet) have. */
  unknownSuborder: 'UnknownSuborder',
  /** shipSuborder or deliverSuborder when the suborder or the order is not in a state that allows it. */
  suborderConflict: 'SuborderConflict',
} as const;

export type RefusalType = (typeof REFUSAL)[keyof typeof REFUSAL];

export function refusal(type: RefusalType, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}
