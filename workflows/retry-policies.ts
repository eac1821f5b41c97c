import type { RetryPolicy } from '@temporalio/common';

/**
 * Database and gateway outages are retried with backoff capped at 10 s; business failures are thrown as
 * non-retryable ApplicationFailures.
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

/**
 * How long a step that moves an order forward may keep retrying before the order gives up: the order is
 * then FAILED, its stock given back and its payment voided or refunded. Longer than any restart of a
 * shard, a worker or the Temporal server; compensations themselves retry until they are done.
 */
export const FORWARD_STEP_BOUND = '5 minutes';

/**
 * The same bound for local activities, counted in attempts (backoff 0.2 s doubling to 10 s: 36 attempts
 * take about 5 minutes). A schedule-to-close timeout on a local activity is tracked by the worker's own
 * timer across workflow-task retries; under a Temporal server restart the chaos suite saw steps fail with
 * it long before their bound, so local steps count attempts instead.
 */
export const FORWARD_STEP_MAX_ATTEMPTS = 36;
