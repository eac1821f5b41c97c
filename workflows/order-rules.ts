/** Pure rules of the order workflow: what a message may do in which state. Deterministic, no I/O. */
import { TERMINAL_ORDER_STATUSES } from '../domain/order-status.js';
import type { OrderState, SuborderState } from './types.js';

/** CHECKOUT_REFUSED is never persisted, but the workflow ends there too. */
const TERMINAL = new Set<OrderState['status']>([...TERMINAL_ORDER_STATUSES, 'CHECKOUT_REFUSED']);

export function isTerminal(status: OrderState['status']): boolean {
  return TERMINAL.has(status);
}

/** Why a cancel is refused now, or undefined when it is allowed. */
export function cancelRefusal(state: OrderState, shipRequested: ReadonlySet<string>): string | undefined {
  if (state.status === 'NEW') return 'the checkout has not begun';
  if (isTerminal(state.status)) return `the order is already ${state.status}`;
  const shipped = state.suborders.some((s) => s.status === 'SHIPPED' || s.status === 'DELIVERED');
  if (shipped || shipRequested.size > 0) return 'the order has already shipped';
  return undefined;
}

/** The order status that the suborders' progress implies, once fulfillment has started. */
export function statusFromSuborders(
  suborders: readonly SuborderState[],
): 'PENDING' | 'PARTIALLY_SHIPPED' | 'SHIPPED' | 'DELIVERED' {
  if (suborders.length === 0) return 'PENDING';
  const left = (s: SuborderState) => s.status === 'SHIPPED' || s.status === 'DELIVERED';
  if (suborders.every((s) => s.status === 'DELIVERED')) return 'DELIVERED';
  if (suborders.every(left)) return 'SHIPPED';
  if (suborders.some(left)) return 'PARTIALLY_SHIPPED';
  return 'PENDING';
}

/** The lifecycle path between two fulfillment statuses, so no persisted transition is skipped. */
export function fulfillmentPath(from: string, to: string): string[] {
  const order = ['PENDING', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED'];
  const start = order.indexOf(from);
  const end = order.indexOf(to);
  if (start < 0 || end <= start) return [];
  const path = order.slice(start + 1, end + 1);
  // PENDING may go straight to SHIPPED when every suborder ships at once.
  return from === 'PENDING' && path.includes('SHIPPED')
    ? path.filter((s) => s !== 'PARTIALLY_SHIPPED')
    : path;
}
