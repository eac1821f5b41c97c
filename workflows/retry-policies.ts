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

/**
 * Every step is one short transaction or gateway call (well under a second). A step whose worker died
 * is retried elsewhere only after this timeout, so it is kept short rather than generous.
 */
export const STEP_TIMEOUT = '10 seconds';
