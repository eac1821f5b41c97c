/**
 * Maps data-layer errors to what Temporal should do with them: business errors become non-retryable
 * ApplicationFailures with a type the workflow branches on. Database failures are classified by
 * SQLSTATE: a statement the server refuses for good (bad data, a broken constraint, a bad statement)
 * becomes a non-retryable `DatabaseRejected` failure; a shard down, a lost connection, a serialization
 * failure or a lock timeout a retryable `DatabaseUnavailable` one. Either way the failure carries only a
 * redacted description: the driver's error holds the statement's parameters (addresses, names, tokens),
 * and it is neither logged nor sent to Temporal. Anything else (a lost race after the repository's own
 * retries) is rethrown and retried with backoff.
 */
import { ApplicationFailure } from '@temporalio/activity';
import {
  classifyDbError,
  describeDbFailure,
  IdempotencyKeyConflictError,
  InvalidTransitionError,
  NotFoundError,
  OutOfStockError,
} from '../db/errors.js';
import { FAILURE } from '../domain/failure-types.js';
import { PaymentStateError } from '../payment-gateway/authorization-state.js';

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
  return databaseFailure(error) ?? error;
}

function databaseFailure(error: unknown): ApplicationFailure | undefined {
  if (error instanceof ApplicationFailure) return undefined;
  const failure = classifyDbError(error);
  if (!failure) return undefined;
  const message = describeDbFailure(failure);
  const details = { code: failure.code ?? null, kind: failure.kind };
  return failure.kind === 'permanent'
    ? ApplicationFailure.nonRetryable(message, FAILURE.databaseRejected, details)
    : ApplicationFailure.retryable(message, FAILURE.databaseUnavailable, details);
}

/** Runs a repository call, translating its business errors for Temporal. */
export async function businessErrorsAsFailures<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toActivityFailure(error);
  }
}
