/** The warehouse worker: warehouse activities on WAREHOUSE_TASK_QUEUE, its own process. */
import { createWarehouseActivities } from '../activities/warehouse-activities.js';
import { runWorker } from './run-worker.js';

await runWorker({
  name: 'warehouse-worker',
  taskQueue: (config) => config.temporal.warehouseTaskQueue,
  activities: ({ repos }) => createWarehouseActivities({ suborders: repos.suborders }),
});
