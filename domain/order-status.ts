/**
 * Order lifecycle (drawn in docs/architecture.md, section 3). The graph is acyclic. A retried step asks
 * again for the status it set (a no-op), or, when a workflow task that ran several local activities was
 * lost after they took effect, for a status the order has already moved past: the repository treats both
 * as done (`alreadyPast`).
 *
 * RESERVED → PAYMENT_FAILED is allowed but taken by neither workflow type: it is kept only for tolerance.
 * PAYING or PENDING → EXPIRED: an order that expires while a workflow task lost after taking its payment
 * left the row there; everything that task took is given back first. FAILED: a step of the order failed
 * for good (a permanent error, or its bound ran out) before anything shipped; its stock was given back and
 * its payment voided or refunded.
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
  'FAILED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  RESERVED: ['PAYING', 'EXPIRED', 'CANCELLED', 'PAYMENT_FAILED', 'FAILED'],
  PAYING: ['PENDING', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED', 'FAILED'],
  PENDING: ['PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED', 'EXPIRED', 'FAILED'],
  PARTIALLY_SHIPPED: ['SHIPPED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
  EXPIRED: [],
  PAYMENT_FAILED: [],
  FAILED: [],
};

/**
 * Orders whose payment stands: captured − refunded must equal the order total (invariant 4 in
 * db/invariants.ts).
 */
export const CHARGED_ORDER_STATUSES: readonly OrderStatus[] = [
  'PENDING',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'DELIVERED',
];

/** Statuses an order never leaves. */
export const TERMINAL_ORDER_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter(
  (status) => ORDER_TRANSITIONS[status].length === 0,
);

export function canTransitionOrder(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}

/** Whether an order at `current` has already been through `to`: `current` is reachable from `to`. */
export function alreadyPast(current: OrderStatus, to: OrderStatus): boolean {
  const seen = new Set<OrderStatus>();
  const queue: OrderStatus[] = [...ORDER_TRANSITIONS[to]];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (next === current) return true;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...ORDER_TRANSITIONS[next]);
  }
  return false;
}
