/**
 * Installs a worker process's Temporal runtime: the SDK's log lines through our logger and, unless the
 * port is 0, a Prometheus `/metrics` endpoint serving the SDK's metrics (`temporal_*`) and the platform's
 * own, which are recorded through the same runtime meter.
 */
import { Runtime } from '@temporalio/worker';
import type { Logger } from '../observability/logger.js';
import { createPlatformMetrics, STEP_DURATION_BUCKETS_SECONDS } from '../observability/platform-metrics.js';
import { sdkLogger } from './sdk-logger.js';

export interface WorkerRuntimeOptions {
  logger: Logger;
  metricsHost: string;
  /** 0: no endpoint (the metrics are still recorded, and dropped). */
  metricsPort: number;
}

export function installWorkerRuntime({ logger, metricsHost, metricsPort }: WorkerRuntimeOptions) {
  const runtime = installOrExplain(metricsHost, metricsPort, {
    logger: sdkLogger(logger),
    ...(metricsPort === 0
      ? {}
      : {
          telemetryOptions: {
            metrics: {
              prometheus: {
                bindAddress: `${metricsHost}:${metricsPort}`,
                // Prometheus conventions: counters end in _total, durations are seconds.
                countersTotalSuffix: true,
                useSecondsForDurations: true,
                histogramBucketOverrides: { order_step_duration_seconds: STEP_DURATION_BUCKETS_SECONDS },
              },
            },
          },
        }),
  });
  const metricsUrl = metricsPort === 0 ? undefined : `http://${metricsHost}:${metricsPort}/metrics`;
  return { metrics: createPlatformMetrics(runtime.metricMeter), metricsUrl };
}

function installOrExplain(
  host: string,
  port: number,
  options: Parameters<typeof Runtime.install>[0],
): Runtime {
  try {
    return Runtime.install(options);
  } catch (error) {
    if (!/address already in use/i.test(String(error))) throw error;
    throw new Error(
      `the metrics address ${host}:${port} is taken: set this worker's *_METRICS_PORT to a free port, or 0 for no endpoint`,
      { cause: error },
    );
  }
}
