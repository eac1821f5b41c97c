/** GET /metrics: Prometheus text exposition of the API's metrics. */
import { createRoute, z } from '@hono/zod-openapi';
import type { MetricsRegistry } from '../metrics-registry.js';
import { newRouter } from '../router.js';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['Operations'],
  summary: 'Prometheus metrics: requests and latency by route and status, checkout outcomes',
  responses: {
    200: { description: 'Text exposition format 0.0.4', content: { 'text/plain': { schema: z.string() } } },
  },
});

export function metricsRoutes(registry: MetricsRegistry) {
  return newRouter().openapi(metrics, async (c) => {
    await registry.collect();
    return c.text(registry.render(), 200, { 'Content-Type': PROMETHEUS_TEXT, 'Cache-Control': 'no-store' });
  });
}
