/**
 * After a fuzzing run: is any order still waiting on a deadline that has passed? Three views, each of
 * which must come back empty:
 *  - order rows (every shard) still RESERVED or PAYING more than `graceSeconds` after their `expires_at`;
 *  - stock reservations still RESERVED more than `graceSeconds` after their `expires_at` (units held);
 *  - order workflows still running, started more than TTL + grace ago, whose `OrderStatus` is not one of
 *    a placed order's (PENDING and later wait for the warehouse; anything before must have ended).
 */
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { ORDER_WORKFLOW_TYPE } from '../../workflows/definitions.js';
import { ORDER_STATUS } from '../../workflows/search-attributes.js';

const AWAITING_PAYMENT = ['RESERVED', 'PAYING'];
const PLACED = new Set(['PENDING', 'PARTIALLY_SHIPPED', 'SHIPPED']);

export interface StuckOrder {
  shard: string;
  orderId: string;
  status: string;
  expiresAt: string;
}

export interface HeldReservation {
  shard: string;
  orderId: string;
  itemId: string;
  quantity: number;
  expiresAt: string;
}

export interface StuckWorkflow {
  workflowId: string;
  status: string;
  startedAt: string;
}

export interface DeadlineReport {
  ordersChecked: number;
  /** Order rows by status, across every shard. */
  byStatus: Record<string, number>;
  stuckOrders: StuckOrder[];
  heldReservations: HeldReservation[];
  workflowsChecked: number;
  stuckWorkflows: StuckWorkflow[];
}

export interface DeadlineCheckOptions {
  shardUrls: readonly string[];
  temporalAddress: string;
  /** The order worker's task queue: only its workflows are looked at. */
  orderTaskQueue: string;
  reservationTtlSeconds: number;
  graceSeconds: number;
}

async function checkShard(url: string, shard: string, graceSeconds: number) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const counts = await sql<{ status: string; n: number }[]>`
      select status, count(*)::int as n from orders group by status`;
    const stuck = await sql<{ order_id: string; status: string; expires_at: Date }[]>`
      select order_id, status, expires_at from orders
      where status = any(${AWAITING_PAYMENT}::text[])
        and expires_at < now() - make_interval(secs => ${graceSeconds})`;
    const held = await sql<{ order_id: string; item_id: string; quantity: number; expires_at: Date }[]>`
      select order_id, item_id, quantity, expires_at from stock_reservations
      where status = 'RESERVED' and expires_at < now() - make_interval(secs => ${graceSeconds})`;
    return {
      counts,
      stuck: stuck.map((r) => ({
        shard,
        orderId: r.order_id,
        status: r.status,
        expiresAt: r.expires_at.toISOString(),
      })),
      held: held.map((r) => ({
        shard,
        orderId: r.order_id,
        itemId: r.item_id,
        quantity: r.quantity,
        expiresAt: r.expires_at.toISOString(),
      })),
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function checkWorkflows(options: DeadlineCheckOptions) {
  const cutoff = new Date(Date.now() - (options.reservationTtlSeconds + options.graceSeconds) * 1000);
  const connection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection });
  const stuck: StuckWorkflow[] = [];
  let checked = 0;
  try {
    const query = `WorkflowType="${ORDER_WORKFLOW_TYPE}" AND TaskQueue="${options.orderTaskQueue}" AND ExecutionStatus="Running" AND StartTime < "${cutoff.toISOString()}"`;
    for await (const execution of client.workflow.list({ query })) {
      checked++;
      const status = execution.typedSearchAttributes.get(ORDER_STATUS) ?? '(none)';
      if (!PLACED.has(status)) {
        stuck.push({
          workflowId: execution.workflowId,
          status,
          startedAt: execution.startTime.toISOString(),
        });
      }
    }
  } finally {
    await connection.close();
  }
  return { checked, stuck };
}

export async function checkDeadlines(options: DeadlineCheckOptions): Promise<DeadlineReport> {
  const shards = await Promise.all(
    options.shardUrls.map((url, i) => checkShard(url, `shard-${i}`, options.graceSeconds)),
  );
  const byStatus: Record<string, number> = {};
  for (const { counts } of shards) {
    for (const { status, n } of counts) byStatus[status] = (byStatus[status] ?? 0) + n;
  }
  const workflows = await checkWorkflows(options);
  return {
    ordersChecked: Object.values(byStatus).reduce((a, b) => a + b, 0),
    byStatus,
    stuckOrders: shards.flatMap((s) => s.stuck),
    heldReservations: shards.flatMap((s) => s.held),
    workflowsChecked: workflows.checked,
    stuckWorkflows: workflows.stuck,
  };
}
