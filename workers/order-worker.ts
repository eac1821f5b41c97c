/**
 * The order worker: every workflow type of workflows/index.ts (orderWorkflowV3; V2 and the legacy
 * orderWorkflow and fulfillmentWorkflow kept for orders in flight) and their activities on ORDER_TASK_QUEUE.
 */

import { createOrderWorkerActivities } from '../activities/wiring.js';
import { createSimulatedGateway } from '../payment-gateway/simulator.js';
import { runWorker } from './run-worker.js';
import { workflowSource } from './workflow-source.js';

await runWorker({
  name: 'order-worker',
  taskQueue: (config) => config.temporal.orderTaskQueue,
  activities: ({ config, repos }) =>
    createOrderWorkerActivities(
      repos,
      createSimulatedGateway({
        ledger: repos.payments,
        tokenSecret: config.payment.tokenSecret,
        latencyMs: config.payment.latencyMs,
        failureRate: config.payment.failureRate,
      }),
    ),
  workflows: (config) => workflowSource(config.worker.workflowBundlePath),
});
