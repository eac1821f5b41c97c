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
  /** The database refused a statement for good (SQLSTATE class 22, 23, 42, …): retrying cannot help. */
  databaseRejected: 'DatabaseRejected',
  /** A database failure that may heal (shard down, connection lost, serialization, lock timeout). */
  databaseUnavailable: 'DatabaseUnavailable',
} as const;
