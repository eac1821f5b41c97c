/**
 * An item's units split over warehouses, and a split's suborders rewritten to what was really
 * allocated: a local activity retried after a crash finds the units its lost attempt allocated, maybe
 * from other warehouses than the new plan's, and the order keeps those (never both).
 */
import { compareIds } from './id-order.js';
export interface ItemParts {
  itemId: string;
  parts: { warehouseId: string; quantity: number }[];
}

export interface WarehouseLines {
  warehouseId: string;
  lines: { itemId: string; quantity: number }[];
}

/** `suborders` with every line of the `actual` items replaced by their actual parts; sorted, none empty. */
export function withActualParts(
  suborders: readonly WarehouseLines[],
  actual: readonly ItemParts[],
): WarehouseLines[] {
  const replaced = new Set(actual.map((item) => item.itemId));
  const byWarehouse = new Map<string, WarehouseLines['lines']>();
  for (const { warehouseId, lines } of suborders) {
    byWarehouse.set(
      warehouseId,
      lines.filter((line) => !replaced.has(line.itemId)),
    );
  }
  for (const { itemId, parts } of actual) {
    for (const { warehouseId, quantity } of parts) {
      byWarehouse.set(warehouseId, [...(byWarehouse.get(warehouseId) ?? []), { itemId, quantity }]);
    }
  }
  return [...byWarehouse.entries()]
    .filter(([, lines]) => lines.length > 0)
    .sort(([a], [b]) => compareIds(a, b))
    .map(([warehouseId, lines]) => ({ warehouseId, lines }));
}

/** Same parts, whatever their order. */
export function sameParts(a: ItemParts['parts'], b: ItemParts['parts']): boolean {
  const key = (parts: ItemParts['parts']) =>
    parts
      .map((p) => `${p.warehouseId}:${p.quantity}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}
