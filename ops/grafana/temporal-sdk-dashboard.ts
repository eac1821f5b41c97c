/**
 * The Temporal SDK dashboard: what the workers' SDK reports on their /metrics (order worker and warehouse
 * worker), panel for panel what an operator of Temporal workers watches: task latencies, slots, pollers,
 * sticky cache, requests to the server, completions and failures.
 */
import { type DashboardSpec, percentiles, quantile, ratePerSecond } from './dashboard-kit.js';

export const temporalSdkDashboard: DashboardSpec = {
  uid: 'order-platform-temporal-sdk',
  title: 'Order platform: Temporal SDK (workers)',
  description:
    "The Temporal SDK's metrics of the order worker and the warehouse worker (jobs order-worker and warehouse-worker).",
  tags: ['order-platform', 'temporal'],
  sections: [
    {
      title: 'Workflow tasks',
      panels: [
        {
          title: 'Workflow task execution latency',
          description: 'Time the worker spends running workflow code for one workflow task.',
          queries: percentiles('temporal_workflow_task_execution_latency_bucket', ['job']),
          unit: 's',
        },
        {
          title: 'Workflow task schedule-to-start latency',
          description:
            'Time a workflow task waits in its task queue before a worker picks it up: grows when workers are overloaded or too few poll.',
          queries: percentiles('temporal_workflow_task_schedule_to_start_latency_bucket', ['task_queue']),
          unit: 's',
        },
        {
          title: 'Workflow task replay latency',
          description: 'Time to replay a history into a workflow not in the sticky cache.',
          queries: percentiles('temporal_workflow_task_replay_latency_bucket', ['job']),
          unit: 's',
        },
        {
          title: 'Workflow task polls that got a task',
          description: 'Workflow task polls per second that returned a task.',
          queries: [
            {
              expr: ratePerSecond('temporal_workflow_task_queue_poll_succeed_total', ['job', 'task_queue']),
              legend: '{{job}} {{task_queue}}',
            },
          ],
          unit: 'ops',
        },
      ],
    },
    {
      title: 'Activities',
      panels: [
        {
          title: 'Activity execution latency (p99)',
          description: 'Time one activity attempt runs, by activity type.',
          queries: [
            {
              expr: quantile(0.99, 'temporal_activity_execution_latency_bucket', ['activity_type']),
              legend: '{{activity_type}}',
            },
          ],
          unit: 's',
        },
        {
          title: 'Activity schedule-to-start latency',
          description: 'Time an activity task waits in its task queue before a worker picks it up.',
          queries: percentiles('temporal_activity_schedule_to_start_latency_bucket', ['task_queue']),
          unit: 's',
        },
        {
          title: 'Activity end-to-end latency of successes (p99)',
          description: 'From scheduling to success, retries included, by activity type.',
          queries: [
            {
              expr: quantile(0.99, 'temporal_activity_succeed_endtoend_latency_bucket', ['activity_type']),
              legend: '{{activity_type}}',
            },
          ],
          unit: 's',
        },
        {
          title: 'Activity tasks received',
          description: 'Activity tasks per second the workers received from their polls.',
          queries: [
            {
              expr: ratePerSecond('temporal_activity_task_received_total', ['job', 'task_queue']),
              legend: '{{job}} {{task_queue}}',
            },
          ],
          unit: 'ops',
        },
      ],
    },
    {
      title: 'Worker capacity',
      panels: [
        {
          title: 'Task slots available',
          description: 'Free execution slots, by worker and slot type: none free means tasks queue up.',
          queries: [
            {
              expr: 'sum by (job, worker_type) (temporal_worker_task_slots_available)',
              legend: '{{job}} {{worker_type}}',
            },
          ],
          unit: 'short',
        },
        {
          title: 'Task slots used',
          description: 'Busy execution slots, by worker and slot type.',
          queries: [
            {
              expr: 'sum by (job, worker_type) (temporal_worker_task_slots_used)',
              legend: '{{job}} {{worker_type}}',
            },
          ],
          unit: 'short',
        },
        {
          title: 'Pollers',
          description: 'Open long polls against the server, by worker and poller type.',
          queries: [
            {
              expr: 'sum by (job, poller_type) (temporal_num_pollers)',
              legend: '{{job}} {{poller_type}}',
            },
          ],
          unit: 'short',
        },
        {
          title: 'Sticky cache size',
          description: 'Workflows kept in memory between tasks (bounded by WORKER_MAX_CACHED_WORKFLOWS).',
          queries: [{ expr: 'sum by (job) (temporal_sticky_cache_size)', legend: '{{job}}' }],
          unit: 'short',
        },
        {
          title: 'Sticky cache hits',
          description: 'Workflow tasks per second served from the sticky cache, without a replay.',
          queries: [{ expr: ratePerSecond('temporal_sticky_cache_hit_total', ['job']), legend: '{{job}}' }],
          unit: 'ops',
        },
      ],
    },
    {
      title: 'Requests to the Temporal server',
      panels: [
        {
          title: 'Request rate',
          description: 'gRPC requests per second to the server (long polls apart), by operation.',
          queries: [
            {
              expr: ratePerSecond('temporal_request_total', ['job', 'operation']),
              legend: '{{job}} {{operation}}',
            },
            {
              expr: ratePerSecond('temporal_long_request_total', ['job']),
              legend: '{{job}} long polls',
            },
          ],
          unit: 'reqps',
        },
        {
          title: 'Request latency (p99)',
          description: 'gRPC request latency to the server, by operation.',
          queries: [
            {
              expr: quantile(0.99, 'temporal_request_latency_bucket', ['job', 'operation']),
              legend: '{{job}} {{operation}}',
            },
          ],
          unit: 's',
        },
      ],
    },
    {
      title: 'Workflows',
      panels: [
        {
          title: 'Workflow completions',
          description: 'Workflows per second that completed, by type.',
          queries: [
            {
              expr: ratePerSecond('temporal_workflow_completed_total', ['workflow_type']),
              legend: '{{workflow_type}}',
            },
          ],
          unit: 'ops',
        },
        {
          title: 'Workflow end-to-end latency',
          description: 'From start to completion, by type (an order lives for its whole fulfillment).',
          queries: percentiles('temporal_workflow_endtoend_latency_bucket', ['workflow_type']),
          unit: 's',
        },
        {
          title: 'Failures',
          description:
            'Failed workflow tasks, failed activity attempts and failed requests per second. These series exist only once something failed: an empty panel is good news.',
          queries: [
            {
              expr: ratePerSecond('temporal_workflow_task_execution_failed_total', ['workflow_type']),
              legend: 'workflow task {{workflow_type}}',
            },
            {
              expr: ratePerSecond('temporal_activity_execution_failed_total', ['activity_type']),
              legend: 'activity {{activity_type}}',
            },
            {
              expr: ratePerSecond('temporal_request_failure_total', ['operation']),
              legend: 'request {{operation}}',
            },
          ],
          unit: 'ops',
          wide: true,
        },
      ],
    },
  ],
};
