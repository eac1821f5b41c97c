import { and, asc, eq, sql } from 'drizzle-orm';
import { NotFoundError, OutOfStockError } from '../errors.js';
import { assertId, assertQuantity } from '../input-checks.js';
import { cartLines, carts } from '../schema.js';
import type { ShardQueryable, ShardSet } from '../shard-set.js';
import { LOST_RACE, retryOnLostRace, type VersionRetryOptions } from '../version-retry.js';

export interface CartLine {
  itemId: string;
  quantity: number;
}

export interface Cart {
  customerId: string;
  lines: CartLine[];
  /** 0 for a customer who never had a cart. */
  version: number;
}

export interface CartChange {
  customerId: string;
  itemId: string;
  quantity: number;
}

export interface CartRepository {
  getCart(customerId: string): Promise<Cart>;
  /**
   * Adds units of an item. The item must exist (NotFoundError) and have at least the resulting cart
   * quantity available right now (OutOfStockError) — advisory only: stock is held at checkout, not here.
   */
  addToCart(change: CartChange): Promise<Cart>;
  /** Removes up to `quantity` units; the line disappears at zero. Removing what is not there is a no-op. */
  removeFromCart(change: CartChange): Promise<Cart>;
  clearCart(customerId: string): Promise<Cart>;
}

export interface CartRepositoryDeps extends VersionRetryOptions {
  shardSet: ShardSet;
}

/** Moves the cart header from `version` to the next one: false when another change got there first. */
async function bumpVersion(tx: ShardQueryable, customerId: string, version: number): Promise<boolean> {
  const bumped = await tx
    .update(carts)
    .set({ version: sql`${carts.version} + 1`, updatedAt: new Date() })
    .where(and(eq(carts.customerId, customerId), eq(carts.version, version)))
    .returning({ version: carts.version });
  return bumped.length > 0;
}

export function createCartRepository(deps: CartRepositoryDeps): CartRepository {
  const { shardSet } = deps;

  async function availableUnits(itemId: string): Promise<number> {
    const { sql: itemSql } = shardSet.forItem(itemId);
    const [row] = await itemSql<{ available: number | null }[]>`
      select s.available from items i left join stock s on s.item_id = i.item_id where i.item_id = ${itemId}`;
    if (!row) throw new NotFoundError('item', itemId);
    return row.available ?? 0;
  }

  async function readCart(customerId: string): Promise<Cart> {
    const { db } = shardSet.forCustomer(customerId);
    const [header] = await db.select().from(carts).where(eq(carts.customerId, customerId));
    const lines = await db
      .select({ itemId: cartLines.itemId, quantity: cartLines.quantity })
      .from(cartLines)
      .where(eq(cartLines.customerId, customerId))
      .orderBy(asc(cartLines.itemId));
    return { customerId, lines, version: header?.version ?? 0 };
  }

  /**
   * Applies `newQuantity` to one line under the cart header's version: the header update is the optimistic
   * check, the line change rides in the same transaction.
   */
  function changeLine(customerId: string, itemId: string, newQuantity: (current: number) => Promise<number>) {
    const { db } = shardSet.forCustomer(customerId);
    return retryOnLostRace(deps, 'cart', customerId, async () => {
      const cart = await readCart(customerId);
      const current = cart.lines.find((l) => l.itemId === itemId)?.quantity ?? 0;
      const next = await newQuantity(current);
      if (next === current) return cart;
      const won = await db.transaction(async (tx) => {
        await tx.insert(carts).values({ customerId }).onConflictDoNothing();
        if (!(await bumpVersion(tx, customerId, cart.version))) return false;
        if (next === 0) {
          await tx
            .delete(cartLines)
            .where(and(eq(cartLines.customerId, customerId), eq(cartLines.itemId, itemId)));
        } else {
          await tx
            .insert(cartLines)
            .values({ customerId, itemId, quantity: next })
            .onConflictDoUpdate({
              target: [cartLines.customerId, cartLines.itemId],
              set: { quantity: next },
            });
        }
        return true;
      });
      return won ? readCart(customerId) : LOST_RACE;
    });
  }

  return {
    getCart: (customerId) => {
      assertId(customerId, 'customerId');
      return readCart(customerId);
    },

    addToCart({ customerId, itemId, quantity }) {
      assertId(customerId, 'customerId');
      assertId(itemId, 'itemId');
      assertQuantity(quantity);
      return changeLine(customerId, itemId, async (current) => {
        const wanted = current + quantity;
        const available = await availableUnits(itemId);
        if (available < wanted) throw new OutOfStockError([{ itemId, requested: wanted, available }]);
        return wanted;
      });
    },

    removeFromCart({ customerId, itemId, quantity }) {
      assertId(customerId, 'customerId');
      assertId(itemId, 'itemId');
      assertQuantity(quantity);
      return changeLine(customerId, itemId, async (current) => Math.max(0, current - quantity));
    },

    async clearCart(customerId) {
      assertId(customerId, 'customerId');
      const { db } = shardSet.forCustomer(customerId);
      return retryOnLostRace(deps, 'cart', customerId, async () => {
        const cart = await readCart(customerId);
        if (cart.lines.length === 0) return cart;
        const cleared = await db.transaction(async (tx) => {
          if (!(await bumpVersion(tx, customerId, cart.version))) return false;
          await tx.delete(cartLines).where(eq(cartLines.customerId, customerId));
          return true;
        });
        return cleared ? readCart(customerId) : LOST_RACE;
      });
    },
  };
}
