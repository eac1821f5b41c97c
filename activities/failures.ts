/**
 * Maps data-layer errors to what Temporal should do with them: business errors become non-retryable
 * ApplicationFailures with a type the workflow branches on; everything else (a shard down, a lost race
 * after the repository's own retries, a serialization failure) is rethrown and retried with backoff.
 */
import { ApplicationFailure } from '@temporalio/activity';
import {
  IdempotencyKeyConflictError,
  InvalidTransitionError,
  NotFoundError,
  OutOfStockError,
} from '../db/errors.js';
import { FAILURE } from '../domain/failure-types.js';
import { PaymentStateError } from './payment/authorization-state.js';

export { FAILURE };

export function toActivityFailure(error: unknown): unknown {
  if (error instanceof OutOfStockError) {
    return ApplicationFailure.nonRetryable(error.message, FAILURE.outOfStock, { lines: error.lines });
  }
  if (error instanceof NotFoundError) return ApplicationFailure.nonRetryable(error.message, FAILURE.notFound);
  if (error instanceof InvalidTransitionError) {
    return ApplicationFailure.nonRetryable(error.message, FAILURE.invalidTransition);
  }
  if (error instanceof IdempotencyKeyConflictError) {
    return ApplicationFailure.nonRetryable(error.message, FAILURE.idempotencyConflict);
  }
  if (error instanceof PaymentStateError)
    return ApplicationFailure.nonRetryable(error.message, FAILURE.paymentState);
  return error;
}

/** Runs a repository call, translating its business errors for Temporal. */
export async function businessErrorsAsFailures<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toActivityFailure(error);
  }
}
