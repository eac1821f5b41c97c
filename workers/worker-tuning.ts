/** The Worker options that come from config (concurrency, the sticky cache), shared by every worker process. */
import type { WorkerOptions } from '@temporalio/worker';
import type { WorkerConfig } from '../config/env.js';

export function workerTuning(
  worker: WorkerConfig,
): Pick<
  WorkerOptions,
  'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'
> {
  return {
    maxConcurrentActivityTaskExecutions: worker.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: worker.maxConcurrentWorkflowTasks,
    maxCachedWorkflows: worker.maxCachedWorkflows,
  };
}
