/**
 * Worker process of the ceiling benchmark: the no-op flow on its own task queue, with the order
 * worker's tuning (and its patched SDK). Started and stopped by `npm run bench`.
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../../config/env.js';
import { workerTuning } from '../../workers/worker-tuning.js';
import { ceilingActivities } from './ceiling-activities.js';
import { CEILING_TASK_QUEUE } from './definitions.js';

const config = loadConfig();
const connection = await NativeConnection.connect({ address: config.temporal.address });
try {
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: CEILING_TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('./ceiling-workflow.ts', import.meta.url)),
    activities: ceilingActivities,
    ...workerTuning(config.worker),
  });
  console.log('ceiling worker started');
  await worker.run();
} finally {
  await connection.close();
}
