/**
 * Shared start-up of a worker process: config, shard pools, Temporal connection, graceful shutdown.
 * The SDK's runtime turns SIGINT/SIGTERM into worker.shutdown(): polling stops, running activities get
 * shutdownGraceTime to finish, then run() resolves and the pools are closed.
 */
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { type AppConfig, devSecretsInUse, loadConfig, type ProcessRole } from '../config/env.js';
import { dropOrphanedConnectionErrors } from '../db/orphaned-connection-errors.js';
import { createRepositories, type Repositories } from '../db/repositories/index.js';
import { createShardSet } from '../db/shard-set.js';
import { createLogger } from '../observability/logger.js';
import { withWorkerTracing } from '../observability/temporal-tracing.js';
import { startTracing } from '../observability/tracing.js';
import { activityFailureInterceptor } from './activity-failures.js';
import { sdkLogger } from './sdk-logger.js';
import { limitWorkflowHeap, workerTuning } from './worker-tuning.js';

export interface WorkerSpec {
  name: ProcessRole;
  taskQueue(config: AppConfig): string;
  activities(deps: { config: AppConfig; repos: Repositories }): object;
  workflows?: (config: AppConfig) => Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;
}

export async function runWorker(spec: WorkerSpec): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(spec.name, config.logLevel);
  Runtime.install({ logger: sdkLogger(logger) });
  const devSecrets = devSecretsInUse(spec.name);
  if (devSecrets.length > 0) {
    logger.warn('using development secrets: anyone can sign with them; never run this in production', {
      secrets: devSecrets,
    });
  }
  dropOrphanedConnectionErrors(logger);
  const tracing = startTracing({ role: spec.name, otlpEndpoint: config.otlpEndpoint });
  const shards = createShardSet(config.db, tracing?.tracer);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    limitWorkflowHeap(config.worker);
    const options: WorkerOptions = {
      connection,
      namespace: config.temporal.namespace,
      taskQueue: spec.taskQueue(config),
      activities: spec.activities({
        config,
        repos: createRepositories({ shardSet: shards, cursorSecret: config.cursorSecret }),
      }),
      ...spec.workflows?.(config),
      interceptors: { activity: [activityFailureInterceptor] },
      ...workerTuning(config.worker),
      shutdownGraceTime: `${config.worker.shutdownGraceSeconds} seconds`,
    };
    const worker = await Worker.create(withWorkerTracing(tracing, options));
    const running = worker.run();
    logger.info('worker polling', {
      taskQueue: spec.taskQueue(config),
      state: worker.getState(),
      // The patched SDK records workflow stacks only with this on (scripts/patch-dependencies.mjs).
      workflowStackTraces: config.worker.stackTraces,
    });
    await running;
    logger.info('worker stopped');
  } finally {
    await connection.close();
    await shards.close();
    await tracing?.shutdown();
  }
}
