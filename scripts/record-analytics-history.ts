/**
 * `node --import tsx scripts/record-analytics-history.ts`: records a run of analyticsExportWorkflow over two
 * shards, with in-memory steps, into test/histories/analytics.export.json for the replay test. Re-record after
 * a deliberate, compatible change to the workflow.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { AnalyticsActivities } from '../activities/analytics-activities.js';
import type { ShardExportCounts } from '../analytics/shard-export.js';
import { ANALYTICS_EXPORT_WORKFLOW_TYPE } from '../workers/analytics-schedule.js';
import { createRecorder, HISTORIES_DIR, recordedHistory } from './record-histories.js';

const counts = (orders: number): ShardExportCounts => ({
  orders: { read: orders, changed: orders },
  order_lines: { read: orders * 2, changed: orders * 2 },
  suborders: { read: orders, changed: orders },
  payments: { read: orders * 2, changed: orders * 2 },
});

const steps: AnalyticsActivities = {
  analyticsShardIds: async () => ['shard-0', 'shard-1'],
  exportShardToWarehouse: async (shardId) => counts(shardId === 'shard-0' ? 3 : 2),
};

const recorder = await createRecorder();
try {
  const taskQueue = `record-analytics-${randomUUID().slice(0, 8)}`;
  const worker = await Worker.create({
    connection: recorder.env.nativeConnection,
    taskQueue,
    workflowBundle: recorder.workflowBundle,
    activities: steps,
  });
  const workflowId = `analytics-export-${taskQueue}`;
  await worker.runUntil(
    recorder.env.client.workflow.execute(ANALYTICS_EXPORT_WORKFLOW_TYPE, { workflowId, taskQueue }),
  );
  fs.writeFileSync(path.join(HISTORIES_DIR, 'analytics.export.json'), recordedHistory(recorder, workflowId));
  console.log('analytics.export: recorded');
} finally {
  await recorder.env.teardown();
}
