/** The warehouse worker: warehouse activities on WAREHOUSE_TASK_QUEUE, its own process. */
import { createWarehouseWorkerActivities } from '../activities/wiring.js';
import { runWorker } from './run-worker.js';

await runWorker({
  name: 'warehouse-worker',
  taskQueue: (config) => config.temporal.warehouseTaskQueue,
  metricsPort: (config) => config.metrics.warehouseWorkerPort,
  activities: ({ repos }) => createWarehouseWorkerActivities(repos),
});
