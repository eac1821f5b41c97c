/**
 * The schedule that runs the analytics export: created by the order worker at start-up (the process that
 * runs the export's steps), its interval brought to ANALYTICS_EXPORT_INTERVAL_SECONDS when it already exists,
 * deleted when that is 0. A run still going when the next is due makes the next one skip.
 */
import {
  Client,
  Connection,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
} from '@temporalio/client';

export const ANALYTICS_EXPORT_WORKFLOW_TYPE = 'analyticsExportWorkflow';

/** One per order task queue, so two platforms sharing a namespace keep their own. */
export const analyticsScheduleId = (orderTaskQueue: string): string => `analytics-export-${orderTaskQueue}`;

export interface AnalyticsScheduleOptions {
  address: string;
  namespace: string;
  orderTaskQueue: string;
  intervalSeconds: number;
}

export async function ensureAnalyticsSchedule(
  options: AnalyticsScheduleOptions,
): Promise<'created' | 'updated' | 'deleted' | 'absent'> {
  const connection = await Connection.connect({ address: options.address });
  try {
    const client = new Client({ connection, namespace: options.namespace });
    const scheduleId = analyticsScheduleId(options.orderTaskQueue);
    const handle = client.schedule.getHandle(scheduleId);
    if (options.intervalSeconds === 0) {
      try {
        await handle.delete();
        return 'deleted';
      } catch (error) {
        if (error instanceof ScheduleNotFoundError) return 'absent';
        throw error;
      }
    }
    const spec = { intervals: [{ every: `${options.intervalSeconds} seconds` as const }] };
    try {
      await client.schedule.create({
        scheduleId,
        spec,
        action: {
          type: 'startWorkflow',
          workflowType: ANALYTICS_EXPORT_WORKFLOW_TYPE,
          workflowId: scheduleId,
          taskQueue: options.orderTaskQueue,
        },
        policies: { overlap: ScheduleOverlapPolicy.SKIP },
      });
      return 'created';
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await handle.update((previous) => ({ ...previous, spec }));
      return 'updated';
    }
  } finally {
    await connection.close();
  }
}
