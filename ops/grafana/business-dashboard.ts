/**
 * The business dashboard: checkout traffic and latency (API), reservations and lost races, payments, orders
 * by status, shards (order worker, warehouse worker and API metrics).
 */
import { type DashboardSpec, percentiles, quantile, RATE, ratePerSecond } from './dashboard-kit.js';

/** BEGIN, SUBMIT and CANCEL share `POST /checkout`; the API labels each with its `op`. */
const BEGIN_RESERVED =
  'http_request_duration_seconds_bucket{method="POST",route="/checkout",op="BEGIN",status="201"}';
const BEGIN_REFUSED =
  'http_request_duration_seconds_bucket{method="POST",route="/checkout",op="BEGIN",status="409"}';
const SUBMIT_ANSWERED = 'http_request_duration_seconds_bucket{method="POST",route="/checkout",op="SUBMIT"}';
const PAYMENT_DETAILS =
  'http_request_duration_seconds_bucket{method="POST",route="/checkout/:orderId/payment"}';

export const businessDashboard: DashboardSpec = {
  uid: 'order-platform-business',
  title: 'Order platform: orders',
  description: 'Checkout, reservations, payments, orders by status and shards.',
  tags: ['order-platform'],
  sections: [
    {
      title: 'Checkout',
      panels: [
        {
          title: 'Checkout answers by outcome',
          description:
            'Answers per second of POST /checkout: op=BEGIN by RESERVED / OUT_OF_STOCK / UNKNOWN_ITEMS, op=SUBMIT and op=CANCEL by order status.',
          queries: [
            { expr: ratePerSecond('order_outcomes_total', ['op', 'outcome']), legend: '{{op}} {{outcome}}' },
          ],
          unit: 'ops',
          stacked: true,
        },
        {
          title: 'API requests by status',
          description: 'HTTP requests per second by status code, and the share of 5xx (alert above 1%).',
          queries: [
            { expr: ratePerSecond('http_requests_total', ['status']), legend: '{{status}}' },
            {
              expr: `${ratePerSecond('http_requests_total{status=~"5.."}')} / ${ratePerSecond('http_requests_total')}`,
              legend: '5xx share',
            },
          ],
          unit: 'reqps',
        },
        {
          title: 'BEGIN latency',
          description:
            'BEGINs answered 201 (stock reserved): one update-with-start round trip. Alert: p99 above 2.5 s.',
          queries: percentiles(BEGIN_RESERVED),
          unit: 's',
        },
        {
          title: 'BEGIN refusals latency',
          description:
            "BEGINs answered 409 (out of stock): a flash sale's losers, refused before any workflow starts.",
          queries: percentiles(BEGIN_REFUSED),
          unit: 's',
        },
        {
          title: 'SUBMIT latency',
          description:
            'Every SUBMIT answer (200 placed, 402 declined, 410 expired, 409): it waits for payment and placement.',
          queries: percentiles(SUBMIT_ANSWERED),
          unit: 's',
        },
        {
          title: 'Payment details latency',
          description: 'POST /checkout/:orderId/payment: card tokenized and handed to the order workflow.',
          queries: percentiles(PAYMENT_DETAILS),
          unit: 's',
        },
        {
          title: 'Live stock subscribers',
          description: 'Open GET /items/{itemId}/stock/events streams.',
          queries: [{ expr: 'sum(stock_event_subscribers)', legend: 'subscribers' }],
          unit: 'short',
        },
      ],
    },
    {
      title: 'Stock',
      panels: [
        {
          title: 'Reservations and refusals',
          description: 'Reservation attempts per second: reserved, or refused as out of stock.',
          queries: [{ expr: ratePerSecond('order_reservations_total', ['outcome']), legend: '{{outcome}}' }],
          unit: 'ops',
          stacked: true,
        },
        {
          title: 'Lost version races per successful reservation',
          description:
            'Optimistic-version races lost (and retried) per reservation that succeeded, by entity: contention on hot items.',
          queries: [
            {
              expr: `${ratePerSecond('db_version_races_lost_total', ['entity'])} / ignoring(entity) group_left ${ratePerSecond('order_reservations_total{outcome="reserved"}')}`,
              legend: '{{entity}}',
            },
            {
              expr: `${ratePerSecond('db_version_races_lost_total')} / ${ratePerSecond('order_reservations_total{outcome="reserved"}')}`,
              legend: 'all',
            },
          ],
          unit: 'short',
        },
      ],
    },
    {
      title: 'Payments',
      panels: [
        {
          title: 'Payment gateway calls',
          description: 'Gateway calls per second by operation and outcome (ok, declined, error).',
          queries: [
            {
              expr: ratePerSecond('payment_gateway_calls_total', ['operation', 'outcome']),
              legend: '{{operation}} {{outcome}}',
            },
          ],
          unit: 'ops',
        },
        {
          title: 'Payment gateway error share',
          description:
            'Share of gateway calls ending in an error; declines are answers, not errors. Alert above 5%.',
          queries: [
            {
              expr: `${ratePerSecond('payment_gateway_calls_total{outcome="error"}')} / ${ratePerSecond('payment_gateway_calls_total')}`,
              legend: 'errors',
            },
            {
              expr: `${ratePerSecond('payment_gateway_calls_total{outcome="declined"}')} / ${ratePerSecond('payment_gateway_calls_total')}`,
              legend: 'declines',
            },
          ],
          unit: 'percentunit',
        },
        {
          title: 'Payment gateway circuit breaker',
          description:
            'Per order worker: 0 closed, 1 open (payment steps fail at once and retry with backoff), 2 half-open (one probe). Alert when open for 2 minutes.',
          queries: [{ expr: 'max by (instance) (payment_gateway_breaker_state)', legend: '{{instance}}' }],
          unit: 'none',
        },
      ],
    },
    {
      title: 'Orders',
      panels: [
        {
          title: 'Orders open by status',
          description: 'Running orders by current status, from Temporal visibility (refreshed every 15 s).',
          queries: [{ expr: 'sum by (status) (orders_open)', legend: '{{status}}' }],
          unit: 'short',
          stacked: true,
        },
        {
          title: 'Orders finished by status',
          description: 'Orders per second reaching a terminal status.',
          queries: [{ expr: ratePerSecond('orders_finished_total', ['status']), legend: '{{status}}' }],
          unit: 'ops',
          stacked: true,
        },
        {
          title: 'Overdue in PAYING',
          description:
            "Running orders in PAYING for longer than the reservation TTL plus the payment step's bound. Alert when above 0 for 5 minutes.",
          queries: [{ expr: 'sum(orders_paying_overdue)', legend: 'overdue' }],
          unit: 'short',
          kind: 'stat',
        },
        {
          title: 'Orders ended FAILED',
          description:
            'Orders that ended FAILED on every shard (stock and payment given back). Alert when it grows.',
          queries: [{ expr: 'max(orders_failed)', legend: 'failed' }],
          unit: 'short',
          kind: 'stat',
        },
      ],
    },
    {
      title: 'Shards',
      panels: [
        {
          title: 'Writable primary per shard',
          description:
            'As the API sees it: 1 when the shard has a writable primary, 0 when none (alert after 30 s).',
          queries: [{ expr: 'min by (shard) (shard_writable_primary)', legend: 'shard {{shard}}' }],
          unit: 'none',
        },
        {
          title: 'Step latency per shard (p99)',
          description:
            'Activity durations of both workers by the shard they touched ("none": no shard, "several": more than one).',
          queries: [
            {
              expr: quantile(0.99, 'order_step_duration_seconds_bucket', ['shard']),
              legend: 'shard {{shard}}',
            },
          ],
          unit: 's',
        },
        {
          title: 'Step latency by step (p99)',
          description: 'Activity durations of both workers by step (the activity type).',
          queries: [
            {
              expr: quantile(0.99, 'order_step_duration_seconds_bucket', ['step']),
              legend: '{{step}}',
            },
          ],
          unit: 's',
        },
        {
          title: 'Steps per second by shard',
          description: 'Activities finished per second, by the shard they touched.',
          queries: [
            {
              expr: `sum by (shard) (rate(order_step_duration_seconds_count[${RATE}]))`,
              legend: 'shard {{shard}}',
            },
          ],
          unit: 'ops',
        },
      ],
    },
  ],
};
