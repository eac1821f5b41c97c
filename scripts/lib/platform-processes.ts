/** The platform's own processes (API and workers), started from their real entry points. */
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ManagedProcess } from './managed-process.js';
import { PROJECT_ROOT } from './project-paths.js';

export const PLATFORM_ENTRY_POINTS = {
  'order-worker': 'workers/order-worker.ts',
  'warehouse-worker': 'workers/warehouse-worker.ts',
  api: 'api/main.ts',
} as const;

export type PlatformProcessName = keyof typeof PLATFORM_ENTRY_POINTS;

export function platformProcess(
  name: PlatformProcessName,
  env: NodeJS.ProcessEnv,
  hooks: Pick<ConstructorParameters<typeof ManagedProcess>[0], 'onUnexpectedExit' | 'output'> = {},
): ManagedProcess {
  return new ManagedProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(PROJECT_ROOT, PLATFORM_ENTRY_POINTS[name])],
    cwd: PROJECT_ROOT,
    env,
    stopSignal: 'SIGTERM',
    ...hooks,
  });
}

/** Polls GET /health until it answers 200. */
export async function waitForHealthy(baseUrl: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${baseUrl}/health did not become healthy: ${last}`);
}

/** A task queue and the kinds of task a worker must be polling it for. */
export interface PolledQueue {
  taskQueue: string;
  kinds: ('workflow' | 'activity')[];
}

const TASK_QUEUE_TYPE = { workflow: 1, activity: 2 } as const;

/**
 * Resolves once the Temporal server reports a poller on every queue and kind: the worker has finished
 * bundling its workflows and is taking tasks, so a request sent now is served without waiting for it.
 */
export async function waitForPollers(
  address: string,
  namespace: string,
  queues: PolledQueue[],
  timeoutMs = 300_000,
): Promise<void> {
  const connection = await Connection.connect({ address });
  const deadline = Date.now() + timeoutMs;
  try {
    for (const { taskQueue, kinds } of queues) {
      for (const kind of kinds) {
        for (;;) {
          const { pollers } = await connection.workflowService.describeTaskQueue({
            namespace,
            taskQueue: { name: taskQueue },
            taskQueueType: TASK_QUEUE_TYPE[kind],
          });
          if (pollers.length > 0) break;
          if (Date.now() > deadline) throw new Error(`no worker polls ${kind} tasks on ${taskQueue}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    }
  } finally {
    await connection.close();
  }
}
