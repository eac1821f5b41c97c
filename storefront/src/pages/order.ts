/**
 * One of my orders (`#/orders/:orderId`): lines, total, status, shipments, and "Cancel order" while it may
 * be cancelled (else why not). It looks again every few seconds until the order is final.
 */
import { ApiProblem, call } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { whyNotCancellable } from '../orders/cancel-rule.js';
import {
  endNote,
  FINAL_STATUSES,
  linesTable,
  statusBadge,
  subordersTable,
  when,
} from '../orders/order-parts.js';
import type { Order } from '../orders/order-types.js';
import type { Cleanup } from '../router.js';

const POLL_MS = 2_000;

export async function orderPage(view: HTMLElement, params: Record<string, string>): Promise<Cleanup> {
  const orderId = params['orderId']!;
  const body = h('section', {});
  const error = h('p', { role: 'alert', class: 'error' });
  let shown = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let left = false;

  function cancelButton(): HTMLButtonElement {
    const button = h('button', { type: 'button' }, 'Cancel order');
    button.addEventListener('click', async () => {
      button.disabled = true;
      error.textContent = '';
      try {
        await call('POST', '/checkout?op=CANCEL', { orderId });
      } catch (problem) {
        error.textContent = problem instanceof ApiProblem ? problem.detail : String(problem);
      }
      await refresh();
    });
    return button;
  }

  function render(order: Order): void {
    const refusal = whyNotCancellable(order);
    replaceChildren(
      body,
      h('p', {}, 'Status: ', statusBadge(order.status)),
      h('p', { class: 'muted' }, `Placed ${when(order.orderedAt)}`),
      linesTable(order),
      h('h2', {}, 'Shipments'),
      subordersTable(order),
      endNote(order),
      refusal ? h('p', { 'data-testid': 'cancel-refusal' }, refusal) : cancelButton(),
    );
  }

  async function refresh(): Promise<void> {
    clearTimeout(timer);
    try {
      const { body: order } = await call<Order>('GET', `/orders/${encodeURIComponent(orderId)}`);
      const json = JSON.stringify(order);
      if (json !== shown) {
        shown = json;
        render(order);
      }
      if (!left && !FINAL_STATUSES.includes(order.status)) timer = setTimeout(() => void refresh(), POLL_MS);
    } catch (problem) {
      error.textContent = problem instanceof ApiProblem ? problem.detail : String(problem);
    }
  }

  replaceChildren(
    view,
    h('p', {}, h('a', { href: '#/orders' }, '← My orders')),
    h('h1', {}, `Order ${orderId}`),
    body,
    error,
  );
  await refresh();
  return () => {
    left = true;
    clearTimeout(timer);
  };
}
