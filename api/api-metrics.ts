/** The API's metrics: HTTP traffic by route and status, checkout outcomes, live stock subscribers. */
import {
  Counter,
  Gauge,
  Histogram,
  MetricsRegistry,
  SampledGauge,
  SampledGaugeSeries,
} from './metrics-registry.js';

const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface ApiMetricSources {
  /** Orders that ended FAILED, on every shard. */
  failedOrders(): Promise<number>;
  /** Whether each shard (`shard-0`…) has a primary that takes writes, asked when Prometheus scrapes. */
  writablePrimaries(): Promise<{ shard: string; writable: boolean }[]>;
}

export function createApiMetrics(sources: ApiMetricSources) {
  const registry = new MetricsRegistry();
  return {
    registry,
    httpRequests: registry.register(
      new Counter('http_requests_total', 'HTTP requests answered, by route (and checkout op) and status', [
        'method',
        'route',
        'op',
        'status',
      ]),
    ),
    httpDuration: registry.register(
      new Histogram(
        'http_request_duration_seconds',
        'Time to answer an HTTP request (to the first byte of a stream)',
        ['method', 'route', 'op', 'status'],
        LATENCY_BUCKETS_SECONDS,
      ),
    ),
    orderOutcomes: registry.register(
      new Counter(
        'order_outcomes_total',
        'Checkout answers: op=BEGIN outcome RESERVED/OUT_OF_STOCK/UNKNOWN_ITEMS; op=SUBMIT and op=CANCEL the order status',
        ['op', 'outcome'],
      ),
    ),
    stockSubscribers: registry.register(
      new Gauge('stock_event_subscribers', 'Open GET /items/{itemId}/stock/events streams'),
    ),
    failedOrders: registry.register(
      new SampledGauge(
        'orders_failed',
        'Orders that ended FAILED: a step failed for good, stock and payment were given back (alert when it grows)',
        sources.failedOrders,
      ),
    ),
    writablePrimaries: registry.register(
      new SampledGaugeSeries(
        'shard_writable_primary',
        '1 while the shard has a primary that takes writes, 0 when it has none (its orders wait)',
        async () =>
          (await sources.writablePrimaries()).map(({ shard, writable }) => ({
            labels: { shard },
            value: writable ? 1 : 0,
          })),
      ),
    ),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
