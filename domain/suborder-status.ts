/** A per-warehouse shipment of an order. Acyclic, like the order lifecycle. */
export const SUBORDER_STATUSES = ['ALLOCATED', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;
export type SuborderStatus = (typeof SUBORDER_STATUSES)[number];

export const SUBORDER_TRANSITIONS: Readonly<Record<SuborderStatus, readonly SuborderStatus[]>> = {
  ALLOCATED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
};

export function canTransitionSuborder(from: SuborderStatus, to: SuborderStatus): boolean {
  return SUBORDER_TRANSITIONS[from].includes(to);
}
