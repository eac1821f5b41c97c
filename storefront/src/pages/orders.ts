/** My orders (`#/orders`, `?limit=` for the page size): newest first, a page at a time with "More". */
import { ApiProblem, call } from '../api.js';
import { h, money, replaceChildren } from '../dom.js';
import { when } from '../orders/order-parts.js';
import type { OrderPage, OrderSummary } from '../orders/order-types.js';
import { currentPath } from '../router.js';

const DEFAULT_PAGE_SIZE = 10;

function row(order: OrderSummary): HTMLElement {
  return h(
    'li',
    { 'data-order': order.orderId },
    h('a', { href: `#/orders/${encodeURIComponent(order.orderId)}` }, `Order ${order.orderId}`),
    ' · ',
    h('time', { datetime: order.orderedAt }, when(order.orderedAt)),
    ' · ',
    money(order.total),
    ' · ',
    h('strong', { class: 'status' }, order.status),
  );
}

export async function ordersPage(view: HTMLElement): Promise<undefined> {
  const limit = Number(currentPath().query.get('limit')) || DEFAULT_PAGE_SIZE;
  const list = h('ol', { class: 'orders', 'aria-label': 'My orders' });
  const error = h('p', { role: 'alert', class: 'error' });
  const more = h('button', { type: 'button', hidden: true }, 'More');
  let cursor: string | null = null;

  async function load(): Promise<void> {
    error.textContent = '';
    more.disabled = true;
    try {
      const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
      const { body } = await call<OrderPage>('GET', `/orders?${query}`);
      list.append(...body.orders.map(row));
      cursor = body.nextCursor;
      more.hidden = cursor === null;
      if (list.childElementCount === 0) list.replaceWith(h('p', { class: 'muted' }, 'No orders yet.'));
    } catch (problem) {
      error.textContent = problem instanceof ApiProblem ? problem.detail : String(problem);
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener('click', () => void load());
  replaceChildren(view, h('h1', {}, 'My orders'), list, more, error);
  await load();
  return undefined;
}
