import { proxyActivities } from '@temporalio/workflow';
import type { AnalyticsActivities } from '../../activities/analytics-activities.js';
import type { ShardExportCounts } from '../../analytics/shard-export.js';
import { STEP_RETRY } from '../retry-policies.js';

/** A shard's export copies a batch between heartbeats; a worker that died is noticed after one minute. */
const steps = proxyActivities<AnalyticsActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: STEP_RETRY,
});

export interface AnalyticsExportResult {
  shards: { shard: string; counts: ShardExportCounts }[];
}

/**
 * Copies every shard's new and changed orders, order lines, suborders and payments into the analytics
 * warehouse, one shard after another (the warehouse has one writer). Started by the `analytics-export`
 * schedule, or by hand.
 */
export async function analyticsExportWorkflow(): Promise<AnalyticsExportResult> {
  const shards: AnalyticsExportResult['shards'] = [];
  for (const shard of await steps.analyticsShardIds()) {
    shards.push({ shard, counts: await steps.exportShardToWarehouse(shard) });
  }
  return { shards };
}
