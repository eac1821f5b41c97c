/**
 * Activities of the warehouse task queue, served by the warehouse worker process. A warehouse learns
 * of a suborder here; what the warehouse does next (picking, packing) is outside the platform, and it
 * reports back through the ship/deliver events.
 */
import { ApplicationFailure, log } from '@temporalio/activity';
import type { SuborderRepository } from '../db/repositories/suborder-repository.js';

export interface WarehouseActivityDeps {
  suborders: Pick<SuborderRepository, 'listSuborders'>;
}

export interface SuborderNotice {
  customerId: string;
  orderId: string;
  suborderId: string;
}

export function createWarehouseActivities(deps: WarehouseActivityDeps) {
  return {
    /** Confirms the suborder is recorded and hands it to its warehouse; idempotent (a read plus a notice). */
    async notifyWarehouse(notice: SuborderNotice): Promise<{ warehouseId: string; lines: number }> {
      const suborders = await deps.suborders.listSuborders(notice.customerId, notice.orderId);
      const suborder = suborders.find((s) => s.suborderId === notice.suborderId);
      if (!suborder) {
        throw ApplicationFailure.nonRetryable(`no suborder ${notice.suborderId}`, 'NotFound');
      }
      log.info('warehouse notified', {
        warehouseId: suborder.warehouseId,
        suborderId: suborder.suborderId,
        lines: suborder.lines.length,
      });
      return { warehouseId: suborder.warehouseId, lines: suborder.lines.length };
    },
  };
}

export type WarehouseActivities = ReturnType<typeof createWarehouseActivities>;
