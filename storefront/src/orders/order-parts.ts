/** The pieces of an order both the shopper's and the operator's pages show: when, lines, suborders, why. */
import { type Child, h, money } from '../dom.js';
import type { Order, OrderSummary, Suborder } from './order-types.js';

export function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** The order's status where tests and screen readers find it. */
export function statusBadge(status: string): HTMLElement {
  return h('strong', { class: 'status', 'data-testid': 'order-status' }, status);
}

export function linesTable(order: OrderSummary): HTMLElement {
  return h(
    'table',
    { 'aria-label': 'Lines' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', {}, 'Quantity'), h('th', {}, 'Price'))),
    h(
      'tbody',
      {},
      order.lines.map((l) =>
        h('tr', {}, h('td', {}, l.itemId), h('td', {}, l.quantity), h('td', {}, money(l.price))),
      ),
    ),
    h('tfoot', {}, h('tr', {}, h('th', { colspan: 2 }, 'Total'), h('th', {}, money(order.total)))),
  );
}

/** The suborders, one row each; `actions` adds cells (the console's Ship and Deliver). */
export function subordersTable(order: Order, actions?: (suborder: Suborder) => Child[]): HTMLElement {
  if (order.suborders.length === 0) return h('p', { class: 'muted' }, 'No shipments yet.');
  return h(
    'table',
    { 'aria-label': 'Shipments' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Warehouse'),
        h('th', {}, 'Items'),
        h('th', {}, 'Status'),
        actions && h('th', {}, 'Actions'),
      ),
    ),
    h(
      'tbody',
      {},
      order.suborders.map((s) =>
        h(
          'tr',
          { 'data-suborder': s.suborderId },
          h('td', {}, s.warehouseId),
          h('td', {}, s.lines.map((l) => `${l.quantity} × ${l.itemId}`).join(', ')),
          h('td', { 'data-testid': 'suborder-status' }, s.status),
          actions && h('td', {}, actions(s)),
        ),
      ),
    ),
  );
}

/** Why it ended, when it ended early. */
export function endNote(order: OrderSummary): HTMLElement | undefined {
  if (order.cancelReason) {
    return h('p', { 'data-testid': 'cancel-reason' }, `Cancelled: ${order.cancelReason}`);
  }
  if (order.failureReason)
    return h('p', { 'data-testid': 'failure-reason' }, `Failed: ${order.failureReason}`);
  return undefined;
}

/** Orders no longer change once they are here. */
export const FINAL_STATUSES = ['DELIVERED', 'CANCELLED', 'EXPIRED', 'PAYMENT_FAILED', 'FAILED'];
