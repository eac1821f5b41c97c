/**
 * The operator console's orders (`#/console`): orders placed between "From" and "To" (the last 24 hours at
 * first) on every shard, optionally one status or one customer's, oldest first, a page at a time with "More".
 * `?customerId=` and `?status=` preset the filters.
 */
import { ORDER_STATUSES } from '../../../domain/order-status.js';
import { ApiProblem, call } from '../api.js';
import { consoleNav, consoleOrderHref, notOperator } from '../console/console-nav.js';
import { fromLocalInput, lastDay, toLocalInput } from '../console/range-inputs.js';
import { workflowLink } from '../console/workflow-link.js';
import { h, money, replaceChildren } from '../dom.js';
import { when } from '../orders/order-parts.js';
import type { OrderPage, OrderSummary } from '../orders/order-types.js';
import { currentPath } from '../router.js';

const PAGE_SIZE = 20;

function row(order: OrderSummary): HTMLElement {
  const customerId = order.customerId ?? '';
  return h(
    'tr',
    { 'data-order': order.orderId },
    h('td', {}, when(order.orderedAt)),
    h('td', {}, h('a', { href: consoleOrderHref(customerId, order.orderId) }, order.orderId)),
    h('td', {}, customerId),
    h('td', {}, h('strong', { class: 'status' }, order.status)),
    h('td', {}, money(order.total)),
    h('td', {}, workflowLink(order.orderId)),
  );
}

export async function consolePage(view: HTMLElement): Promise<undefined> {
  const refused = notOperator();
  if (refused) {
    replaceChildren(view, h('h1', {}, 'Console'), refused);
    return undefined;
  }
  const preset = currentPath().query;
  const range = lastDay();
  const from = h('input', { id: 'from', type: 'datetime-local', value: toLocalInput(range.from) });
  const to = h('input', { id: 'to', type: 'datetime-local', value: toLocalInput(range.to) });
  const status = h(
    'select',
    { id: 'status' },
    h('option', { value: '' }, 'Any'),
    ORDER_STATUSES.map((s) => h('option', { value: s, selected: preset.get('status') === s }, s)),
  );
  const customer = h('input', { id: 'customer', value: preset.get('customerId') ?? '' });
  const rows = h('tbody', {});
  const error = h('p', { role: 'alert', class: 'error' });
  const note = h('p', { class: 'muted', role: 'status' });
  const more = h('button', { type: 'button', hidden: true }, 'More');
  const table = h(
    'table',
    { 'aria-label': 'Orders', 'aria-busy': 'false' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Placed', 'Order', 'Customer', 'Status', 'Total', 'Temporal'].map((t) => h('th', {}, t)),
      ),
    ),
    rows,
  );
  let query: URLSearchParams | undefined;
  let cursor: string | null = null;

  async function load(): Promise<void> {
    if (!query) return;
    error.textContent = '';
    more.disabled = true;
    table.setAttribute('aria-busy', 'true');
    try {
      const page = new URLSearchParams(query);
      if (cursor) page.set('cursor', cursor);
      const { body } = await call<OrderPage>('GET', `/admin/orders?${page}`);
      rows.append(...body.orders.map(row));
      cursor = body.nextCursor;
      more.hidden = cursor === null;
      note.textContent = `${rows.childElementCount} order(s)${cursor ? ', more to come' : ''}`;
    } catch (problem) {
      error.textContent = problem instanceof ApiProblem ? problem.detail : String(problem);
    } finally {
      more.disabled = false;
      table.setAttribute('aria-busy', 'false');
    }
  }

  async function find(): Promise<void> {
    const fromIso = fromLocalInput(from.value);
    const toIso = fromLocalInput(to.value);
    if (!fromIso || !toIso) {
      error.textContent = 'From and To must both be dates.';
      return;
    }
    query = new URLSearchParams({ from: fromIso, to: toIso, limit: String(PAGE_SIZE) });
    if (status.value) query.set('status', status.value);
    if (customer.value.trim()) query.set('customerId', customer.value.trim());
    cursor = null;
    rows.replaceChildren();
    await load();
  }

  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void find();
      },
    },
    h('label', { for: 'from' }, 'From'),
    from,
    h('label', { for: 'to' }, 'To'),
    to,
    h('label', { for: 'status' }, 'Status'),
    status,
    h('label', { for: 'customer' }, 'Customer'),
    customer,
    h('button', { type: 'submit' }, 'Find'),
  );
  more.addEventListener('click', () => void load());
  replaceChildren(view, consoleNav(), h('h1', {}, 'Orders'), form, error, note, table, more);
  await find();
  return undefined;
}
