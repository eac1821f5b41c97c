/**
 * Suborder ids are `${orderId}.${warehouseId}`. Warehouse ids never contain a dot (a CHECK on
 * `warehouses` enforces it), so the order id — and with it the workflow id `order-{orderId}` — is
 * everything before the last dot: a warehouse event can be routed to its order without a lookup.
 */
export function suborderIdFor(orderId: string, warehouseId: string): string {
  if (orderId.length === 0) throw new RangeError('order id must not be empty');
  if (warehouseId.length === 0 || warehouseId.includes('.')) {
    throw new RangeError(`warehouse id must be non-empty and contain no dot: ${warehouseId}`);
  }
  return `${orderId}.${warehouseId}`;
}

export function parseSuborderId(suborderId: string): { orderId: string; warehouseId: string } | undefined {
  const dot = suborderId.lastIndexOf('.');
  if (dot <= 0 || dot === suborderId.length - 1) return undefined;
  return { orderId: suborderId.slice(0, dot), warehouseId: suborderId.slice(dot + 1) };
}
