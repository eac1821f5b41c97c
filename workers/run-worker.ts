/**
 * Shared start-up of a worker process: config, shard pools, Temporal connection, graceful shutdown.
 * The SDK's runtime turns SIGINT/SIGTERM into worker.shutdown(): polling stops, running activities get
 * shutdownGraceTime to finish, then run() resolves and the pools are closed.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { type AppConfig, devSecretsInUse, loadConfig, type ProcessRole } from '../config/env.js';
import { dropOrphanedConnectionErrors } from '../db/orphaned-connection-errors.js';
import { createRepositories, type Repositories } from '../db/repositories/index.js';
import { createShardSet, type ShardSet } from '../db/shard-set.js';
import { TERMINAL_ORDER_STATUSES } from '../domain/order-status.js';
import { createLogger } from '../observability/logger.js';
import type { PlatformMetrics } from '../observability/platform-metrics.js';
import { createShardUseTracker } from '../observability/shard-use.js';
import { withWorkerTracing } from '../observability/temporal-tracing.js';
import { startTracing } from '../observability/tracing.js';
import { activityFailureInterceptor } from './activity-failures.js';
import { startOpenOrdersGauge } from './open-orders-gauge.js';
import { replicatedStepsInterceptor } from './replicated-steps.js';
import { stepMetricsInterceptor } from './step-metrics.js';
import { installWorkerRuntime } from './worker-runtime.js';
import { limitWorkflowHeap, workerTuning } from './worker-tuning.js';

export interface WorkerSpec {
  name: ProcessRole;
  taskQueue(config: AppConfig): string;
  /** Port of the process's Prometheus `/metrics`; 0 for none. */
  metricsPort(config: AppConfig): number;
  activities(deps: {
    config: AppConfig;
    repos: Repositories;
    metrics: PlatformMetrics;
    shardSet: ShardSet;
  }): object;
  workflows?: (config: AppConfig) => Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;
  /** Keeps `orders_open` and `orders_paying_overdue` current (one process of the platform is enough). */
  countOpenOrders?: { payingOverdueAfterMs(config: AppConfig): number };
  /** Runs once the worker is made, before it polls; what it answers is logged. */
  atStart?: (config: AppConfig) => Promise<Record<string, unknown>>;
}

const OPEN_ORDERS_REFRESH_MS = 15_000;

export async function runWorker(spec: WorkerSpec): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(spec.name, config.logLevel);
  const { metrics, metricsUrl } = installWorkerRuntime({
    logger,
    metricsHost: config.metrics.host,
    metricsPort: spec.metricsPort(config),
  });
  const devSecrets = devSecretsInUse(spec.name);
  if (devSecrets.length > 0) {
    logger.warn('using development secrets: anyone can sign with them; never run this in production', {
      secrets: devSecrets,
    });
  }
  dropOrphanedConnectionErrors(logger);
  const tracing = startTracing({ role: spec.name, otlpEndpoint: config.otlpEndpoint });
  const shards = createShardSet(config.db, tracing?.tracer);
  const shardUse = createShardUseTracker();
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const openOrders =
    spec.countOpenOrders &&
    startOpenOrdersGauge({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: spec.taskQueue(config),
      metrics,
      logger,
      payingOverdueAfterMs: spec.countOpenOrders.payingOverdueAfterMs(config),
      intervalMs: OPEN_ORDERS_REFRESH_MS,
    });
  try {
    limitWorkflowHeap(config.worker);
    const options: WorkerOptions = {
      connection,
      namespace: config.temporal.namespace,
      taskQueue: spec.taskQueue(config),
      activities: spec.activities({
        config,
        repos: createRepositories({
          shardSet: shardUse.tracking(shards),
          cursorSecret: config.cursorSecret,
          onLostRace: (entity) => metrics.lostRace(entity),
          onOrderMoved: (to) => {
            if (TERMINAL_ORDER_STATUSES.includes(to)) metrics.orderFinished(to);
          },
        }),
        metrics,
        shardSet: shards,
      }),
      ...spec.workflows?.(config),
      // The first is outermost: the step metrics see failures as Temporal reports them, and a barrier's
      // database error is reported as a retryable failure like any other.
      interceptors: {
        activity: [
          stepMetricsInterceptor(metrics, shardUse),
          activityFailureInterceptor,
          replicatedStepsInterceptor(shards, shardUse),
        ],
      },
      ...workerTuning(config.worker),
      shutdownGraceTime: `${config.worker.shutdownGraceSeconds} seconds`,
    };
    const worker = await Worker.create(withWorkerTracing(tracing, options));
    if (spec.atStart) logger.info('started', await spec.atStart(config));
    const running = worker.run();
    logger.info('worker polling', {
      taskQueue: spec.taskQueue(config),
      state: worker.getState(),
      // The patched SDK records workflow stacks only with this on (scripts/patch-dependencies.mjs).
      workflowStackTraces: config.worker.stackTraces,
      metrics: metricsUrl ?? 'off',
    });
    await running;
    logger.info('worker stopped');
  } finally {
    openOrders?.stop();
    await connection.close();
    await shards.close();
    await tracing?.shutdown();
  }
}
