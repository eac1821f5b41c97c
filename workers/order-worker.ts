/** The order worker: runs orderWorkflow and its activities on ORDER_TASK_QUEUE. */

import { createOrderActivities } from '../activities/order-activities.js';
import { createOrderActivityDeps } from '../activities/wiring.js';
import { runWorker } from './run-worker.js';
import { workflowSource } from './workflow-source.js';

await runWorker({
  name: 'order-worker',
  taskQueue: (config) => config.temporal.orderTaskQueue,
  activities: ({ repos }) => createOrderActivities(createOrderActivityDeps(repos)),
  workflows: workflowSource(),
});
