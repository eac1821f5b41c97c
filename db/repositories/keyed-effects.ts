/**
 * Effect rows keyed by what caused them (a reservation per order and item, an allocation per order,
 * item and warehouse) make every stock change idempotent. Two rules shared by their repositories:
 * a repeat must ask for what was recorded, and a release that finds no row leaves a tombstone
 * (quantity 0, RELEASED) so that the effect, arriving late, does nothing.
 */
import { IdempotencyKeyConflictError } from '../errors.js';

interface EffectRow {
  quantity: number;
  status: string;
}

export const isTombstone = (row: EffectRow): boolean => row.status === 'RELEASED' && row.quantity === 0;

/** A repeat (a retried activity) answers as recorded, unless it asked for another quantity. */
export function assertSameQuantity(recorded: EffectRow, what: string, requested: number): void {
  if (!isTombstone(recorded) && recorded.quantity !== requested) {
    throw new IdempotencyKeyConflictError(what, `quantity ${recorded.quantity} recorded, ${requested} asked`);
  }
}

/**
 * Releases the effect row at a key, all three steps in the caller's transaction. No row: a tombstone;
 * if a concurrent effect wins that insert, what it placed is released instead. RELEASED: as it is.
 */
export async function releaseOrTombstone<Row extends EffectRow>(steps: {
  lock(): Promise<Row | undefined>;
  insertTombstone(): Promise<Row | undefined>;
  release(held: Row): Promise<Row>;
}): Promise<Row> {
  for (;;) {
    const existing = await steps.lock();
    if (!existing) {
      const tombstone = await steps.insertTombstone();
      if (tombstone) return tombstone;
      continue;
    }
    if (existing.status === 'RELEASED') return existing;
    return steps.release(existing);
  }
}
