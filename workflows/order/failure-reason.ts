import { ActivityFailure, type TemporalFailure, TimeoutFailure } from '@temporalio/workflow';
import { FORWARD_STEP_BOUND } from '../retry-policies.js';

/**
 * What an operator reads on a FAILED order: the step, and why it gave up. A regular activity's failure
 * names its step and wraps the last error; a local activity's is the error itself. Activity errors carry
 * no personal data (the worker's interceptor redacts database errors).
 */
export function failureReason(error: TemporalFailure, runningStep: string): string {
  if (error instanceof ActivityFailure) {
    const last = error.cause?.message ?? error.message;
    const why =
      error.retryState === 'TIMEOUT' ? `kept failing for ${FORWARD_STEP_BOUND} (last error: ${last})` : last;
    return `${error.activityType} failed: ${why}`;
  }
  const why = error instanceof TimeoutFailure ? `kept failing for ${FORWARD_STEP_BOUND}` : error.message;
  return `${runningStep} failed: ${why}`;
}
