import type { RetryPolicy } from '@temporalio/common';

/**
 * Database and gateway outages are retried with backoff capped at 10 s, for as long as the step's
 * schedule-to-close allows; business failures are thrown as non-retryable ApplicationFailures.
 */
export const STEP_RETRY: RetryPolicy = {
  initialInterval: '200 milliseconds',
  backoffCoefficient: 2,
  maximumInterval: '10 seconds',
};
