/** The Worker options that come from config (concurrency, the sticky cache), shared by every worker process. */
import v8 from 'node:v8';
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

/**
 * Bounds the old space of the isolates created from now on: the SDK runs workflows (reuseV8Context, its
 * default: one context for every workflow) in a worker thread it starts in Worker.create, so call this
 * before. V8 reads the flag when an isolate is created; this thread's own heap keeps its limit.
 */
export function limitWorkflowHeap(worker: WorkerConfig): void {
  v8.setFlagsFromString(`--max-old-space-size=${worker.maxWorkflowHeapMiB}`);
}
