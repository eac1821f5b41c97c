import { createHash } from 'node:crypto';
import { and, asc, eq, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { PricedLine } from '../../domain/order-lines.js';
import {
  alreadyPast,
  canTransitionOrder,
  isOrderStatus,
  ORDER_STATUSES,
  type OrderStatus,
} from '../../domain/order-status.js';
import type { ShippingAddress } from '../../domain/shipping-address.js';
import { compareBytewise } from '../byte-order.js';
import { type CursorSecret, decodeCursor, encodeCursor, mergeSortedPages, positionGuard } from '../cursor.js';
import { IdempotencyKeyConflictError, InvalidTransitionError, NotFoundError } from '../errors.js';
import { assertCents, assertDistinct, assertId, assertLimit, assertQuantity } from '../input-checks.js';
import { orderLines, orders } from '../schema.js';
import type { ShardQueryable, ShardSet } from '../shard-set.js';
import { LOST_RACE, retryOnLostRace, type VersionRetryOptions } from '../version-retry.js';
import { linesOf } from './lines-of.js';
import { loadSuborders, type Suborder } from './suborder-repository.js';

export interface OrderHeader {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  totalCents: number;
  shippingAddress: ShippingAddress | null;
  orderedAt: Date;
  expiresAt: Date | null;
  /** Set on FAILED orders only. */
  failureReason: string | null;
  /** Set on CANCELLED orders only, when the cancel gave a reason. */
  cancelReason: string | null;
  version: number;
}

export interface OrderSummary extends OrderHeader {
  lines: PricedLine[];
}

export interface OrderDetails extends OrderSummary {
  suborders: Suborder[];
}

export interface NewCheckoutOrder {
  orderId: string;
  customerId: string;
  lines: readonly PricedLine[];
  expiresAt: Date | null;
}

export interface OrderTransition {
  customerId: string;
  orderId: string;
  to: OrderStatus;
  /** Recorded with the transition (typically on the way to PAYING). */
  shippingAddress?: ShippingAddress;
  /** Recorded on the way to FAILED: the step that failed and why. */
  failureReason?: string;
  /** Recorded on the way to CANCELLED: who asked and why. */
  cancelReason?: string;
}

export interface OrderPage {
  orders: OrderSummary[];
  nextCursor: string | undefined;
}

export interface OrderRepository {
  /**
   * Writes the order header (status RESERVED, total = Σ quantity × price) and its lines on the customer's
   * shard. Idempotent: a repeat returns the recorded order unchanged.
   */
  createCheckoutOrder(order: NewCheckoutOrder): Promise<OrderDetails>;
  /** Undefined when there is no such order for this customer (another customer's order included). */
  getOrder(customerId: string, orderId: string): Promise<OrderDetails | undefined>;
  /**
   * Version-checked status change along ORDER_TRANSITIONS (domain/order-status.ts). Moving to the current
   * status is a no-op (the retried-activity case); anything else not allowed is an InvalidTransitionError.
   */
  transitionOrder(transition: OrderTransition): Promise<OrderHeader>;
  /** A customer's orders, newest first (ordered_at, order_id descending), optionally only since a time. */
  listCustomerOrders(query: {
    customerId: string;
    limit: number;
    cursor?: string;
    since?: Date;
  }): Promise<OrderPage>;
  /**
   * Orders with from <= ordered_at < to, oldest first: every customer's, merged from every shard, or only
   * one customer's (from their shard); optionally only those with one status.
   */
  listOrdersInRange(query: OrdersInRangeQuery): Promise<OrderPage>;
  /** How many orders, on every shard, have this status (served by the status index). */
  countWithStatus(status: OrderStatus): Promise<number>;
}

export interface OrdersInRangeQuery {
  from: Date;
  to: Date;
  limit: number;
  cursor?: string;
  status?: OrderStatus;
  customerId?: string;
}

export interface OrderRepositoryDeps extends VersionRetryOptions {
  shardSet: ShardSet;
  cursorSecret: CursorSecret;
  /** Called when a write moved an order to `to` (not for a repeat): a metric hook. */
  onOrderMoved?: (to: OrderStatus) => void;
}

export const MAX_ORDER_PAGE = 100;

interface OrderPosition {
  orderedAt: string;
  orderId: string;
}

const isOrderPosition = positionGuard<OrderPosition>({
  orderedAt: (orderedAt) => typeof orderedAt === 'string' && !Number.isNaN(Date.parse(orderedAt)),
  orderId: (orderId) => typeof orderId === 'string' && orderId.length > 0,
});

function positionOf(order: OrderHeader): OrderPosition {
  return { orderedAt: order.orderedAt.toISOString(), orderId: order.orderId };
}

function compareOldestFirst(a: OrderHeader, b: OrderHeader): number {
  return a.orderedAt.getTime() - b.orderedAt.getTime() || compareBytewise(a.orderId, b.orderId);
}

const fingerprint = (parts: unknown[]) =>
  createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);

/** For each status, the statuses an order may move to it from. */
const SOURCES_OF = Object.fromEntries(
  ORDER_STATUSES.map((to) => [to, ORDER_STATUSES.filter((from) => canTransitionOrder(from, to))]),
) as Record<OrderStatus, OrderStatus[]>;

const idBytewise = sql`${orders.orderId} collate "C"`;

export function createOrderRepository(deps: OrderRepositoryDeps): OrderRepository {
  const { shardSet, cursorSecret } = deps;

  async function withLines(db: ShardQueryable, headers: OrderHeader[]): Promise<OrderSummary[]> {
    if (headers.length === 0) return [];
    const orderIds = headers.map((h) => h.orderId);
    const lines = await linesOf(db, orderLines, orderLines.orderId, orderIds);
    return headers.map((h) => ({
      ...h,
      lines: lines
        .filter((l) => l.orderId === h.orderId)
        .map((l) => ({ itemId: l.itemId, quantity: l.quantity, priceCents: l.priceCents })),
    }));
  }

  async function readHeader(db: ShardQueryable, customerId: string, orderId: string) {
    const [header] = await db
      .select()
      .from(orders)
      .where(and(eq(orders.orderId, orderId), eq(orders.customerId, customerId)));
    return header ? toHeader(header) : undefined;
  }

  async function readDetails(db: ShardQueryable, customerId: string, orderId: string) {
    const header = await readHeader(db, customerId, orderId);
    if (!header) return undefined;
    const [summary] = await withLines(db, [header]);
    return { ...summary!, suborders: await loadSuborders(db, [orderId]) };
  }

  async function pageOf(db: ShardQueryable, where: SQL | undefined, orderBy: SQL[], limit: number) {
    const rows = await db
      .select()
      .from(orders)
      .where(where)
      .orderBy(...orderBy)
      .limit(limit);
    return rows.map(toHeader);
  }

  const repository: OrderRepository = {
    async createCheckoutOrder({ orderId, customerId, lines, expiresAt }) {
      assertId(orderId, 'orderId');
      assertId(customerId, 'customerId');
      if (lines.length === 0) throw new RangeError('an order needs at least one line');
      assertDistinct(
        lines.map((l) => l.itemId),
        'order line items',
      );
      for (const line of lines) {
        assertId(line.itemId, 'itemId');
        assertQuantity(line.quantity);
        assertCents(line.priceCents, 'priceCents');
      }
      const totalCents = lines.reduce((sum, l) => sum + l.quantity * l.priceCents, 0);
      assertCents(totalCents, 'order total');

      const shard = shardSet.forCustomer(customerId);
      // The row and its lines in one statement, atomic without a transaction; a repeat inserts nothing
      // and answers what the first call recorded.
      const [created] = await shard.sql<{ orderedAt: Date; version: number }[]>`
        with header as (
          insert into orders (order_id, customer_id, status, total_cents, expires_at)
          values (${orderId}, ${customerId}, 'RESERVED', ${totalCents}, ${expiresAt})
          on conflict do nothing
          returning order_id, ordered_at, version
        ), inserted_lines as (
          insert into order_lines (order_id, item_id, quantity, price_cents)
          select header.order_id, line.item_id, line.quantity, line.price_cents
          from header, unnest(
            ${lines.map((l) => l.itemId)}::text[],
            ${lines.map((l) => l.quantity)}::int[],
            ${lines.map((l) => l.priceCents)}::int[]
          ) as line(item_id, quantity, price_cents)
        )
        select ordered_at as "orderedAt", version from header`;
      if (created) {
        return {
          orderId,
          customerId,
          status: 'RESERVED',
          totalCents,
          shippingAddress: null,
          orderedAt: created.orderedAt,
          expiresAt,
          failureReason: null,
          cancelReason: null,
          version: created.version,
          lines: lines
            .map(({ itemId, quantity, priceCents }) => ({ itemId, quantity, priceCents }))
            .sort((a, b) => compareBytewise(a.itemId, b.itemId)),
          suborders: [],
        };
      }
      const recorded = await readDetails(shard.db, customerId, orderId);
      if (!recorded)
        throw new IdempotencyKeyConflictError(`order ${orderId}`, 'it belongs to another customer');
      return recorded;
    },

    async getOrder(customerId, orderId) {
      return readDetails(shardSet.forCustomer(customerId).db, customerId, orderId);
    },

    async transitionOrder({ customerId, orderId, to, shippingAddress, failureReason, cancelReason }) {
      const { db } = shardSet.forCustomer(customerId);
      return retryOnLostRace(deps, 'order', orderId, async () => {
        // The usual case in one statement: the row moves when its status may go to `to`.
        const sources = SOURCES_OF[to];
        const [moved] =
          sources.length === 0
            ? []
            : await db
                .update(orders)
                .set({
                  status: to,
                  version: sql`${orders.version} + 1`,
                  updatedAt: new Date(),
                  ...(shippingAddress ? { shippingAddress } : {}),
                  ...(failureReason ? { failureReason } : {}),
                  ...(cancelReason && to === 'CANCELLED' ? { cancelReason } : {}),
                })
                .where(
                  and(
                    eq(orders.orderId, orderId),
                    eq(orders.customerId, customerId),
                    inArray(orders.status, sources),
                  ),
                )
                .returning();
        if (moved) {
          deps.onOrderMoved?.(to);
          return toHeader(moved);
        }
        const current = await readHeader(db, customerId, orderId);
        if (!current) throw new NotFoundError('order', orderId);
        // A repeat, or a step re-run after a lost workflow task whose later steps took effect.
        if (current.status === to || alreadyPast(current.status, to)) return current;
        // Created since the update looked (statuses only move forward, so nothing else makes it movable).
        if (canTransitionOrder(current.status, to)) return LOST_RACE;
        throw new InvalidTransitionError('order', orderId, current.status, to);
      });
    },

    async listCustomerOrders({ customerId, limit, cursor, since }) {
      assertId(customerId, 'customerId');
      assertLimit(limit, MAX_ORDER_PAGE);
      const kind = `orders:${fingerprint([customerId, since?.toISOString() ?? null])}`;
      const after =
        cursor === undefined ? undefined : decodeCursor(kind, cursor, isOrderPosition, cursorSecret);
      const { db } = shardSet.forCustomer(customerId);
      const headers = await pageOf(
        db,
        and(
          eq(orders.customerId, customerId),
          since ? gte(orders.orderedAt, since) : undefined,
          after
            ? sql`(${orders.orderedAt}, ${idBytewise}) < (${after.orderedAt}::timestamptz, ${after.orderId})`
            : undefined,
        ),
        [sql`${orders.orderedAt} desc nulls last`, sql`${idBytewise} desc`],
        limit + 1,
      );
      const page = headers.slice(0, limit);
      const last = page[page.length - 1];
      return {
        orders: await withLines(db, page),
        nextCursor:
          headers.length > limit && last ? encodeCursor(kind, positionOf(last), cursorSecret) : undefined,
      };
    },

    async countWithStatus(status) {
      const perShard = await Promise.all(
        shardSet.shards.map(({ db }) =>
          db.select({ n: sql<number>`count(*)::int` }).from(orders).where(eq(orders.status, status)),
        ),
      );
      return perShard.reduce((sum, [row]) => sum + (row?.n ?? 0), 0);
    },

    async listOrdersInRange({ from, to, limit, cursor, status, customerId }) {
      assertLimit(limit, MAX_ORDER_PAGE);
      if (!(from.getTime() <= to.getTime())) throw new RangeError('from must not be after to');
      if (status !== undefined && !isOrderStatus(status)) throw new RangeError(`no order status ${status}`);
      if (customerId !== undefined) assertId(customerId, 'customerId');
      // A cursor is bound to its filters: a page of one listing cannot continue another.
      const kind = `orders-range:${fingerprint([
        from.toISOString(),
        to.toISOString(),
        status ?? null,
        customerId ?? null,
      ])}`;
      const after =
        cursor === undefined ? undefined : decodeCursor(kind, cursor, isOrderPosition, cursorSecret);
      // One customer's orders all live on their shard.
      const shards = customerId === undefined ? shardSet.shards : [shardSet.forCustomer(customerId)];
      const where = and(
        gte(orders.orderedAt, from),
        lt(orders.orderedAt, to),
        status === undefined ? undefined : eq(orders.status, status),
        customerId === undefined ? undefined : eq(orders.customerId, customerId),
        after
          ? sql`(${orders.orderedAt}, ${idBytewise}) > (${after.orderedAt}::timestamptz, ${after.orderId})`
          : undefined,
      );
      const pages = await Promise.all(
        shards.map(({ db }) => pageOf(db, where, [asc(orders.orderedAt), sql`${idBytewise} asc`], limit + 1)),
      );
      const merged = mergeSortedPages(pages, compareOldestFirst, limit + 1);
      const page = merged.slice(0, limit);
      const last = page[page.length - 1];
      const summaries = await Promise.all(
        shards.map(({ db }) =>
          withLines(
            db,
            page.filter((o) => shardSet.forCustomer(o.customerId).db === db),
          ),
        ),
      );
      const byId = new Map(summaries.flat().map((o) => [o.orderId, o]));
      return {
        orders: page.map((o) => byId.get(o.orderId)!),
        nextCursor:
          merged.length > limit && last ? encodeCursor(kind, positionOf(last), cursorSecret) : undefined,
      };
    },
  };
  return repository;
}

function toHeader(row: typeof orders.$inferSelect): OrderHeader {
  return {
    orderId: row.orderId,
    customerId: row.customerId,
    status: row.status,
    totalCents: row.totalCents,
    shippingAddress: row.shippingAddress ?? null,
    orderedAt: row.orderedAt,
    expiresAt: row.expiresAt,
    failureReason: row.failureReason ?? null,
    cancelReason: row.cancelReason ?? null,
    version: row.version,
  };
}
