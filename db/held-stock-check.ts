/**
 * Check 5 of `npm run verify`: a finished order holds no stock. Reservations live on their item's shard and
 * orders on their customer's, so the held reservations are read a page at a time and their orders looked up
 * on every shard. Not part of checkInvariants: a reservation whose order row is on no shard (tests reserve
 * for made-up orders) is not judged here.
 */

import { TERMINAL_ORDER_STATUSES } from '../domain/order-status.js';
import type { CheckResultOf } from './invariants.js';
import type { ShardSet } from './shard-set.js';

export const HELD_STOCK_CHECK = { invariant: 5, name: 'a finished order holds no stock' } as const;

const PAGE = 5_000;
const TERMINAL = new Set<string>(TERMINAL_ORDER_STATUSES);

interface Held {
  orderId: string;
  itemId: string;
  status: 'RESERVED' | 'COMMITTED';
  quantity: number;
}

/**
 * Per item shard: every RESERVED or COMMITTED reservation whose order has finished, except the COMMITTED
 * ones of a DELIVERED order (its units were shipped), is a violation.
 */
export async function checkHeldStock(shardSet: ShardSet): Promise<CheckResultOf<5>[]> {
  const results: CheckResultOf<5>[] = [];
  for (const shard of shardSet.shards) {
    const result: CheckResultOf<5> = {
      ...HELD_STOCK_CHECK,
      shard: shard.id,
      rowsExamined: 0,
      violations: [],
    };
    let after = { orderId: '', itemId: '' };
    for (;;) {
      const page = await shard.sql<Held[]>`
        select order_id as "orderId", item_id as "itemId", status, quantity from stock_reservations
        where status in ('RESERVED', 'COMMITTED')
          and (order_id collate "C", item_id collate "C") > (${after.orderId} collate "C", ${after.itemId} collate "C")
        order by order_id collate "C", item_id collate "C" limit ${PAGE}`;
      if (page.length === 0) break;
      const statuses = await orderStatuses(shardSet, [...new Set(page.map((h) => h.orderId))]);
      for (const held of page) {
        const status = statuses.get(held.orderId);
        if (status === undefined || !TERMINAL.has(status)) continue;
        if (held.status === 'COMMITTED' && status === 'DELIVERED') continue;
        result.violations.push({
          invariant: 5,
          shard: shard.id,
          key: held.itemId,
          message: `${status} order ${held.orderId} still holds ${held.quantity} unit(s) ${held.status}`,
        });
      }
      result.rowsExamined += page.length;
      if (page.length < PAGE) break;
      after = page[page.length - 1]!;
    }
    results.push(result);
  }
  return results;
}

async function orderStatuses(shardSet: ShardSet, orderIds: string[]): Promise<Map<string, string>> {
  const found = await Promise.all(
    shardSet.shards.map(
      (shard) => shard.sql<{ orderId: string; status: string }[]>`
        select order_id as "orderId", status from orders where order_id = any(${orderIds}::text[])`,
    ),
  );
  return new Map(found.flat().map((row) => [row.orderId, row.status]));
}
