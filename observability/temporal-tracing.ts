/**
 * Temporal's own OpenTelemetry interceptors, wired in only when tracing is on: the client's puts the
 * caller's span into every workflow start, update and signal it sends; in the worker, the workflow
 * interceptors (bundled into the workflow code) continue that trace in the sandbox and hand their spans
 * out through a sink, and the activity interceptor opens a span per activity run under the workflow's.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, WorkerOptions } from '@temporalio/worker';
import { ConfigError } from '../config/env.js';
import type { Tracing } from './tracing.js';

/** The workflow interceptor module the workflow bundle must contain for workflow spans. */
export const WORKFLOW_TRACING_MODULE = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

/** The prebuilt bundle with WORKFLOW_TRACING_MODULE that `npm run build:workflows` writes beside `bundlePath`. */
export function tracedBundlePath(bundlePath: string): string {
  return `${bundlePath.replace(/\.js$/, '')}.traced.js`;
}

/** Interceptors for a Temporal Client (`new Client({ interceptors })`): none when tracing is off. */
export function clientTracingInterceptors(tracing: Tracing | undefined) {
  return {
    workflow: tracing ? [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })] : [],
  };
}

/** `options` with the tracing interceptors and the workflow span sink added; unchanged when tracing is off. */
export function withWorkerTracing(tracing: Tracing | undefined, options: WorkerOptions): WorkerOptions {
  if (!tracing) return options;
  const { tracer } = tracing;
  const activitySpans: ActivityInterceptorsFactory = (ctx) => ({
    inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
    outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
  });
  const interceptors = options.interceptors ?? {};
  const traced: WorkerOptions = {
    ...options,
    // First, so the activity span wraps the others and records the error they finally throw.
    interceptors: { ...interceptors, activity: [activitySpans, ...(interceptors.activity ?? [])] },
  };
  if (options.workflowsPath === undefined && options.workflowBundle === undefined) return traced;
  return {
    ...traced,
    ...(options.workflowBundle && 'codePath' in options.workflowBundle
      ? { workflowBundle: { codePath: tracedBundle(options.workflowBundle.codePath) } }
      : {}),
    interceptors: {
      ...traced.interceptors,
      workflowModules: [...(interceptors.workflowModules ?? []), WORKFLOW_TRACING_MODULE],
    },
    sinks: { ...options.sinks, exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}

/** A prebuilt bundle cannot take interceptor modules at start-up: its traced twin must exist. */
function tracedBundle(bundlePath: string): string {
  const traced = tracedBundlePath(bundlePath);
  if (!fs.existsSync(traced)) {
    throw new ConfigError(
      `tracing is on but ${traced} does not exist; build it with npm run build:workflows (it writes both bundles)`,
    );
  }
  return traced;
}
