/** ops/metric-references.ts: PromQL in, metric names out; and the names the real dashboards and rules use. */
import assert from 'node:assert/strict';
import {
  APPEAR_ONLY_AFTER_FAILURE,
  metricNamesIn,
  metricReferences,
  referencedMetricNames,
} from '../../ops/metric-references.js';

describe('ops/metric-references', () => {
  describe('metricNamesIn', () => {
    const cases: [string, string[]][] = [
      ['up{job="api"} == 0', []],
      ['shard_writable_primary == 0', ['shard_writable_primary']],
      [
        'histogram_quantile(0.99, sum by (le, task_queue) (rate(temporal_workflow_task_schedule_to_start_latency_bucket{job="order-worker"}[5m]))) > 1',
        ['temporal_workflow_task_schedule_to_start_latency_bucket'],
      ],
      [
        'sum(rate(http_requests_total{status=~"5..",route="/checkout"}[$__rate_interval])) / sum(rate(http_requests_total[5m])) > 0.01',
        ['http_requests_total'],
      ],
      [
        'sum by (entity) (rate(db_version_races_lost_total[1m])) / ignoring(entity) group_left sum(rate(order_reservations_total{outcome="reserved"}[1m]))',
        ['db_version_races_lost_total', 'order_reservations_total'],
      ],
      ['orders_failed - (orders_failed offset 15m) > 0', ['orders_failed']],
      [
        'sum(rate(x_total[5m])) without (instance) and on (job) y_seconds_count > 1e3',
        ['x_total', 'y_seconds_count'],
      ],
      ['count({__name__="temporal_num_pollers", poller_type="workflow_task"})', ['temporal_num_pollers']],
      ['label_replace(a:b:rate5m, "dst", "$1", "src", "(by|sum)")', ['a:b:rate5m']],
      ['sum(orders_open) by (status)', ['orders_open']],
    ];
    for (const [expr, names] of cases) {
      it(expr, () => assert.deepEqual(metricNamesIn(expr), names));
    }
  });

  describe('the real dashboards and alert rules', () => {
    const names = referencedMetricNames();

    it('reference metrics from every dashboard and from the rules', () => {
      const files = new Set(metricReferences().map((r) => r.file));
      assert.deepEqual([...files].sort(), [
        'ops/grafana/dashboards/business.json',
        'ops/grafana/dashboards/temporal-sdk.json',
        'ops/prometheus/alerts.yml',
      ]);
      const empty = metricReferences()
        .filter((r) => r.names.length === 0 && !/\bup\b/.test(r.expr))
        .map((r) => `${r.file} ${r.where}: ${r.expr}`);
      assert.deepEqual(empty, []);
    });

    it('find every metric the platform exports that the operator side relies on', () => {
      const expected = [
        'http_requests_total',
        'http_request_duration_seconds_bucket',
        'order_outcomes_total',
        'stock_event_subscribers',
        'orders_failed',
        'shard_writable_primary',
        'temporal_workflow_task_execution_latency_bucket',
        'temporal_workflow_task_schedule_to_start_latency_bucket',
        'temporal_workflow_task_replay_latency_bucket',
        'temporal_workflow_endtoend_latency_bucket',
        'temporal_activity_execution_latency_bucket',
        'temporal_activity_schedule_to_start_latency_bucket',
        'temporal_activity_succeed_endtoend_latency_bucket',
        'temporal_worker_task_slots_available',
        'temporal_worker_task_slots_used',
        'temporal_sticky_cache_size',
        'temporal_sticky_cache_hit_total',
        'temporal_workflow_task_queue_poll_succeed_total',
        'temporal_activity_task_received_total',
        'temporal_num_pollers',
        'temporal_request_total',
        'temporal_request_latency_bucket',
        'temporal_long_request_total',
        'temporal_workflow_completed_total',
        'order_reservations_total',
        'db_version_races_lost_total',
        'order_step_duration_seconds_bucket',
        'order_step_duration_seconds_count',
        'payment_gateway_breaker_state',
        'payment_gateway_calls_total',
        'orders_finished_total',
        'orders_open',
        'orders_paying_overdue',
        ...APPEAR_ONLY_AFTER_FAILURE,
      ];
      assert.deepEqual([...names].sort(), [...new Set(expected)].sort());
    });

    it('list the failure-only names apart, each of them referenced', () => {
      assert.ok(APPEAR_ONLY_AFTER_FAILURE.length > 0);
      assert.deepEqual(
        APPEAR_ONLY_AFTER_FAILURE.filter((n) => !names.has(n)),
        [],
      );
    });

    it('never report PromQL words, label names or Prometheus-made series', () => {
      const wrong = [...names].filter((n) =>
        /^(up|sum|rate|by|le|job|status|route|histogram_quantile|ignoring|group_left|offset)$/.test(n),
      );
      assert.deepEqual(wrong, []);
    });
  });
});
