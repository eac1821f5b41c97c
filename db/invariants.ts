import type postgres from 'postgres';
import { CHARGED_ORDER_STATUSES, type OrderStatus } from '../domain/order-status.js';
import type { Shard, ShardSet } from './shard-set.js';

/** One broken invariant (docs/architecture.md, "The four invariants"), found on one shard. */
export interface InvariantViolation {
  invariant: 1 | 2 | 3 | 4 | 5;
  shard: string;
  /** Item id (1–3, 5) or order id (4). */
  key: string;
  message: string;
}

export interface InvariantScope {
  /** Only these items (default: every item on every shard). */
  itemIds?: readonly string[];
  /** Only these orders (default: every order on every shard). */
  orderIds?: readonly string[];
}

interface ItemCounters {
  itemId: string;
  hasStockRow: boolean;
  stockAvailable: number;
  reserved: number;
  committedUnallocated: number;
  warehouseAvailable: number;
  warehousePhysical: number;
  allocated: number;
  negativeWarehouseRows: number;
  overAllocatedOrders: string[];
  allocationsWithoutCommit: string[];
  negativeEffects: number;
}

interface OrderLedger {
  orderId: string | null;
  paymentOrderId: string;
  status: OrderStatus | null;
  totalCents: number | null;
  linesTotalCents: number | null;
  authorizations: number;
  captures: number;
  capturedCents: number;
  refundedCents: number;
}

/** What one invariant check found on one shard. */
export type InvariantCheckResult = CheckResultOf<1 | 2 | 3 | 4>;

export interface CheckResultOf<N extends InvariantViolation['invariant']> {
  invariant: N;
  name: string;
  shard: string;
  /** Items (1–3), orders with their payments (4) or held reservations (5) the check looked at. */
  rowsExamined: number;
  violations: InvariantViolation[];
}

export const INVARIANT_NAMES = {
  1: 'stock promised = warehouse available',
  2: 'warehouse physical = available + allocated',
  3: 'no negative counter, no allocation beyond its reservation',
  4: 'each order charged at most once, captured − refunded = its charge',
} as const satisfies Record<InvariantCheckResult['invariant'], string>;

/**
 * Checks the four invariants at a quiescent point (nothing in flight), shard by shard, and returns
 * every violation (empty when all hold). Per item, on its shard:
 *  1. stock.available + Σ RESERVED + Σ COMMITTED-but-unallocated = Σ_w warehouse_stock.available
 *  2. Σ_w physical = Σ_w available + Σ ALLOCATED (unshipped)
 *  3. no negative counter, physical >= available, no allocation beyond its committed reservation
 * Per order, on its customer's shard (from the payments ledger):
 *  4. at most one successful AUTHORIZE and CAPTURE; captured − refunded = total for a charged order
 *     (PENDING onwards), 0 for any other; the total equals its lines.
 */
export async function checkInvariants(
  shardSet: ShardSet,
  scope: InvariantScope = {},
): Promise<InvariantViolation[]> {
  const results = await runInvariantChecks(shardSet, scope);
  return results.flatMap((result) => result.violations);
}

/**
 * The checks of checkInvariants, one result per invariant and shard (in shard order, 1–4 within a shard),
 * each passed to `onResult` as soon as its shard's query has answered.
 */
export async function runInvariantChecks(
  shardSet: ShardSet,
  scope: InvariantScope = {},
  onResult: (result: InvariantCheckResult) => void = () => {},
): Promise<InvariantCheckResult[]> {
  const perShard = await Promise.all(
    shardSet.shards.map(async (shard) => {
      const items = await checkItems(shard, scope);
      const orders = await checkOrders(shard, scope);
      const results = ([1, 2, 3, 4] as const).map((invariant) => ({
        invariant,
        name: INVARIANT_NAMES[invariant],
        shard: shard.id,
        rowsExamined: invariant === 4 ? orders.rowsExamined : items.rowsExamined,
        violations: [...items.violations, ...orders.violations].filter((v) => v.invariant === invariant),
      }));
      for (const result of results) onResult(result);
      return results;
    }),
  );
  return perShard.flat();
}

interface ShardFindings {
  rowsExamined: number;
  violations: InvariantViolation[];
}

function scopeFilter(
  sql: postgres.Sql,
  column: postgres.PendingQuery<postgres.Row[]>,
  ids?: readonly string[],
) {
  return ids ? sql`${column} = any(${[...ids]}::text[])` : sql`true`;
}

async function checkItems(shard: Shard, scope: InvariantScope): Promise<ShardFindings> {
  const { sql } = shard;
  const rows = await sql<ItemCounters[]>`
    with live_allocations as (
      select order_id, item_id,
             sum(quantity) filter (where status in ('ALLOCATED', 'SHIPPED'))::bigint as live,
             sum(quantity) filter (where status = 'ALLOCATED')::bigint as allocated
      from warehouse_allocations group by order_id, item_id
    ),
    reservations as (
      select r.item_id,
             sum(r.quantity) filter (where r.status = 'RESERVED')::bigint as reserved,
             sum(r.quantity - coalesce(a.live, 0)) filter (where r.status = 'COMMITTED')::bigint as unallocated,
             count(*) filter (where r.quantity < 0)::int as negative
      from stock_reservations r left join live_allocations a using (order_id, item_id)
      group by r.item_id
    ),
    allocation_checks as (
      select a.item_id,
             array_agg(a.order_id) filter (where r.status = 'COMMITTED' and a.live > r.quantity) as over,
             array_agg(a.order_id) filter (where a.live > 0 and r.status is distinct from 'COMMITTED') as uncommitted,
             coalesce(sum(a.allocated), 0)::bigint as allocated
      from live_allocations a left join stock_reservations r using (order_id, item_id)
      group by a.item_id
    ),
    warehouses as (
      select item_id, sum(available)::bigint as available, sum(physical)::bigint as physical,
             count(*) filter (where available < 0 or physical < available)::int as negative
      from warehouse_stock group by item_id
    )
    select i.item_id as "itemId",
           s.item_id is not null as "hasStockRow",
           coalesce(s.available, 0)::int as "stockAvailable",
           coalesce(r.reserved, 0)::int as reserved,
           coalesce(r.unallocated, 0)::int as "committedUnallocated",
           coalesce(w.available, 0)::int as "warehouseAvailable",
           coalesce(w.physical, 0)::int as "warehousePhysical",
           coalesce(c.allocated, 0)::int as allocated,
           coalesce(w.negative, 0)::int as "negativeWarehouseRows",
           coalesce(c.over, '{}') as "overAllocatedOrders",
           coalesce(c.uncommitted, '{}') as "allocationsWithoutCommit",
           coalesce(r.negative, 0)::int as "negativeEffects"
    from items i
    left join stock s on s.item_id = i.item_id
    left join reservations r on r.item_id = i.item_id
    left join allocation_checks c on c.item_id = i.item_id
    left join warehouses w on w.item_id = i.item_id
    where ${scopeFilter(sql, sql`i.item_id`, scope.itemIds)}`;

  const violations: InvariantViolation[] = [];
  const report = (invariant: 1 | 2 | 3, key: string, message: string) =>
    violations.push({ invariant, shard: shard.id, key, message });
  for (const item of rows) {
    const promised = item.stockAvailable + item.reserved + item.committedUnallocated;
    if (promised !== item.warehouseAvailable) {
      report(
        1,
        item.itemId,
        `stock.available ${item.stockAvailable} + reserved ${item.reserved} + committed-unallocated ` +
          `${item.committedUnallocated} = ${promised}, but warehouses have ${item.warehouseAvailable} available`,
      );
    }
    if (item.warehousePhysical !== item.warehouseAvailable + item.allocated) {
      report(
        2,
        item.itemId,
        `physical ${item.warehousePhysical} ≠ available ${item.warehouseAvailable} + allocated ${item.allocated}`,
      );
    }
    if (!item.hasStockRow) report(3, item.itemId, 'item has no stock row');
    if (item.stockAvailable < 0)
      report(3, item.itemId, `stock.available is negative (${item.stockAvailable})`);
    if (item.negativeWarehouseRows > 0) {
      report(
        3,
        item.itemId,
        `${item.negativeWarehouseRows} warehouse row(s) negative or physical < available`,
      );
    }
    if (item.negativeEffects > 0) report(3, item.itemId, 'a reservation has a negative quantity');
    if (item.committedUnallocated < 0 || item.overAllocatedOrders.length > 0) {
      report(
        3,
        item.itemId,
        `allocated beyond the reservation for order(s) ${item.overAllocatedOrders.join(', ')}`,
      );
    }
    if (item.allocationsWithoutCommit.length > 0) {
      report(
        3,
        item.itemId,
        `units allocated without a committed reservation for order(s) ${item.allocationsWithoutCommit.join(', ')}`,
      );
    }
  }
  return { rowsExamined: rows.length, violations };
}

async function checkOrders(shard: Shard, scope: InvariantScope): Promise<ShardFindings> {
  const { sql } = shard;
  const rows = await sql<OrderLedger[]>`
    with ledger as (
      select order_id,
             count(*) filter (where operation = 'AUTHORIZE' and outcome = 'SUCCEEDED')::int as authorizations,
             count(*) filter (where operation = 'CAPTURE' and outcome = 'SUCCEEDED')::int as captures,
             coalesce(sum(amount_cents) filter (where operation = 'CAPTURE' and outcome = 'SUCCEEDED'), 0)::bigint as captured,
             coalesce(sum(amount_cents) filter (where operation = 'REFUND' and outcome = 'SUCCEEDED'), 0)::bigint as refunded
      from payments group by order_id
    ),
    line_totals as (
      select order_id, sum(quantity::bigint * price_cents)::bigint as total from order_lines group by order_id
    )
    select o.order_id as "orderId",
           coalesce(o.order_id, l.order_id) as "paymentOrderId",
           o.status,
           o.total_cents::float8 as "totalCents",
           coalesce(t.total, 0)::float8 as "linesTotalCents",
           coalesce(l.authorizations, 0) as authorizations,
           coalesce(l.captures, 0) as captures,
           coalesce(l.captured, 0)::float8 as "capturedCents",
           coalesce(l.refunded, 0)::float8 as "refundedCents"
    from orders o
    full join ledger l on l.order_id = o.order_id
    left join line_totals t on t.order_id = o.order_id
    where ${scopeFilter(sql, sql`coalesce(o.order_id, l.order_id)`, scope.orderIds)}`;

  const violations: InvariantViolation[] = [];
  const report = (key: string, message: string) =>
    violations.push({ invariant: 4, shard: shard.id, key, message });
  for (const order of rows) {
    const key = order.paymentOrderId;
    const net = order.capturedCents - order.refundedCents;
    if (order.authorizations > 1) report(key, `${order.authorizations} successful authorizations`);
    if (order.captures > 1) report(key, `${order.captures} successful captures`);
    if (order.status === null) {
      if (net !== 0) report(key, `payments net ${net} cents for an order that does not exist on this shard`);
      continue;
    }
    if (order.totalCents !== order.linesTotalCents) {
      report(key, `total ${order.totalCents} ≠ Σ lines ${order.linesTotalCents}`);
    }
    const expected = CHARGED_ORDER_STATUSES.includes(order.status) ? order.totalCents : 0;
    if (net !== expected) {
      report(key, `${order.status} order: captured − refunded = ${net} cents, expected ${expected}`);
    }
  }
  return { rowsExamined: rows.length, violations };
}
