/**
 * Every activity's error passes through `toActivityFailure` before the SDK logs it or reports it to
 * Temporal, also from steps that call a repository without `businessErrorsAsFailures`: no database
 * failure is retried forever when no retry can fix it, and none carries a statement's parameters.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { toActivityFailure } from '../activities/failures.js';

export const activityFailureInterceptor: ActivityInterceptorsFactory = () => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (error) {
        throw toActivityFailure(error);
      }
    },
  },
});
