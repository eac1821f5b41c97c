/** The Prometheus text the API's registry renders. */
import assert from 'node:assert/strict';
import { Counter, Gauge, Histogram, MetricsRegistry } from '../../api/metrics-registry.js';

describe('api: metrics registry', () => {
  it('renders counters, gauges and cumulative histograms in the text format', () => {
    const registry = new MetricsRegistry();
    const counter = registry.register(new Counter('requests_total', 'Requests', ['route', 'status']));
    const gauge = registry.register(new Gauge('open_streams', 'Streams'));
    const histogram = registry.register(new Histogram('latency_seconds', 'Latency', ['route'], [0.1, 1]));
    counter.inc({ route: '/a"b\\c\nd', status: '200' });
    counter.inc({ route: '/a"b\\c\nd', status: '200' }, 2);
    counter.inc({ route: '/x', status: '404' });
    gauge.add(2);
    gauge.add(-1);
    for (const value of [0.05, 0.5, 3]) histogram.observe({ route: '/x' }, value);

    assert.equal(
      registry.render(),
      [
        '# HELP requests_total Requests',
        '# TYPE requests_total counter',
        'requests_total{route="/a\\"b\\\\c\\nd",status="200"} 3',
        'requests_total{route="/x",status="404"} 1',
        '# HELP open_streams Streams',
        '# TYPE open_streams gauge',
        'open_streams 1',
        '# HELP latency_seconds Latency',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{route="/x",le="0.1"} 1',
        'latency_seconds_bucket{route="/x",le="1"} 2',
        'latency_seconds_bucket{route="/x",le="+Inf"} 3',
        'latency_seconds_sum{route="/x"} 3.55',
        'latency_seconds_count{route="/x"} 3',
        '',
      ].join('\n'),
    );
  });
});
