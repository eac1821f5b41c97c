/** The waiting room workflow's one side effect: reading whether its item has units left. */
import type { StockRepository } from '../db/repositories/stock-repository.js';

export interface WaitingRoomActivityDeps {
  stock: Pick<StockRepository, 'getStock'>;
}

export function createWaitingRoomActivities(deps: WaitingRoomActivityDeps) {
  return {
    /** Units of the item a new reservation could take; 0 for an item that does not exist. */
    async availableUnits(itemId: string): Promise<number> {
      return (await deps.stock.getStock(itemId))?.available ?? 0;
    },
  };
}

export type WaitingRoomActivities = ReturnType<typeof createWaitingRoomActivities>;
