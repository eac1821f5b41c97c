/**
 * Times every activity (local or not) by step and shard, and counts the business outcomes a step's
 * result tells: whether a checkout got its stock.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { FAILURE } from '../activities/failures.js';
import type { BeginOrderResult } from '../domain/step-results.js';
import type { PlatformMetrics } from '../observability/platform-metrics.js';
import { type ShardUseTracker, shardLabel } from '../observability/shard-use.js';

/** Steps that reserve stock, and how their answer reads as a reservation outcome. */
const RESERVING_STEPS: Record<
  string,
  (result: unknown, error: unknown) => 'reserved' | 'out_of_stock' | undefined
> = {
  beginOrder: (result) => {
    const begun = result as BeginOrderResult | undefined;
    if (begun?.ok) return 'reserved';
    return begun?.reason === 'OUT_OF_STOCK' ? 'out_of_stock' : undefined;
  },
  // The legacy workflow's per-line step: a failure typed OutOfStock is its refusal.
  reserveLine: (_result, error) => {
    if (error === undefined) return 'reserved';
    return error instanceof ApplicationFailure && error.type === FAILURE.outOfStock
      ? 'out_of_stock'
      : undefined;
  },
};

export function stepMetricsInterceptor(
  metrics: PlatformMetrics,
  shardUse: ShardUseTracker,
): ActivityInterceptorsFactory {
  return (context) => ({
    inbound: {
      async execute(input, next) {
        const step = context.info.activityType;
        const used = new Set<string>();
        const started = performance.now();
        let result: unknown;
        let error: unknown;
        try {
          result = await shardUse.run(used, () => next(input));
          return result;
        } catch (thrown) {
          error = thrown;
          throw thrown;
        } finally {
          metrics.step(step, shardLabel(used), (performance.now() - started) / 1000);
          const outcome = RESERVING_STEPS[step]?.(result, error);
          if (outcome) metrics.reservation(outcome);
        }
      },
    },
  });
}
