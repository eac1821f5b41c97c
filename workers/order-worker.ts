/**
 * The order worker: every workflow type of workflows/index.ts (orderWorkflowV3; V2 and the legacy
 * orderWorkflow and fulfillmentWorkflow kept for orders in flight) and their activities on ORDER_TASK_QUEUE, and
 * the analytics export (its schedule made at start-up; its steps write the warehouse file, so run one order
 * worker with ANALYTICS_EXPORT_INTERVAL_SECONDS above 0).
 */

import { msToNumber } from '@temporalio/common/lib/time.js';
import { createAnalyticsWorkerActivities, createOrderWorkerActivities } from '../activities/wiring.js';
import { guardedGateway } from '../payment-gateway/guarded-gateway.js';
import { meteredGateway } from '../payment-gateway/metered-gateway.js';
import { createSimulatedGateway } from '../payment-gateway/simulator.js';
import { FORWARD_STEP_BOUND } from '../workflows/retry-policies.js';
import { ensureAnalyticsSchedule } from './analytics-schedule.js';
import { runWorker } from './run-worker.js';
import { workflowSource } from './workflow-source.js';

await runWorker({
  name: 'order-worker',
  taskQueue: (config) => config.temporal.orderTaskQueue,
  metricsPort: (config) => config.metrics.orderWorkerPort,
  activities: ({ config, repos, metrics, shardSet }) => {
    // The breaker outside the meter: calls it refuses never reach the gateway and are not counted as calls.
    const gateway = meteredGateway(
      createSimulatedGateway({
        ledger: repos.payments,
        tokenSecret: config.payment.tokenSecret,
        latencyMs: config.payment.latencyMs,
        failureRate: config.payment.failureRate,
        outageFile: config.payment.outageFile,
      }),
      metrics.gatewayCall,
    );
    metrics.breakerState('closed');
    return {
      ...createOrderWorkerActivities(
        repos,
        guardedGateway(gateway, { ...config.payment.breaker, onStateChange: metrics.breakerState }),
      ),
      ...createAnalyticsWorkerActivities(shardSet, config.analytics.dbPath),
    };
  },
  workflows: (config) => workflowSource(config.worker.workflowBundlePath),
  // Orders must not wait on analytics: a schedule that cannot be made now is made at the next start.
  atStart: async (config) => {
    const schedule = await ensureAnalyticsSchedule({
      address: config.temporal.address,
      namespace: config.temporal.namespace,
      orderTaskQueue: config.temporal.orderTaskQueue,
      intervalSeconds: config.analytics.exportIntervalSeconds,
    }).catch((error: Error) => `not made: ${error.message}`);
    return { analyticsExportSchedule: schedule, analyticsWarehouse: config.analytics.dbPath };
  },
  // A checkout pays before its hold expires, and the payment step is bounded: past both, it is stuck.
  countOpenOrders: {
    payingOverdueAfterMs: (config) => config.reservationTtlSeconds * 1000 + msToNumber(FORWARD_STEP_BOUND),
  },
});
