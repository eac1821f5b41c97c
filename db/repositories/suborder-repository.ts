import { and, asc, eq, inArray } from 'drizzle-orm';
import { suborderIdFor } from '../../domain/suborder-id.js';
import { canTransitionSuborder, type SuborderStatus } from '../../domain/suborder-status.js';
import { IdempotencyKeyConflictError, InvalidTransitionError, NotFoundError } from '../errors.js';
import { assertDistinct, assertId, assertQuantity } from '../input-checks.js';
import { orders, suborderLines, suborders } from '../schema.js';
import type { ShardDb, ShardQueryable, ShardSet } from '../shard-set.js';
import { LOST_RACE, retryOnLostRace, type VersionRetryOptions } from '../version-retry.js';
import { linesOf } from './lines-of.js';

export interface SuborderLine {
  itemId: string;
  quantity: number;
}

export interface Suborder {
  suborderId: string;
  orderId: string;
  customerId: string;
  warehouseId: string;
  status: SuborderStatus;
  lines: SuborderLine[];
  version: number;
}

export interface PlannedSuborder {
  warehouseId: string;
  lines: readonly SuborderLine[];
}

export interface SuborderRepository {
  /**
   * Records the split of an order (status ALLOCATED), ids `${orderId}.${warehouseId}`. Idempotent: a repeat
   * returns what was recorded. Throws NotFoundError when the order is not on the customer's shard.
   */
  createSuborders(input: {
    customerId: string;
    orderId: string;
    suborders: readonly PlannedSuborder[];
  }): Promise<Suborder[]>;
  /** ALLOCATED → SHIPPED → DELIVERED, or ALLOCATED → CANCELLED; moving to the current status is a no-op. */
  transitionSuborder(input: {
    customerId: string;
    suborderId: string;
    to: SuborderStatus;
  }): Promise<Suborder>;
  listSuborders(customerId: string, orderId: string): Promise<Suborder[]>;
}

/** Suborders of the given orders with their lines, sorted by suborder id. */
export async function loadSuborders(db: ShardQueryable, orderIds: readonly string[]): Promise<Suborder[]> {
  if (orderIds.length === 0) return [];
  const headers = await db
    .select()
    .from(suborders)
    .where(inArray(suborders.orderId, [...orderIds]))
    .orderBy(asc(suborders.suborderId));
  if (headers.length === 0) return [];
  const suborderIds = headers.map((h) => h.suborderId);
  const lines = await linesOf(db, suborderLines, suborderLines.suborderId, suborderIds);
  return headers.map((h) => ({
    suborderId: h.suborderId,
    orderId: h.orderId,
    customerId: h.customerId,
    warehouseId: h.warehouseId,
    status: h.status,
    version: h.version,
    lines: lines
      .filter((l) => l.suborderId === h.suborderId)
      .map((l) => ({ itemId: l.itemId, quantity: l.quantity })),
  }));
}

export function createSuborderRepository(
  deps: { shardSet: ShardSet } & VersionRetryOptions,
): SuborderRepository {
  const { shardSet } = deps;

  async function getSuborder(
    db: ShardDb,
    customerId: string,
    suborderId: string,
  ): Promise<Suborder | undefined> {
    const [header] = await db
      .select({ orderId: suborders.orderId, customerId: suborders.customerId })
      .from(suborders)
      .where(eq(suborders.suborderId, suborderId));
    if (!header || header.customerId !== customerId) return undefined;
    return (await loadSuborders(db, [header.orderId])).find((s) => s.suborderId === suborderId);
  }

  return {
    async createSuborders({ customerId, orderId, suborders: planned }) {
      assertId(customerId, 'customerId');
      assertId(orderId, 'orderId');
      assertDistinct(
        planned.map((s) => s.warehouseId),
        'suborder warehouses',
      );
      for (const s of planned) {
        if (s.lines.length === 0) throw new RangeError(`suborder for ${s.warehouseId} has no lines`);
        for (const l of s.lines) assertQuantity(l.quantity);
        assertDistinct(
          s.lines.map((l) => l.itemId),
          `items of suborder ${s.warehouseId}`,
        );
      }
      const { db } = shardSet.forCustomer(customerId);
      return db.transaction(async (tx) => {
        const [order] = await tx
          .select({ customerId: orders.customerId })
          .from(orders)
          .where(eq(orders.orderId, orderId))
          .for('share');
        if (!order || order.customerId !== customerId) throw new NotFoundError('order', orderId);
        for (const s of planned) {
          const suborderId = suborderIdFor(orderId, s.warehouseId);
          const inserted = await tx
            .insert(suborders)
            .values({ suborderId, orderId, customerId, warehouseId: s.warehouseId, status: 'ALLOCATED' })
            .onConflictDoNothing()
            .returning({ suborderId: suborders.suborderId });
          if (inserted.length > 0) {
            await tx.insert(suborderLines).values(s.lines.map((l) => ({ suborderId, ...l })));
          }
        }
        const recorded = await loadSuborders(tx, [orderId]);
        const plannedIds = new Set(planned.map((s) => suborderIdFor(orderId, s.warehouseId)));
        const unexpected = recorded.find((s) => !plannedIds.has(s.suborderId));
        if (unexpected || recorded.length !== planned.length) {
          throw new IdempotencyKeyConflictError(
            `suborders of ${orderId}`,
            'the order was split differently before',
          );
        }
        return recorded;
      });
    },

    async transitionSuborder({ customerId, suborderId, to }) {
      const { db } = shardSet.forCustomer(customerId);
      return retryOnLostRace(deps, 'suborder', suborderId, async () => {
        const current = await getSuborder(db, customerId, suborderId);
        if (!current) throw new NotFoundError('suborder', suborderId);
        if (current.status === to) return current;
        if (!canTransitionSuborder(current.status, to)) {
          throw new InvalidTransitionError('suborder', suborderId, current.status, to);
        }
        const updated = await db
          .update(suborders)
          .set({ status: to, version: current.version + 1, updatedAt: new Date() })
          .where(and(eq(suborders.suborderId, suborderId), eq(suborders.version, current.version)))
          .returning({ version: suborders.version });
        return updated.length === 1 ? { ...current, status: to, version: current.version + 1 } : LOST_RACE;
      });
    },

    async listSuborders(customerId, orderId) {
      const { db } = shardSet.forCustomer(customerId);
      const found = await loadSuborders(db, [orderId]);
      return found.filter((s) => s.customerId === customerId);
    },
  };
}
