/**
 * `npm run verify -- --temporal`: no order is lost — every order on a shard that has not reached a terminal
 * status still has its workflow running in Temporal to take it there.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { ShardSet } from '../../db/shard-set.js';
import { TERMINAL_ORDER_STATUSES } from '../../domain/order-status.js';
import { orderWorkflowId } from '../../workflows/definitions.js';
import type { CheckResult } from './invariant-report.js';

export const ORDER_WORKFLOW_CHECK = { invariant: 6, name: 'every unfinished order has a running workflow' };

/** Workflows described at once. */
const DESCRIBE_CONCURRENCY = 16;

export async function checkOrderWorkflows(
  shardSet: ShardSet,
  client: Client,
  onResult: (result: CheckResult) => void = () => {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const shard of shardSet.shards) {
    const unfinished = await shard.sql<{ orderId: string; status: string }[]>`
      select order_id as "orderId", status from orders
      where status <> all(${[...TERMINAL_ORDER_STATUSES]}::text[]) order by order_id`;
    const violations: CheckResult['violations'] = [];
    for (let start = 0; start < unfinished.length; start += DESCRIBE_CONCURRENCY) {
      const batch = unfinished.slice(start, start + DESCRIBE_CONCURRENCY);
      await Promise.all(
        batch.map(async ({ orderId, status }) => {
          const workflow = await workflowStatus(client, orderWorkflowId(orderId));
          if (workflow !== 'RUNNING') {
            violations.push({
              shard: shard.id,
              key: orderId,
              message: `${status} order, its workflow ${workflow}`,
            });
          }
        }),
      );
    }
    const result = { ...ORDER_WORKFLOW_CHECK, shard: shard.id, rowsExamined: unfinished.length, violations };
    onResult(result);
    results.push(result);
  }
  return results;
}

async function workflowStatus(client: Client, workflowId: string): Promise<string> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'does not exist';
    throw error;
  }
}
