/**
 * Types of the non-retryable business failures activities raise and workflows branch on. Pure, so both
 * sides import the same names.
 */
export const FAILURE = {
  outOfStock: 'OutOfStock',
  notFound: 'NotFound',
  invalidTransition: 'InvalidTransition',
  idempotencyConflict: 'IdempotencyKeyConflict',
  paymentDeclined: 'PaymentDeclined',
  paymentState: 'PaymentStateError',
} as const;
