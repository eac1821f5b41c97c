/**
 * `orders_open{status}` and `orders_paying_overdue`, refreshed from Temporal visibility: a count per open
 * status (a handful of cheap queries every interval), so "how many orders are stuck in PAYING" is one query.
 */
import type { NativeConnection } from '@temporalio/worker';
import { ORDER_STATUSES, TERMINAL_ORDER_STATUSES } from '../domain/order-status.js';
import type { Logger } from '../observability/logger.js';
import type { PlatformMetrics } from '../observability/platform-metrics.js';
import { ORDER_STATUS } from '../workflows/search-attributes.js';

export const OPEN_ORDER_STATUSES = ORDER_STATUSES.filter((s) => !TERMINAL_ORDER_STATUSES.includes(s));

export interface OpenOrdersGaugeDeps {
  connection: Pick<NativeConnection, 'workflowService'>;
  namespace: string;
  /** The order task queue: its orders are counted. */
  taskQueue: string;
  metrics: Pick<PlatformMetrics, 'ordersOpen' | 'payingOverdue'>;
  logger: Logger;
  /** A PAYING order begun longer ago than this is overdue. */
  payingOverdueAfterMs: number;
  intervalMs: number;
  now?: () => number;
}

export function startOpenOrdersGauge(deps: OpenOrdersGaugeDeps): { stop(): void } {
  const now = deps.now ?? Date.now;
  const running = (clause: string) =>
    `TaskQueue = "${deps.taskQueue}" AND ExecutionStatus = "Running" AND ${clause}`;
  const count = async (query: string) => {
    const { count } = await deps.connection.workflowService.countWorkflowExecutions({
      namespace: deps.namespace,
      query,
    });
    return Number(count ?? 0);
  };
  let failing = false;
  const refresh = async () => {
    try {
      const overdueSince = new Date(now() - deps.payingOverdueAfterMs).toISOString();
      const [open, overdue] = await Promise.all([
        Promise.all(
          OPEN_ORDER_STATUSES.map((status) => count(running(`${ORDER_STATUS.name} = "${status}"`))),
        ),
        count(running(`${ORDER_STATUS.name} = "PAYING" AND StartTime < "${overdueSince}"`)),
      ]);
      for (const [i, status] of OPEN_ORDER_STATUSES.entries()) deps.metrics.ordersOpen(status, open[i]!);
      deps.metrics.payingOverdue(overdue);
      if (failing) deps.logger.info('open-order counts available again');
      failing = false;
    } catch (error) {
      // Logged once per outage: the gauges keep their last values, and the next refresh tries again.
      if (!failing) deps.logger.warn('could not count open orders', { error });
      failing = true;
    }
  };
  void refresh();
  const timer = setInterval(() => void refresh(), deps.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
