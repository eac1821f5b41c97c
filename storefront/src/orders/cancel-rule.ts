/**
 * Whether an order may still be cancelled, as the order workflow decides it: until anything has shipped,
 * and never once it has ended. Undefined when it may; otherwise why not, in words.
 */
import type { Order } from './order-types.js';

const OPEN = ['RESERVED', 'PAYING', 'PENDING'];

export function whyNotCancellable(order: Order): string | undefined {
  const shipped = order.suborders.some((s) => s.status === 'SHIPPED' || s.status === 'DELIVERED');
  if (order.status === 'SHIPPED' || order.status === 'DELIVERED') {
    return 'This order has shipped: it can no longer be cancelled.';
  }
  if (order.status === 'PARTIALLY_SHIPPED' || (OPEN.includes(order.status) && shipped)) {
    return 'Part of this order has shipped: it can no longer be cancelled.';
  }
  if (!OPEN.includes(order.status)) return `This order is ${order.status}: there is nothing to cancel.`;
  return undefined;
}
