/**
 * The process's OpenTelemetry tracer provider. Tracing is on when an OTLP endpoint is configured
 * (OTEL_EXPORTER_OTLP_ENDPOINT) or a test hands in its own span processor; otherwise startTracing returns
 * undefined and nothing is registered: no provider, no interceptors, no SQL wrapper, no HTTP middleware.
 */
import { context, propagation, type Tracer, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { ProcessRole } from '../config/env.js';

export interface Tracing {
  readonly tracer: Tracer;
  /** Names the process (`service.name` = its role); workflow spans, made in the sandbox, get it too. */
  readonly resource: Resource;
  /** Where every finished span goes, workflow spans included. */
  readonly spanProcessor: SpanProcessor;
  /** Sends what is buffered and unregisters the process-wide context manager and propagator. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  role: ProcessRole;
  /** OTLP/HTTP base URL (config.otlpEndpoint); spans are posted to `<endpoint>/v1/traces`. */
  otlpEndpoint: string | undefined;
  /** Replaces the OTLP export, e.g. an in-memory exporter in a test; turns tracing on by itself. */
  spanProcessor?: SpanProcessor;
}

export const TRACER_NAME = 'order-platform';

export function startTracing(options: TracingOptions): Tracing | undefined {
  const spanProcessor = options.spanProcessor ?? otlpProcessor(options.otlpEndpoint);
  if (spanProcessor === undefined) return undefined;
  const resource = new Resource({ [ATTR_SERVICE_NAME]: options.role });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Process-wide: the Temporal interceptors carry the context through the global propagator, and the
  // active span follows async calls through the global (AsyncLocalStorage) context manager.
  provider.register();
  return {
    tracer: provider.getTracer(TRACER_NAME),
    resource,
    spanProcessor,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

function otlpProcessor(endpoint: string | undefined): SpanProcessor | undefined {
  if (endpoint === undefined) return undefined;
  return new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }));
}
