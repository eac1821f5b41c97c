/**
 * Order lifecycle (DESIGN.md §5). The graph is acyclic, so "move to the status the row already has" is
 * the only repeat a retried activity can make, and the repository treats it as a no-op.
 */
export const ORDER_STATUSES = [
  'RESERVED',
  'PAYING',
  'PENDING',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'EXPIRED',
  'PAYMENT_FAILED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  RESERVED: ['PAYING', 'EXPIRED', 'CANCELLED', 'PAYMENT_FAILED'],
  PAYING: ['PENDING', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED'],
  PENDING: ['PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED'],
  PARTIALLY_SHIPPED: ['SHIPPED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
  EXPIRED: [],
  PAYMENT_FAILED: [],
};

/** Orders whose payment stands: captured − refunded must equal the order total (DESIGN.md §2 inv. 4). */
export const CHARGED_ORDER_STATUSES: readonly OrderStatus[] = [
  'PENDING',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'DELIVERED',
];

export function canTransitionOrder(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}
